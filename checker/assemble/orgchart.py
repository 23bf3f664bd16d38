"""The organisationsdiagram, drawn with graphviz from the agreement's section 2: one box per body, the
secretariat and the party it is placed under, and one arrow per relation the data records.

Nothing here knows one plan's shape. The bodies' ``relationer`` draw the arrows ("refererer til",
"indstiller til", "faciliteres af", "rådgiver"); the secretariat's ``refererer_til`` draws its own; a
body (other than the bestyrelse) that neither reports to nor advises another body is placed below the
bestyrelse without an arrow: the diagram never shows a relation the data does not record. A
body reported to is drawn above the one reporting; a facilitator below the bodies it facilitates.

``describe`` says the same in words (the diagram's alternative text in the agreement and in
organisationsdiagram.pdf, and for anyone else who needs it without the picture); ``draw`` writes the
picture as PNG (for the Word file) and as tagged PDF/A-2b (checker.assemble.pdf.figure_pdfa).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from checker import model
from checker.assemble.fmt import join_og
from checker.assemble.view import tie_text
from checker.assemble.wording import upper_first
from checker.findings import CouldNotRun, Text
from checker.sign.requirement import same_name

FONT = "DejaVu Sans"
SEKRETARIAT = "_sekretariat"
PLACERING = "_placering"
BODY_FILL, BOARD_FILL, SEK_FILL = "#e8f0e9", "#cfe3d3", "#fff4d6"
SEK_COLOR = "#8a6d1d"


def _node(body_id: str) -> str:
    """A body's node name: prefixed, so that no id can be taken for the secretariat's nodes, a port or
    an HTML string."""
    from graphviz import escape

    return escape(f"organ-{body_id}")


def _label(*lines: str) -> str:
    """Lines of dossier text as one plain-text label: every line escaped (graphviz.escape), joined with
    Graphviz's line break, and the whole marked as not HTML, so that no name can start an HTML label
    ("<IMG SRC=…/>") or an escape sequence."""
    from graphviz import escape, nohtml

    return nohtml("\\n".join(escape(line) for line in lines if line))


def _frequency(body: dict) -> str:
    freq = body.get("moedefrekvens") or {}
    low, high = freq.get("min_pr_aar"), freq.get("max_pr_aar")
    if low is None or high is None:
        return ""
    return f"{low} møder årligt" if low == high else f"{low}-{high} møder årligt"


def _tie(aftale: dict, body: dict) -> str:
    """The line under a body's name: "Indsatsområde 5.1 Tryghed og trivsel", "Boligområdet Vestervang"."""
    return upper_first(tie_text(aftale, body))


