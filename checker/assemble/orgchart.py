"""The organisationsdiagram, drawn with graphviz from the agreement's section 2: the bestyrelse at the
top, the other bodies under it, the secretariat facilitating them and placed under its party."""

from __future__ import annotations

from pathlib import Path

from checker.findings import CouldNotRun, Text

FONT = "DejaVu Sans"


def dot_source(aftale: dict) -> str:
    """The diagram as DOT (deterministic: the same agreement gives the same text). Every text from the
    dossier is plain text to Graphviz (graphviz.escape): a name written "<IMG SRC=…/>" is not an HTML
    label that draws a file, and a backslash is not an escape sequence."""
    from graphviz import Digraph, escape

    g = Digraph(
        "organisationsdiagram",
        graph_attr={
            "rankdir": "TB",
            "fontname": FONT,
            "nodesep": "0.5",
            "ranksep": "0.7",
            "label": escape(aftale["helhedsplan"]),
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
        fillcolor="#e8f0e9",
        color="#2f6f3e",
        margin="0.2,0.1",
    )
    g.attr("edge", fontname=FONT, fontsize="10", color="#44515c")
    organer = aftale["organisering"]["organer"]
    board = next((o for o in organer if o["type"] == "bestyrelse"), None)
    for o in organer:
        freq = o["moedefrekvens"]
        label = escape(o["navn"] + f"\n{freq['min_pr_aar']}-{freq['max_pr_aar']} møder årligt")
        g.node(
            escape(o["id"]),
            label,
            fillcolor="#cfe3d3" if o is board else "#e8f0e9",
            fontsize="14" if o is board else "12",
        )
    if board is not None:
        for o in organer:
            if o is not board:
                g.edge(
                    escape(board["id"]),
                    escape(o["id"]),
                    dir="back",
                    label=" indstiller til" if o["type"] != "beboerpanel" else " følgegruppe",
                )
    sek = aftale["sekretariat"]
    g.node(
        "sekretariat", escape(sek["navn"]), shape="box", style="filled", fillcolor="#fff4d6", color="#8a6d1d"
    )
    g.node("placering", escape(sek["placering"]), shape="box", style="dashed", fillcolor="white")
    with g.subgraph() as same:
        same.attr(rank="same")
        same.node("sekretariat")
        same.node("placering")
    g.edge(
        "sekretariat", "placering", label=" administrativt\n placeret under", style="dashed", arrowhead="none"
    )
    for o in organer:
        if o is not board:
            # drawn from the body down to the secretariat so the secretariat ranks below; the arrow points up
            g.edge(
                escape(o["id"]),
                "sekretariat",
                dir="back",
                style="dashed",
                color="#8a6d1d",
                label=" faciliteres af" if o is organer[-1] else "",
            )
    return g.source


def draw(aftale: dict, folder: Path, name: str = "organisationsdiagram") -> list[Path]:
    """Write <name>.png and <name>.pdf into folder; returns their paths."""
    from checker.processes import Timeout, run_bounded

    source = dot_source(aftale).encode("utf-8")
    written = []
    for fmt in ("png", "pdf"):
        target = folder / f"{name}.{fmt}"
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
        target.write_bytes(proc.stdout)
        written.append(target)
    return written
