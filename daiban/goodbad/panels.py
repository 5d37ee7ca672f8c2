"""Home-page panel of 好差评 (registered in GoodBadConfig.ready): this month's 好评率 for those who read the
figures, and the 差评 waiting in one's scope with the ones past or near their deadline."""
from __future__ import annotations

from django.urls import reverse

from daiban.goodbad import selectors, stats
from daiban.goodbad.states import OPEN_REVIEW
from daiban.lib import clock
from daiban.lib.panels import Panel, panel_provider
from daiban.plans.deadlines import OVERDUE, WARNING


@panel_provider
def goodbad_panels(user) -> list[Panel]:
    rows = []
    if user.has_role(*stats.READERS):
        today = clock.today()
        county = stats.figures(stats.month_period(today.strftime("%Y-%m")))["county"]
        rate = "—" if county["good_rate"] is None else f"{county['good_rate']:.1f}%"
        rows.append({"text": f"本月好评率 {rate}，差评 {county['bad']} 条", "url": reverse("goodbad:list"), "css": "",
                     "note": f"评价 {county['evaluations']} 条"})
    waiting = list(selectors.bad_reviews_for(user).filter(status__in=OPEN_REVIEW))
    if waiting:
        states = [selectors.standing(r).state for r in waiting]
        late, near = states.count(OVERDUE), states.count(WARNING)
        rows.append({"text": f"差评待办 {len(waiting)} 条（逾期 {late}，预警 {near}）",
                     "url": reverse("goodbad:list"), "css": "state-overdue" if late else ""})
    return [Panel(title="好差评", rows=rows, link=reverse("goodbad:list"))] if rows else []