def dot_source(aftale: dict) -> str:
    """The diagram as DOT (deterministic: the same agreement gives the same text). Every text from the
    dossier is plain text to Graphviz: a name written "<IMG SRC=…/>" is not an HTML label that draws a
    file, and a backslash is not an escape sequence."""
    from graphviz import Digraph

    g = Digraph(
        "organisationsdiagram",
        graph_attr={
            "rankdir": "TB",
            "fontname": FONT,
            "nodesep": "0.5",
            "ranksep": "0.7",
            "label": _label(upper_first(aftale["helhedsplan"])),
            "labelloc": "t",
            "fontsize": "16",
        },
    )
    g.attr(
        "node",
        shape="box",
        style="rounded,filled",
        fontname=FONT,
        fontsize="12",
        fillcolor=BODY_FILL,
        color="#2f6f3e",
        margin="0.2,0.1",
    )
    g.attr("edge", fontname=FONT, fontsize="10", color="#44515c")
    organer = model.bodies(aftale)
    board = model.board(aftale)
    ids = {o["id"] for o in organer}
    for o in organer:
        g.node(
            _node(o["id"]),
            _label(o["navn"], _tie(aftale, o), _frequency(o)),
            fillcolor=BOARD_FILL if o is board else BODY_FILL,
            fontsize="14" if o is board else "12",
        )

    sek = aftale["sekretariat"]
    g.node(SEKRETARIAT, _label(sek["navn"]), shape="box", style="filled", fillcolor=SEK_FILL, color=SEK_COLOR)
    placed = model.party_by_id(aftale, sek["placering"]) or model.party_by_name(aftale, sek["placering"])
    g.node(
        PLACERING,
        _label(placed["navn"] if placed else sek["placering"]),
        shape="box",
        style="dashed",
        fillcolor="white",
    )
    with g.subgraph() as same:
        same.attr(rank="same")
        same.node(SEKRETARIAT)
        same.node(PLACERING)
    g.edge(
        SEKRETARIAT, PLACERING, label=" administrativt\\n placeret under", style="dashed", arrowhead="none"
    )

    def target(organ_id: str) -> str | None:
        if organ_id == "sekretariat":
            return SEKRETARIAT
        return _node(organ_id) if organ_id in ids else None  # an unknown id is the check's to report

    # Each edge runs from the node drawn above to the one below; dir="back" turns the arrow round where
    # it points upwards (a body reporting to the body above it).
    for o in organer:
        me = _node(o["id"])
        reports = False
        for relation in o.get("relationer", []):
            other = target(relation["organ"])
            if other is None or other == me:
                continue
            kind = relation["type"]
            if kind in ("refererer_til", "indstiller_til"):
                reports = True
                g.edge(other, me, dir="back", label=" " + kind.replace("_", " "))
            elif kind == "raadgiver":
                reports = True
                g.edge(other, me, dir="back", style="dotted", label=" rådgiver")
            elif kind == "faciliteres_af":
                color = SEK_COLOR if other == SEKRETARIAT else "#44515c"
                g.edge(me, other, dir="back", style="dashed", color=color, label=" faciliterer")
        if not reports and board is not None and o is not board:
            # placed below the bestyrelse, but no relation the data does not record is drawn
            g.edge(_node(board["id"]), me, style="invis")

    refers = sek.get("refererer_til")
    if refers:
        body = next((o for o in organer if o["id"] == refers), None) or next(
            (o for o in organer if same_name(o["navn"], refers)), None
        )
        if body is not None:
            g.edge(_node(body["id"]), SEKRETARIAT, dir="back", color=SEK_COLOR, label=" refererer til")
    return g.source


RELATION_VERBS = {
    "refererer_til": "refererer til",
    "indstiller_til": "indstiller til",
    "raadgiver": "rådgiver",
}
TITLE = "Organisationsdiagram for {helhedsplan}"


def title(aftale: dict) -> str:
    """The diagram's title (organisationsdiagram.pdf's document title): "Organisationsdiagram for den
    boligsociale Helhedsplan i Viborg"."""
    return TITLE.format(helhedsplan=_plain(aftale["helhedsplan"]))


def _plain(text: str) -> str:
    return " ".join(str(text).split())


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def describe(aftale: dict) -> str:
    """The organisationsdiagram in words, from the same data and by the same rules as the drawing: every
    body with what it belongs to and how often it meets, every relation an arrow shows ("Projekt-
    koordineringsgruppen indstiller til Bestyrelsen"), and the secretariat with where it is placed, whom it
    reports to and whom it facilitates. No relation the data does not record is named (a body placed below
    the bestyrelse without a relation is named alone). It is the diagram's alternative text in the
    agreement and in organisationsdiagram.pdf, for anyone who cannot see the picture; the same agreement
    always gives the same text."""
    organer = model.bodies(aftale)
    by_id = {o["id"]: o for o in organer}
    sek = aftale["sekretariat"]
    sek_name = _plain(sek["navn"])

    def name_of(organ_id: str) -> str | None:
        if organ_id == "sekretariat":
            return sek_name
        body = by_id.get(organ_id)
        return _plain(body["navn"]) if body else None  # an unknown id is the check's to report

    sentences = [title(aftale)]
    facilitated: dict[str, list[str]] = {}  # facilitator id -> the bodies it facilitates
    for o in organer:
        me = _plain(o["navn"])
        details = "; ".join(part for part in (_plain(tie_text(aftale, o)), _frequency(o)) if part)
        verbs = []
        for relation in o.get("relationer", []):
            other = name_of(relation["organ"])
            if other is None or relation["organ"] == o["id"]:
                continue
            kind = relation["type"]
            if kind in RELATION_VERBS:
                verbs.append(f"{RELATION_VERBS[kind]} {other}")
            elif kind == "faciliteres_af":
                facilitated.setdefault(relation["organ"], []).append(me)
        sentences.append(
            " ".join(part for part in (me, f"({details})" if details else "", join_og(verbs)) if part)
        )
    for facilitator, names in facilitated.items():
        if facilitator != "sekretariat":
            sentences.append(f"{name_of(facilitator)} faciliterer {join_og(names)}")

    placed = model.party_by_id(aftale, sek["placering"]) or model.party_by_name(aftale, sek["placering"])
    clauses = [f"er administrativt placeret under {_plain(placed['navn'] if placed else sek['placering'])}"]
    refers = sek.get("refererer_til")
    if refers:
        body = by_id.get(refers) or next((o for o in organer if same_name(o["navn"], refers)), None)
        if body is not None:
            clauses.append(f"refererer til {_plain(body['navn'])}")
    if facilitated.get("sekretariat"):
        clauses.append(f"faciliterer {join_og(facilitated['sekretariat'])}")
    sentences.append(f"Sekretariatet ({sek_name}) {join_og(clauses)}")
    return " ".join(_sentence(s) for s in sentences)


