#!/usr/bin/env python3
"""(Re)build templates/aendringsoversigt.docx, the ændringsoversigt (list of changes) sent to
Landsbyggefonden with a revision of the strategic agreement, with python-docx.

It looks like the other templates (scripts/make_templates.py, whose styles, page, header and footer
it reuses): A4, Arial 11 pt, Danish (da-DK) as the default language, named styles, UDKAST in the
header of a draft, "Side X af Y" in the footer.

The template receives (checker.report.changes.write_aendringsoversigt):

  aftale       the new version's samarbejdsaftale.json data (the agreement schema)
  forrige      the old version's samarbejdsaftale.json data (the same schema)
  godkendelse  the changes that need LBF's approval: a list of {sted, foer, efter, fil}
  oevrige      the other changes (annexes, the version's own bookkeeping): the same
  udkast       true for a draft

Usage:  .venv/bin/python scripts/make_changes_template.py [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from make_templates import (
    DEFAULT_OUT,
    GREY,
    HEADER_FILL,
    P,
    T,
    Table,
    _cell_fill,
    new_document,
)

NAME = "aendringsoversigt.docx"

LBF_STATUS = (
    '{% if aftale.version.lbf_status == "udkast" %}udkast, endnu ikke sendt til Landsbyggefonden'
    '{% elif aftale.version.lbf_status == "indsendt" %}indsendt til Landsbyggefonden'
    '{% elif aftale.version.lbf_status == "godkendt" %}godkendt af Landsbyggefonden'
    "{% else %}afvist af Landsbyggefonden{% endif %}"
)


def version_row(table: Table, label: str, obj: str) -> None:
    table.row(
        [
            [(label, "Tabeloverskrift")],
            [f"{{{{ {obj}.version.nummer }}}}"],
            [
                f"{{% if {obj}.version.dato is defined %}}{{{{ {obj}.version.dato | kort_dato }}}}{{% else %}}–{{% endif %}}"
            ],
            [
                f"{{% if {obj}.version.beskrivelse is defined %}}{{{{ {obj}.version.beskrivelse }}}}"
                "{% else %}–{% endif %}"
            ],
        ]
    )


def changes_table(doc, rows: str, *, show_file: bool) -> None:
    """A Sted | Før | Efter table over `rows`, or "Ingen." when there are none."""
    T(doc, f"{{%p if {rows} %}}")
    t = Table(doc, [76, 42, 42], ["Sted", "Før", "Efter"])
    t.tag_row(f"{{%tr for r in {rows} %}}")
    sted: list = ["{{ r.sted }}"]
    if show_file:
        # the file, unless the place already names it (a whole file added, removed or replaced)
        sted += [
            "{%p if r.fil not in r.sted %}",
            ("{{ r.fil }}", "Tabeltekst", {"italic": True, "size": 8, "color": GREY}),
            "{%p endif %}",
        ]
    t.row([sted, ["{{ r.foer }}"], ["{{ r.efter }}"]])
    t.tag_row("{%tr endfor %}")
    P(doc, "", space_after=0)
    T(doc, "{%p else %}")
    P(doc, "Ingen.")
    T(doc, "{%p endif %}")


def build_aendringsoversigt(path: Path) -> None:
    doc = new_document("Ændringsoversigt", "Ændringsoversigt")

    P(doc, "Ændringsoversigt", "Title")
    P(
        doc,
        "Strategisk samarbejdsaftale for {{ aftale.helhedsplan }}, "
        "{{ aftale.periode.start | dato }} – {{ aftale.periode.slut | dato }}",
        "Subtitle",
    )
    P(
        doc,
        [
            ("Fra version ", {}),
            ("{{ forrige.version.nummer }}", {"bold": True}),
            ("{% if forrige.version.dato is defined %} af {{ forrige.version.dato | dato }}{% endif %}", {}),
            (" til version ", {}),
            ("{{ aftale.version.nummer }}", {"bold": True}),
            ("{% if aftale.version.dato is defined %} af {{ aftale.version.dato | dato }}{% endif %}", {}),
            (".", {}),
        ],
    )

    t = Table(doc, [34, 20, 28, 78], ["", "Version", "Dato", "Beskrivelse"])
    version_row(t, "Forrige version", "forrige")
    version_row(t, "Ny version", "aftale")
    for row in t.table.rows[1:]:
        _cell_fill(row.cells[0], HEADER_FILL)
    P(doc, "", space_after=0)

    T(doc, "{%p if aftale.version.lbf_status is defined %}")
    P(
        doc,
        [
            ("Status hos Landsbyggefonden: ", {"bold": True}),
            (LBF_STATUS, {}),
            (
                "{% if aftale.version.lbf_reference is defined %} (reference {{ aftale.version.lbf_reference }})"
                "{% endif %}.",
                {},
            ),
        ],
    )
    T(doc, "{%p endif %}")
    T(doc, "{%p if aftale.historik is defined %}")
    T(doc, "{%p for h in aftale.historik %}")
    T(doc, "{%p if h.nummer == aftale.version.nummer %}")
    P(doc, [("Resumé: ", {"bold": True}), ("{{ h.resume }}", {})])
    T(doc, "{%p endif %}")
    T(doc, "{%p endfor %}")
    T(doc, "{%p endif %}")

    P(
        doc,
        "Ændringer i den strategiske samarbejdsaftale skal godkendes af Landsbyggefonden. Oversigten viser "
        "først de ændringer i aftalen, der kræver fondens godkendelse, og derefter de øvrige ændringer: "
        "i bilagene (delaftaler, kommissorier, milepælsplan, beredskabsplan, budget, aktivitetsskema og "
        "andre bilag) og i aftalens egne versionsoplysninger. Bilagene holdes ajour af bestyrelsen og skal "
        "til enhver tid kunne rekvireres af Landsbyggefonden.",
    )
    P(doc, "Beløb i t.kr. er tusinde kroner. »Før« og »Efter« er værdierne i de to versioner.", "Bemærkning")

    P(doc, "Ændringer, der kræver Landsbyggefondens godkendelse", "Heading 1")
    changes_table(doc, "godkendelse", show_file=False)

    P(doc, "Øvrige ændringer (bilag)", "Heading 1")
    changes_table(doc, "oevrige", show_file=True)

    doc.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the template to")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / NAME
    build_aendringsoversigt(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
