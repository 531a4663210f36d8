"""Command line: ``metrohub uncertainty evaluate FILE.json [--method gum|mcm|both] [--json]``.

:func:`main` takes argv and returns the exit status (0 ok, 2 for a malformed file or bad usage),
so the Django management command can call it unchanged.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from .budget import METHODS, BudgetError, dumps, evaluate, load_budget


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="metrohub uncertainty",
        description="Evaluate measurement uncertainty budgets (JJF 1059.1 GUM, JJF 1059.2 MCM).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate_cmd = commands.add_parser("evaluate", help="evaluate a budget file")
    evaluate_cmd.add_argument("file", metavar="FILE.json", help="the budget file")
    evaluate_cmd.add_argument("--method", choices=METHODS, default="both")
    evaluate_cmd.add_argument("--json", action="store_true", help="print the result object")
    return parser


def main(argv: list[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:  # fmt: skip
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return int(exc.code or 0)
    try:
        result = evaluate(load_budget(args.file), method=args.method)
    except BudgetError as exc:
        for path, message in exc.errors:
            print(f"{args.file}: {path}: {message}", file=stderr)
        return 2
    print(dumps(result) if args.json else format_result(result), file=stdout)
    return 0


# --- the readable form --------------------------------------------------------------------------


def _num(x: Any) -> str:
    if x is None:
        return "∞"
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _gum_lines(gum: dict) -> list[str]:
    header = ["input", "value", "u(x)", "c", "|c|·u", "ν", "type"]
    rows = [
        [b["symbol"], _num(b["value"]), _num(b["standard_uncertainty"]), _num(b["sensitivity"]),
         _num(b["contribution"]), _num(b["dof"]), f"{b['type']} {b['distribution']}"]
        for b in gum["budget"]
    ]  # fmt: skip
    summary = (
        f"GUM: y = {_num(gum['value'])}, u_c = {_num(gum['standard_uncertainty'])}, "
        f"ν_eff = {_num(gum['dof'])}, k = {_num(gum['k'])}, U = {_num(gum['expanded_uncertainty'])}"
    )
    report = gum["report"]
    return [*_table(header, rows), "", summary, "  " + report["en"]["short"],
            "  " + report["en"]["plus_minus"], "  " + report["zh"]["plus_minus"]]  # fmt: skip


def _mcm_lines(mcm: dict) -> list[str]:
    p = f"{mcm['probability'] * 100:g} %"
    lo, hi = mcm["interval"]
    slo, shi = mcm["shortest_interval"]
    return [
        f"MCM: y = {_num(mcm['value'])}, u = {_num(mcm['standard_uncertainty'])}, "
        f"{p} interval [{_num(lo)}, {_num(hi)}], shortest [{_num(slo)}, {_num(shi)}]",
        f"  trials = {mcm['trials']}, seed = {mcm['seed']}, δ = {_num(mcm['tolerance'])}",
        "  " + mcm["verdict"]["en"],
        "  " + mcm["verdict"]["zh"],
    ]


def format_result(result: dict) -> str:
    lines = [result["title"]] if result.get("title") else []
    for m in result["measurands"]:
        unit = f" [{m['unit']}]" if m["unit"] else ""
        lines += ["", f"{m['symbol']}{unit} = {m['model']}", ""]
        if m["gum"]:
            lines += _gum_lines(m["gum"])
        if m["mcm"]:
            lines += ["", *_mcm_lines(m["mcm"])]
    for warning in result.get("warnings", []):
        lines.append("warning: " + warning["en"])
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