def draw(
    aftale: dict, folder: Path, name: str = "organisationsdiagram", *, when: datetime | None = None
) -> list[Path]:
    """Write <name>.png and <name>.pdf into folder; returns their paths. The PDF is tagged PDF/A-2b
    (see pdfa)."""
    png, drawn = sketch(aftale)
    written = [folder / f"{name}.png", folder / f"{name}.pdf"]
    written[0].write_bytes(png)
    written[1].write_bytes(pdfa(aftale, drawn, when=when))
    return written


def sketch(aftale: dict) -> tuple[bytes, bytes]:
    """Graphviz's drawings of the diagram: (PNG at 150 dpi, PDF as Graphviz writes it)."""
    return picture(aftale), drawing(aftale)


def picture(aftale: dict) -> bytes:
    """The diagram as Graphviz draws it in PNG at 150 dpi (the picture in the agreement's Word file)."""
    return _graphviz(dot_source(aftale).encode("utf-8"), "png")


def drawing(aftale: dict) -> bytes:
    """The diagram as Graphviz writes it in PDF (made PDF/A by pdfa)."""
    return _graphviz(dot_source(aftale).encode("utf-8"), "pdf")


def pdfa(aftale: dict, drawn: bytes, *, when: datetime | None = None) -> bytes:
    """Graphviz's PDF as tagged PDF/A-2b (checker.assemble.pdf.figure_pdfa): the drawing is one /Figure
    whose /Alt is describe(aftale), titled title(aftale), in Danish, dated `when` (the build's document
    time; no date when None); the same agreement gives the same bytes."""
    from checker.assemble.pdf import figure_pdfa

    return figure_pdfa(drawn, title=title(aftale), alt=describe(aftale), when=when)


def _graphviz(source: bytes, fmt: str) -> bytes:
    """Graphviz's drawing of the DOT source as png (150 dpi) or pdf; CouldNotRun when it cannot."""
    from checker.processes import Timeout, run_bounded

    args = ["dot", f"-T{fmt}", "-Gdpi=150"] if fmt == "png" else ["dot", f"-T{fmt}"]
    try:
        proc = run_bounded(args, input=source, timeout=60, cpu_seconds=60)
    except FileNotFoundError:
        raise CouldNotRun(
            Text(
                "Graphviz (programmet »dot«) er ikke installeret; kør »make run« eller installér pakken graphviz.",
                "Graphviz (the program 'dot') is not installed; run 'make run' or install the graphviz package.",
            )
        ) from None
    except Timeout:
        raise CouldNotRun(
            Text(
                "Graphviz svarede ikke inden for 60 sekunder.",
                "Graphviz did not answer within 60 seconds.",
            )
        ) from None
    if proc.returncode != 0:
        raise CouldNotRun(
            Text(
                f"Graphviz fejlede: {proc.stderr.decode(errors='replace')[:500]}",
                f"Graphviz failed: {proc.stderr.decode(errors='replace')[:500]}",
            )
        )
    return proc.stdout
