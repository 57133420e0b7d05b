"""Charts of the figures' tables (matplotlib, no display): SVG for the web, PNG for documents.

A chart draws the public table (small cells suppressed): a suppressed bar is drawn as an
empty outline labelled "<5", so a chart never shows more than its table.
"""

from __future__ import annotations

import io
from typing import Any

from pipeline.reporting.figures import SUPPRESSED, Table

ACCENT = "#1f5c63"
LIGHT = "#9cc3c7"


def _value(v: Any) -> float:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0.0


def _figure(table: Table) -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display: the watcher's host has none
    from matplotlib.figure import Figure

    rows = table.rows or [("—", 0)]
    height = 3.2 if table.chart != "barh" else max(2.4, 0.38 * len(rows) + 1.2)
    fig = Figure(figsize=(7.5, height), dpi=100)
    ax = fig.add_subplot()
    labels = [str(r[0]) for r in rows]
    if table.chart == "line":
        # A suppressed point is a gap in the line, not a fall to zero.
        points = list(range(len(rows)))
        ax.plot(points, [float("nan") if r[1] == SUPPRESSED else _value(r[1]) for r in rows],
                marker="o", color=ACCENT)
        _annotate_suppressed(ax, points, [r[1] for r in rows], vertical=True)
        ax.set_xticks(points, labels, rotation=45, ha="right", fontsize=8)
    elif table.chart == "bar":
        series = list(zip(*[r[1:] for r in rows], strict=True))
        width = 0.8 / len(series)
        for i, col in enumerate(series):
            xs = [x + i * width - 0.4 + width / 2 for x in range(len(rows))]
            ax.bar(xs, [_value(v) for v in col], width, label=table.headers[i + 1],
                   color=ACCENT if i == 0 else LIGHT)
            _annotate_suppressed(ax, xs, list(col), vertical=True)
        ax.set_xticks(range(len(rows)), labels, rotation=45, ha="right", fontsize=8)
        if len(series) > 1:
            ax.legend(fontsize=8, frameon=False)
    else:
        ys = list(range(len(rows)))[::-1]
        ax.barh(ys, [_value(r[1]) for r in rows], color=ACCENT)
        ax.set_yticks(ys, labels, fontsize=8)
        _annotate_suppressed(ax, ys, [r[1] for r in rows], vertical=False)
    from matplotlib.ticker import MaxNLocator

    counts = ax.yaxis if table.chart != "barh" else ax.xaxis
    counts.set_major_locator(MaxNLocator(integer=True))
    if table.chart == "barh":
        ax.set_xlim(left=0, right=max(5.0, ax.get_xlim()[1]))
    else:
        ax.set_ylim(bottom=0, top=max(5.0, ax.get_ylim()[1]))
    ax.set_title(table.title, loc="left", fontsize=11, color=ACCENT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    return fig


def _annotate_suppressed(ax: Any, positions: list[Any], values: list[Any], *,
                         vertical: bool) -> None:
    for pos, v in zip(positions, values, strict=True):
        if v == SUPPRESSED:
            if vertical:
                ax.annotate(SUPPRESSED, (pos, 0), xytext=(0, 3), textcoords="offset points",
                            ha="center", fontsize=7, color="#555f61")
            else:
                ax.annotate(SUPPRESSED, (0, pos), xytext=(3, 0), textcoords="offset points",
                            va="center", fontsize=7, color="#555f61")


def render(table: Table, fmt: str = "svg") -> bytes:
    """The table's chart as SVG or PNG bytes."""
    import matplotlib

    fig = _figure(table)
    out = io.BytesIO()
    # SVG without a creation date and with fixed element ids, so the same figures give
    # the same file.
    with matplotlib.rc_context({"svg.hashsalt": "plr"}):
        fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None,
                    dpi=100 if fmt == "png" else None)
    return out.getvalue()
