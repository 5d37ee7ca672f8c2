"""The plan's flowchart and timetable (Gantt) as PNG pictures for the .docx (the page draws them with
ECharts from the same data).

Drawn on figures of their own (matplotlib.figure.Figure), never through pyplot: pyplot keeps its figures in one
global registry, and the production server's threads re-issue plans at the same time (a company address changed
on two cases at once)."""
from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache

import matplotlib
import matplotlib.dates as mdates
from matplotlib import font_manager
from matplotlib.figure import Figure

from daiban.catalog.models import STAGE_ORDER, Stage

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "SimHei",
             "Microsoft YaHei", "PingFang SC")


@lru_cache(maxsize=1)
def _font() -> str:
    """A CJK font if the machine has one (Debian: fonts-wqy-microhei); else the default."""
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), "DejaVu Sans")


def _figure(width: float, height: float) -> Figure:
    matplotlib.rcParams["font.family"] = _font()  # read by the figure's texts; always the same value
    return Figure(figsize=(width, height))


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def flowchart_png(detail: dict) -> bytes | None:
    """Items as boxes in columns by stage, arrows from each prerequisite; the critical path in red."""
    items = detail["items"]
    if not items:
        return None
    stages = [s for s in STAGE_ORDER if any(i["stage"] == s for i in items)]
    position: dict[str, tuple[float, float]] = {}
    for column, stage in enumerate(stages):
        in_stage = [i for i in items if i["stage"] == stage]
        for row, item in enumerate(in_stage):
            position[item["code"]] = (column * 3.2, -row * 1.1)
    height = max(len([i for i in items if i["stage"] == s]) for s in stages)
    figure = _figure(max(6.0, 2.6 * len(stages)), max(3.0, 0.75 * height + 1.2))
    axes = figure.subplots()
    critical = set(detail["critical_path"])
    path_pairs = set(zip(detail["critical_path"], detail["critical_path"][1:], strict=False))
    for item in items:
        x, y = position[item["code"]]
        for prerequisite in item["prerequisites"]:
            px, py = position[prerequisite]
            on_path = (prerequisite, item["code"]) in path_pairs
            axes.annotate("", xy=(x - 1.25, y), xytext=(px + 1.25, py),
                          arrowprops={"arrowstyle": "->", "color": "#c0392b" if on_path else "#7f8c8d",
                                      "lw": 1.6 if on_path else 0.8, "connectionstyle": "arc3,rad=0.05"})
        name = item["name"] if len(item["name"]) <= 11 else item["name"][:10] + "…"
        axes.text(x, y, f"{item['code']} {name}", ha="center", va="center", fontsize=7.5,
                  bbox={"boxstyle": "round,pad=0.35", "fc": "#fdecea" if item["code"] in critical else "#eef4fb",
                        "ec": "#c0392b" if item["code"] in critical else "#1f5fa8", "lw": 0.9})
    for column, stage in enumerate(stages):
        axes.text(column * 3.2, 0.9, Stage(stage).label, ha="center", va="bottom", fontsize=9, fontweight="bold")
    axes.set_xlim(-1.6, (len(stages) - 1) * 3.2 + 1.6)
    axes.set_ylim(-(height - 1) * 1.1 - 0.8, 1.5)
    axes.axis("off")
    return _png(figure)


def gantt_png(detail: dict, *, today: dt.date) -> bytes | None:
    """Planned bars per item in working-day dates, today and the projected permit date marked."""
    items = [i for i in detail["items"] if i["planned_start"] and i["planned_due"]]
    if not items:
        return None
    figure = _figure(9, max(2.5, 0.32 * len(items) + 1.2))
    axes = figure.subplots()
    critical = set(detail["critical_path"])
    for row, item in enumerate(reversed(items)):
        start, due = mdates.date2num(item["planned_start"]), mdates.date2num(item["planned_due"])
        axes.barh(row, max(due - start, 0.6), left=start, height=0.6,
                  color="#c0392b" if item["code"] in critical else "#1f5fa8",
                  hatch="//" if item["provisional"] else None, edgecolor="white")
    axes.set_yticks(range(len(items)))
    axes.set_yticklabels([f"{i['code']} {i['name'][:12]}" for i in reversed(items)], fontsize=7)
    axes.axvline(mdates.date2num(today), color="#d4a017", lw=1.2, ls="--")
    axes.text(mdates.date2num(today), len(items) - 0.3, "今天", color="#8a6d00", fontsize=8)
    if detail["projected_permit_date"]:
        permit = mdates.date2num(detail["projected_permit_date"])
        axes.axvline(permit, color="#2e7d32", lw=1.2)
        axes.text(permit, -0.9, "预计施工许可", color="#2e7d32", fontsize=8, ha="center")
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    axes.grid(axis="x", color="#e5e8ec", lw=0.6)
    axes.set_axisbelow(True)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    return _png(figure)
