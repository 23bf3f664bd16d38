"""The schemas themselves: valid draft 2020-12, documented in Danish, strict where a typo would hide."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from checker.schema import DOCUMENT_TYPES, SchemaRegistry
from tests.conftest import SCHEMAS

SCHEMA_FILES = sorted(SCHEMAS.glob("*.schema.json"))


def _walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def test_there_is_one_schema_per_document_type_plus_common():
    names = {p.name for p in SCHEMA_FILES}
    assert names == {"common.schema.json", "regelsaet.schema.json"} | {v[0] for v in DOCUMENT_TYPES.values()}


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12_with_id_and_danish_title(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://lbf-aftale.dk/schemas/v2/{path.name}"
    assert schema["title"] and schema["description"]


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_title_and_a_description(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    undocumented = []
    for where, node in _walk(schema):
        for name, prop in (
            node.get("properties", {}).items() if isinstance(node.get("properties"), dict) else []
        ):
            if (
                prop is True or "/if/" in f"{where}/"
            ):  # conditions on, or "allowed here" markers for, a property
                continue
            if "/then/properties" in f"{where}/properties" and name in schema["$defs"]["maal"]["properties"]:
                continue  # a target type narrows a property documented once on "maal"
            if "$ref" in prop and set(prop) <= {"$ref"}:
                target = prop["$ref"].split("#/$defs/")[-1]
                common = json.loads((SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
                prop = (
                    common.get(target, {}) if "common" in prop["$ref"] or prop["$ref"].startswith("#") else {}
                )
            if not (prop.get("title") and prop.get("description")):
                undocumented.append(f"{where}/properties/{name}")
    assert undocumented == []


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_object_with_properties_rejects_unknown_keys(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    loose = []
    for where, node in _walk(schema):
        if node.get("type") == "object" and "properties" in node:
            if (
                node.get("additionalProperties") is not False
                and node.get("unevaluatedProperties") is not False
            ):
                loose.append(where)
    # the target ("maal") closes its properties per target type in if/then branches; kontrolpunkt is
    # closed by unevaluatedProperties where it is used
    expected = ["/$defs/kontrolpunkt", "/$defs/maal"] if path.name == "common.schema.json" else []
    assert loose == expected


def test_shared_definitions_live_in_the_common_schema():
    common = json.loads((SCHEMAS / "common.schema.json").read_text(encoding="utf-8"))["$defs"]
    for name in ("part", "omraade", "rolle", "beloeb", "dato", "succeskriterium", "maal", "baseline"):
        assert name in common
    for path in SCHEMA_FILES:
        if path.name == "common.schema.json":
            continue
        text = path.read_text(encoding="utf-8")
        assert '"$defs"' not in text, f"{path.name} defines its own $defs instead of using common.schema.json"
        assert "common.schema.json#/$defs/" in text


@pytest.fixture(scope="module")
def common_validator():
    registry = SchemaRegistry()

    def check(defname: str, instance) -> list[str]:
        schema = {"$ref": f"https://lbf-aftale.dk/schemas/v2/common.schema.json#/$defs/{defname}"}
        validator = Draft202012Validator(
            schema, registry=registry.registry, format_checker=registry.format_checker
        )
        return [e.validator for e in validator.iter_errors(instance)]

    return check


def test_money_is_whole_kroner_or_a_decimal_string_never_a_float(common_validator):
    assert common_validator("beloeb", 14600000) == []
    assert common_validator("beloeb", "1250.50") == []
    assert common_validator("beloeb", Decimal("14600000.0")) == ["oneOf"]  # how the loader reads 14600000.0
    assert common_validator("beloeb", "1250,50") == ["oneOf"]
    assert common_validator("beloeb", "12.505") == ["oneOf"]


def test_dates_must_be_real_iso_dates(common_validator):
    assert common_validator("dato", "2017-04-01") == []
    assert common_validator("dato", "2017-02-30") == ["format"]
    assert common_validator("dato", "1.4.2017") == ["format", "pattern"]


@pytest.mark.parametrize(
    "target, errors",
    [
        ({"type": "loft", "graense": "baseline", "kontrolpunkter": [{"dato": "2021-03-31"}]}, []),
        (
            {
                "type": "taerskel",
                "retning": "mindst",
                "kontrolpunkter": [{"dato": "2021-03-31", "vaerdi": 80}],
            },
            [],
        ),
        (
            {
                "type": "relativ_aendring",
                "retning": "fald",
                "kontrolpunkter": [{"dato": "2020-12-31", "procent": 2}],
            },
            [],
        ),
        (
            {
                "type": "procentpoint_aendring",
                "retning": "fald",
                "kontrolpunkter": [{"dato": "2020-12-31", "procentpoint": 2}],
            },
            [],
        ),
        (
            {
                "type": "aarlig_aendring",
                "retning": "fald",
                "procent_pr_aar": 5,
                "loft_ved_baseline": True,
                "kontrolpunkter": [{"dato": "2018-03-31", "aar": 1}],
            },
            [],
        ),
        (
            {"type": "bedre_end_baseline", "retning": "stigning", "kontrolpunkter": [{"dato": "2020-12-31"}]},
            [],
        ),
        # a threshold needs its value at each checkpoint, a relative change its percentage
        ({"type": "taerskel", "retning": "mindst", "kontrolpunkter": [{"dato": "2021-03-31"}]}, ["required"]),
        (
            {
                "type": "relativ_aendring",
                "retning": "fald",
                "kontrolpunkter": [{"dato": "2020-12-31", "procentpoint": 2}],
            },
            ["required", "unevaluatedProperties"],
        ),
        # a yearly change cannot be "mindst"; a ceiling has no percentage per year
        (
            {
                "type": "aarlig_aendring",
                "retning": "mindst",
                "procent_pr_aar": 5,
                "kontrolpunkter": [{"dato": "2018-03-31", "aar": 1}],
            },
            ["enum"],
        ),
        (
            {"type": "loft", "graense": 10, "procent_pr_aar": 5, "kontrolpunkter": [{"dato": "2018-03-31"}]},
            ["additionalProperties"],
        ),
        ({"type": "loft", "graense": 10, "kontrolpunkter": []}, ["minItems"]),
    ],
)
def test_each_target_kind_is_machine_readable_and_strict(common_validator, target, errors):
    assert sorted(common_validator("maal", target)) == sorted(errors)


def test_a_baseline_is_exactly_one_of_value_per_area_per_category_or_not_yet_available(common_validator):
    assert common_validator("baseline", {"tidspunkt": "2015", "per_omraade": {"Egeparken": 0}}) == []
    assert common_validator("baseline", {"tidspunkt": "2016", "per_kategori": {"trygge": 46}}) == []
    assert common_validator("baseline", {"tidspunkt": "2015-2017", "vaerdi": Decimal("72.8")}) == []
    assert (
        common_validator("baseline", {"tidspunkt": "ved opstart", "foreligger_ikke": "nulpunktsmåling"}) == []
    )
    assert common_validator("baseline", {"tidspunkt": "2015"}) == ["oneOf"]
    assert common_validator("baseline", {"tidspunkt": "2015", "vaerdi": 1, "per_omraade": {"A": 1}}) == [
        "oneOf"
    ]
