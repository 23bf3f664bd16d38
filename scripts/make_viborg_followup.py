"""Write the Viborg example follow-up register (agreements/viborg-2017-2021/opfoelgning.json) with its
evidence files and minutes. EXAMPLE DATA: the seed agreement contains no follow-up; the figures are
invented to show every audit status: most targets met, some not, one measurement missing
(Vestervang's klagesager at the end of project year 3) and one evidence file changed after it was
registered (the klagesager extract for project year 2). The register says so in its metadata
(``oprindelse: eksempel``), and every evidence file and every set of minutes starts with the line
"EKSEMPEL – opdigtede tal", so that no page of it can pass for real follow-up.

Tryghed is registered as the agreement's reading records it: trygge and meget trygge together (one
figure, no ``noegle``); the evidence file gives both answers and their sum.

Run: .venv/bin/python scripts/make_viborg_followup.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DOSSIER = Path(__file__).resolve().parent.parent / "agreements" / "viborg-2017-2021"
EVIDENCE = "opfoelgning/bilag"
MINUTES = "opfoelgning/referater"

KLAGESAGER = {  # area -> values at the end of project years 1-4 (None = not registered)
    "Egeparken": [0, 0, 0, 0],
    "Ellekonebakken": [30, 28, 27, 26],
    "Houlkærparken": [12, 12, 11, 11],
    "Houlkærvænget": [31, 28, 27, 25],
    "Rødkærparken": [0, 0, 1, 0],
    "Vestervang": [15, 14, None, 13],
}
FRAFLYTNING_2020 = {
    "Egeparken": 25.1,
    "Ellekonebakken": 22.0,
    "Houlkærparken": 19.8,
    "Houlkærvænget": 15.1,
    "Rødkærparken": 16.5,
    "Vestervang": 13.2,
}
YEAR_ENDS = ["2018-03-31", "2019-03-31", "2020-03-31", "2021-03-31"]
BANNER = "EKSEMPEL – opdigtede tal, ikke en rigtig opfølgning"
CHANGED_AFTER_REGISTRATION = f"{EVIDENCE}/klagesager-2019-03-31.csv"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(rel: str, text: str) -> dict:
    """An evidence file or minutes, marked as example data on its first line; returns its bevis."""
    path = DOSSIER / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    marker = f"# {BANNER}\n" if rel.endswith(".csv") else f"{BANNER}\n"
    path.write_text(marker + text, encoding="utf-8")
    return {"fil": rel, "sha256": sha(path)}


def main() -> None:
    maalinger, baselines, evalueringer = [], [], []

    def measure(kriterium, kontrolpunkt, vaerdi, dato, kilde, bevis, noegle=None):
        m = {"kriterium": kriterium}
        if noegle is not None:
            m["noegle"] = noegle
        m.update(kontrolpunkt=kontrolpunkt, vaerdi=vaerdi, dato=dato, datakilde=kilde, bevis=bevis)
        maalinger.append(m)

    for i, end in enumerate(YEAR_ENDS):
        rows = [f"{area};{values[i]}" for area, values in KLAGESAGER.items() if values[i] is not None]
        bevis = write(f"{EVIDENCE}/klagesager-{end}.csv", "afdeling;klagesager\n" + "\n".join(rows) + "\n")
        for area, values in KLAGESAGER.items():
            if values[i] is not None:
                measure(
                    "5.1-klagesager",
                    end,
                    values[i],
                    end,
                    f"Boligselskabernes opgørelse af klagesager pr. {end}",
                    bevis,
                    area,
                )
    bevis = write(
        f"{EVIDENCE}/fraflytning-2020-12-31.csv",
        "afdeling;fraflytningsprocent\n" + "\n".join(f"{a};{v}" for a, v in FRAFLYTNING_2020.items()) + "\n",
    )
    for area, value in FRAFLYTNING_2020.items():
        measure(
            "5.1-fraflytning",
            "2020-12-31",
            value,
            "2021-01-15",
            "EG Bolig, udtræk pr. 31.12.2020",
            bevis,
            area,
        )
    bevis = write(
        f"{EVIDENCE}/tilfredshedsundersoegelse-2020.txt",
        "Tilfredshedsundersøgelse 2020 (helhedsplanen), voksne beboere\n"
        "trygge: 51 %\nmeget trygge: 31 %\ntrygge og meget trygge i alt: 82 %\n",
    )
    measure(
        "5.1-tryghed",
        "2020-12-31",
        82,
        "2020-11-30",
        "Tilfredshedsundersøgelse 2020: trygge 51 % og meget trygge 31 %",
        bevis,
    )
    bevis = write(
        f"{EVIDENCE}/uu-uddannelsesparathed-2020-2021.txt",
        "UU Viborg: uddannelsesparate i 8. og 9. klasse, skoleåret 2020-2021\nSøndre skole, Vestre skole, Houlkær skole: 78,5 %\n",
    )
    measure("5.3-uddannelsesparathed", "2021-03-31", 78.5, "2021-02-01", "UU Viborg", bevis)

    for kriterium, base, values, tabel in (
        ("5.3-uddannelse-18-29", 38.0, [40.2, 42.5], 8),
        ("5.3-ledighed-18-29", 42.0, [40.5, 37.0], 10),
    ):
        bevis = write(
            f"{EVIDENCE}/dst-tabel-{tabel}-2017.txt",
            f"Danmarks Statistik / BL, tabel {tabel}, 2017: {base}\n",
        )
        baselines.append(
            {
                "kriterium": kriterium,
                "vaerdi": base,
                "dato": "2017-06-30",
                "datakilde": f"Danmarks Statistik, BL, tabel {tabel} (nulpunkt 2017)",
                "bevis": bevis,
            }
        )
        for year, value in zip((2018, 2020), values, strict=True):
            bevis = write(
                f"{EVIDENCE}/dst-tabel-{tabel}-{year}.txt",
                f"Danmarks Statistik / BL, tabel {tabel}, {year}: {value}\n",
            )
            measure(
                kriterium,
                f"{year}-12-31",
                value,
                f"{year + 1}-02-15",
                f"Danmarks Statistik, BL, tabel {tabel}, {year}",
                bevis,
            )

    for kriterium, base, values in (
        ("5.4-topi-roed", 24, [23, 21, 20, 19]),
        ("5.4-topi-gul", 60, [56, 54, 51, 48]),
        ("5.4-topi-groen", 310, [320, 345, 360, 380]),
    ):
        bevis = write(
            f"{EVIDENCE}/{kriterium}-nulpunkt-2017.txt",
            f"TOPI-opgørelse, udvalgte institutioner, september 2017: {base}\n",
        )
        baselines.append(
            {
                "kriterium": kriterium,
                "vaerdi": base,
                "dato": "2017-09-30",
                "datakilde": "Viborg Kommune, TOPI (nulpunkt ved opstart)",
                "bevis": bevis,
            }
        )
        for end, value in zip(YEAR_ENDS, values, strict=True):
            bevis = write(
                f"{EVIDENCE}/{kriterium}-{end}.txt",
                f"TOPI-opgørelse, udvalgte institutioner, {end}: {value}\n",
            )
            measure(kriterium, end, value, end, "Viborg Kommune, TOPI", bevis)
    bevis = write(
        f"{EVIDENCE}/familie-ivaerksaettere-nulpunkt.txt",
        "Familie-iværksættere, nulpunktsmåling ved opstart: 20 familier\n",
    )
    baselines.append(
        {
            "kriterium": "5.4-familie-ivaerksaettere",
            "vaerdi": 20,
            "dato": "2017-05-31",
            "datakilde": "HHP og kommunal sundhedspleje (nulpunktsmåling)",
            "bevis": bevis,
        }
    )
    bevis = write(
        f"{EVIDENCE}/familie-ivaerksaettere-2021.txt", "Familie-iværksættere, projektår 4: 24 familier\n"
    )
    measure(
        "5.4-familie-ivaerksaettere", "2021-03-31", 24, "2021-03-31", "HHP og kommunal sundhedspleje", bevis
    )

    for year in range(4):
        y = 2017 + year
        for date, kind in (
            (f"{y}-10-04", "pkg-evaluering"),
            (f"{y + 1}-03-07", "pkg-evaluering"),
            (f"{y}-10-25", "bestyrelse-orientering"),
            (f"{y + 1}-03-28", "bestyrelse-orientering"),
        ):
            ref = write(f"{MINUTES}/{kind}-{date}.txt", f"Referat, {kind}, {date}\n")
            evalueringer.append({"evaluering": kind, "dato": date, "referat": ref})
        if year < 3:  # the report on project year 4 is due after the period
            ref = write(
                f"{MINUTES}/lbf-afrapportering-{y + 1}-06-30.txt",
                f"Årlig afrapportering til Landsbyggefonden for projektår {year + 1}\n",
            )
            evalueringer.append(
                {"evaluering": "lbf-afrapportering", "dato": f"{y + 1}-06-30", "referat": ref}
            )

    register = {
        "dokumenttype": "opfoelgning",
        "metadata": {
            "oprindelse": "eksempel",
            "bemaerkning": "Eksempeldata: aftalen indeholder ingen opfølgning. Tallene er opfundet, så revisionen viser alle statusser; én måling mangler, og ét bilag er ændret efter registreringen.",
            "opdateret": "2021-03-31",
        },
        "helhedsplan": "den boligsociale Helhedsplan i Viborg",
        "baselines": baselines,
        "maalinger": maalinger,
        "evalueringer": sorted(evalueringer, key=lambda e: e["dato"]),
    }
    (DOSSIER / "opfoelgning.json").write_text(
        json.dumps(register, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    # the extract for project year 2 was corrected after it was registered: the audit must notice
    changed = DOSSIER / CHANGED_AFTER_REGISTRATION
    changed.write_text(changed.read_text(encoding="utf-8") + "Houlkærvænget;29\n", encoding="utf-8")
    print(f"{len(maalinger)} målinger, {len(baselines)} baselines, {len(evalueringer)} evalueringer")


if __name__ == "__main__":
    main()
