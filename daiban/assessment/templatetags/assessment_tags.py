"""How figures read on the pages: rates as percentages, a dash for 'no data', the change since before."""
from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from daiban.assessment.ledger import LEDGER_COLUMNS

register = template.Library()

RATES = {"on_time_rate", "overdue_rate"}
# Figures where a fall is the good direction.
LOWER_IS_BETTER = {"terminated", "avg_workdays", "overdue", "overdue_rate", "visits_per_case", "report_up_late"}


def _format(value, name: str) -> str:
    if value is None:
        return "—"
    if name in RATES:
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@register.filter
def figure(row: dict, name: str) -> str:
    return _format(row.get(name), name)


@register.filter
def previous(row: dict, name: str) -> str:
    return _format((row.get("previous") or {}).get(name), name)


@register.filter
def had_previous(row: dict) -> bool:
    """Whether the previous period had any data at all: a '▲' over a period of nothing reads as a real rise."""
    return any((row.get("previous") or {}).values())


@register.filter
def trend(row: dict, name: str) -> str:
    """'up good', 'down bad', … for a CSS class; '' when either side has no value, nothing changed or the
    previous period had no data at all."""
    now, before = row.get(name), (row.get("previous") or {}).get(name)
    if now is None or before is None or now == before or name in ("avg_limit",) or not had_previous(row):
        return ""
    direction = "up" if now > before else "down"
    good = (direction == "down") if name in LOWER_IS_BETTER else (direction == "up")
    return f"{direction} {'good' if good else 'bad'}"


@register.filter
def figure_cells(row: dict, names) -> SafeString:
    """A ranked row's figures as table cells, each with the previous period's value and its trend: the same cells
    as `figure`, `trend` and `previous` per name, written in one call (the county's ranking has a row per unit,
    hundreds at province scale, and a template loop over 13 names per row was most of the page's rendering).
    Nothing here needs escaping: the figures are numbers (or "—"), the trend one of four fixed class names."""
    return mark_safe("".join(  # numbers and fixed class names only, see above
        f'<td class="num">{figure(row, name)}<small class="before {trend(row, name)}">{previous(row, name)}</small></td>'
        for name in names))


@register.filter
def month_label(month: str) -> str:
    """'2025-03' → '3 月'."""
    return f"{int(month[5:7])} 月" if len(month) >= 7 else month


@register.filter
def get(mapping: dict, key):
    return mapping.get(key, "") if mapping else ""


WRAPPED = ("项目名称", "业主")  # long texts wrap; the other ledger columns keep to one line
_KINDS = ["link" if n == 0 else "wrap" if name in WRAPPED else "warning" if name == "预警" else ""
          for n, (name, *_) in enumerate(LEDGER_COLUMNS)]


@register.simple_tag
def ledger_cells(row: dict, values: list) -> str:
    """One ledger row's cells. Written here rather than by template tags per cell: 24 columns × 50 rows of
    `{% if %}`s took more of the page's time than its queries."""
    cells: list[str] = []
    for kind, value in zip(_KINDS, values, strict=True):
        if kind == "link":
            cells.append(format_html('<td><a href="/cases/{}/">{}</a></td>', row["pk"], value))
        elif kind == "warning":
            cells.append(format_html('<td><span class="tag state-{}">{}</span></td>', row["warning"], value)
                         if value else "<td></td>")
        else:
            text = "" if value is None else f"{value:%Y-%m-%d}" if isinstance(value, dt.date) else localize(value)
            cells.append(format_html('<td class="wrap">{}</td>', text) if kind else format_html("<td>{}</td>", text))
    return mark_safe("".join(cells))  # every cell went through format_html
