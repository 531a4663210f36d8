"""A rule pack's procedure as a diagram: the main path (initial stage to the first steady stage,
e.g. established) down the middle, the other stages beside the step they branch from.

Framework-free: the same layout feeds the page (an ECharts graph drawn from a JSON data island)
and the PDF (an SVG drawn here, since WeasyPrint runs no script). Reads stages and transitions by
their common attributes only, so a pack with stages or fields this module does not know still
draws.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from html import escape

# Grid spacing of the layout, in the units the chart and the SVG use.
COLUMN = 200
ROW = 78
BOX_W = 168
BOX_H = 44


@dataclass
class Node:
    code: str
    name: str
    kind: str  # "main", "side", "end" (terminal), "steady"
    row: int
    col: int
    article: str = ""

    @property
    def x(self) -> int:
        return self.col * COLUMN

    @property
    def y(self) -> int:
        return self.row * ROW


@dataclass
class Edge:
    source: str
    target: str
    name: str
    article: str = ""
    main: bool = False
    optional: bool = False


@dataclass
class Flow:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    main_path: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return 1 + max((n.row for n in self.nodes), default=0)

    def chart_data(self, labels: dict[str, str]) -> dict:
        """What the page's script gives ECharts (positions are fixed: layout "none"). Nodes are
        named n0, n1, ... so no stage code reaches the page."""
        ids = {n.code: f"n{i}" for i, n in enumerate(self.nodes)}
        return {
            "rows": self.rows,
            "columns": sorted({n.col for n in self.nodes}),
            "labels": labels,
            "nodes": [
                {
                    "id": ids[n.code],
                    "name": n.name,
                    "row": n.row,
                    "col": n.col,
                    "kind": n.kind,
                    "article": n.article,
                }
                for n in self.nodes
            ],  # fmt: skip
            "edges": [
                {
                    "source": ids[e.source],
                    "target": ids[e.target],
                    "name": e.name,
                    "article": e.article,
                    "main": e.main,
                    "optional": e.optional,
                }
                for e in self.edges
                if e.source != e.target
            ],  # fmt: skip
        }


def _name(item, lang: str) -> str:
    return getattr(item, f"name_{lang}", None) or getattr(item, "name_zh", None) or item.code


def _sources(transition) -> list[str]:
    return list(getattr(transition, "from_", None) or getattr(transition, "from", None) or [])


# Stages a case passes only when something is wrong (supplements, rectification, a hearing):
# the main path avoids them where another way exists.
REMEDIAL = {"supplement", "acceptance_supplement", "rectification", "hearing"}


def main_path(pack) -> list[str]:
    """Stage codes from the initial stage to the first steady stage by the fewest steps, avoiding
    optional transitions and remedial stages where it can; just the initial stage when no steady
    stage is reachable."""
    stages = list(pack.stages)
    initial = next((s.code for s in stages if getattr(s, "initial", False)), stages[0].code)
    goals = [s.code for s in stages if getattr(s, "steady", False)]
    graph: dict[str, list[tuple[int, str]]] = {}
    for t in pack.transitions:
        cost = 1 + (100 if getattr(t, "optional", False) else 0) + (10 if t.to in REMEDIAL else 0)
        for s in _sources(t):
            if t.to != s:
                graph.setdefault(s, []).append((cost, t.to))
    best: dict[str, int] = {initial: 0}
    previous: dict[str, str | None] = {initial: None}
    queue = [(0, 0, initial)]
    order = 0
    while queue:
        cost, _n, here = heapq.heappop(queue)
        if cost > best.get(here, cost):
            continue
        for step, nxt in graph.get(here, []):
            if cost + step < best.get(nxt, cost + step + 1):
                best[nxt], previous[nxt] = cost + step, here
                order += 1
                heapq.heappush(queue, (cost + step, order, nxt))
    reachable = [g for g in goals if g in previous]
    if not reachable:
        return [initial]
    path = [min(reachable, key=lambda g: (best[g], goals.index(g)))]
    while previous[path[-1]] is not None:
        path.append(previous[path[-1]])
    return path[::-1]


def layout(pack, lang: str = "zh") -> Flow:
    path = main_path(pack)
    on_path = set(path)
    stages = {s.code: s for s in pack.stages}
    flow = Flow(main_path=path)
    placed: dict[str, Node] = {}
    taken: set[tuple[int, int]] = set()

    def place(code: str, row: int, col: int, kind: str) -> None:
        stage = stages[code]
        node = Node(code, _name(stage, lang), kind, row, col, getattr(stage, "article", ""))
        placed[code] = node
        taken.add((row, col))
        flow.nodes.append(node)

    for row, code in enumerate(path):
        steady = getattr(stages[code], "steady", False)
        place(code, row, 0, "steady" if steady else "main")
    predecessors: dict[str, list[str]] = {}
    for t in pack.transitions:
        for s in _sources(t):
            if s != t.to:
                predecessors.setdefault(t.to, []).append(s)
    pending = [code for code in stages if code not in on_path]
    # Each pass places the stages one of whose predecessors is placed; stages reachable only
    # through stages placed later get the next pass. Unreachable ones (a broken pack) go last.
    while pending:
        progressed = False
        for code in list(pending):
            known = [placed[p] for p in predecessors.get(code, []) if p in placed]
            if not known and any(p in stages for p in predecessors.get(code, [])):
                continue
            stage = stages[code]
            terminal = getattr(stage, "terminal", False)
            row = min((n.row for n in known), default=flow.rows)
            step = -1 if terminal else 1
            col = step
            if known and all(n.col * step > 0 for n in known):
                col = max((n.col for n in known), key=abs) + step
            while (row, col) in taken:
                col += step
            place(code, row, col, "end" if terminal else "side")
            pending.remove(code)
            progressed = True
        if not progressed:
            code = pending.pop(0)
            place(code, flow.rows, 1, "side")
    main_steps = set(zip(path, path[1:], strict=False))
    for t in pack.transitions:
        for s in _sources(t):
            if s in placed and t.to in placed:
                flow.edges.append(
                    Edge(
                        s,
                        t.to,
                        _name(t, lang),
                        getattr(t, "article", ""),
                        main=(s, t.to) in main_steps and not getattr(t, "optional", False),
                        optional=bool(getattr(t, "optional", False)),
                    )
                )
    return flow


# --------------------------------------------------------------------------------- SVG (PDF)

COLOURS = {"main": "#0b5cad", "steady": "#1e7b34", "side": "#5b6b7c", "end": "#b3261e"}


def svg(flow: Flow) -> str:
    """The diagram as SVG (presentation attributes only: no style element or attribute)."""
    columns = [n.col for n in flow.nodes] or [0]
    left, right = min(columns), max(columns)
    pad = 12
    width = (right - left) * COLUMN + BOX_W + 2 * pad
    height = (flow.rows - 1) * ROW + BOX_H + 2 * pad
    at = {n.code: n for n in flow.nodes}

    def box_x(node: Node) -> float:
        return (node.col - left) * COLUMN + pad

    def box_y(node: Node) -> float:
        return node.row * ROW + pad

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#5b6b7c"/></marker></defs>',
    ]
    for edge in flow.edges:
        if edge.source == edge.target:
            continue
        a, b = at[edge.source], at[edge.target]
        x1, y1 = box_x(a) + BOX_W / 2, box_y(a) + BOX_H / 2
        x2, y2 = box_x(b) + BOX_W / 2, box_y(b) + BOX_H / 2
        # Leave and enter at the box edges the line crosses.
        if a.col == b.col:
            y1 += BOX_H / 2 if y2 > y1 else -BOX_H / 2
            y2 -= BOX_H / 2 if y2 > y1 else -BOX_H / 2
        else:
            x1 += BOX_W / 2 if x2 > x1 else -BOX_W / 2
            x2 -= BOX_W / 2 if x2 > x1 else -BOX_W / 2
        colour = "#0b5cad" if edge.main else "#9aa8b6"
        dash = "" if not edge.optional else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{1.6 if edge.main else 1}"{dash} marker-end="url(#arrow)"/>'
        )
    for node in flow.nodes:
        colour = COLOURS.get(node.kind, COLOURS["side"])
        x, y = box_x(node), box_y(node)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="6" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>'
        )
        for i, line in enumerate(_wrap(node.name, 13)[:2]):
            parts.append(
                f'<text x="{x + BOX_W / 2:.1f}" y="{y + 18 + i * 14:.1f}" text-anchor="middle" '
                f'fill="{colour}">{escape(line)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _wrap(text: str, width: int) -> list[str]:
    """Cut a label into lines of about `width` full-width characters (ASCII counts half)."""
    lines, current, used = [], "", 0.0
    for ch in text:
        size = 0.5 if ord(ch) < 128 else 1.0
        if used + size > width and current:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += size
    if current:
        lines.append(current)
    return lines
