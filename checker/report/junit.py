"""Findings as JUnit XML for CI: one test case per file checked, failing with its errors."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from checker.findings import Result, Severity
from checker.xmltext import xml_safe


def render(result: Result, lang: str) -> str:
    files = [f.path for f in result.files]
    for finding in result.findings:
        if finding.file not in files:
            files.append(finding.file)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    suite = ET.Element(
        "testsuite",
        name=f"aftale check {result.dossier}",
        tests=str(len(files)),
        failures=str(len({f.file for f in errors})),
        errors="0",
        skipped="0",
    )
    for path in files:
        case = ET.SubElement(suite, "testcase", classname=result.dossier, name=path)
        mine = [f for f in result.sorted_findings() if f.file == path]
        failing = [f for f in mine if f.severity is Severity.ERROR]
        if failing:
            failure = ET.SubElement(
                case, "failure", message=failing[0].message.get(lang), type=failing[0].code
            )
            failure.text = "\n".join(_line(f, lang) for f in failing)
        others = [f for f in mine if f.severity is not Severity.ERROR]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f, lang) for f in others)
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_safe(ET.tostring(suites, encoding="unicode"))


def _line(f, lang: str) -> str:
    where = (
        f":{f.line}:{f.column}"
        if f.line
        else (f" {f.cell}" if f.cell else (f" side {f.page}" if f.page else ""))
    )
    return f"{f.file}{where} [{f.severity.value}] {f.code}: {f.message.get(lang)}"
