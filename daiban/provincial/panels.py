"""Home-page panel: reports to the provincial platform that need attention (registered in ready())."""
from __future__ import annotations

from django.urls import reverse

from daiban.lib.panels import Panel, panel_provider
from daiban.provincial import selectors
from daiban.provincial.services import OUTBOX_ADMIN_ROLES

MAX_ROWS = 10


@panel_provider
def provincial_panel(user) -> list[Panel]:
    if not user.has_role(*OUTBOX_ADMIN_ROLES):
        return []
    rows = selectors.messages("problem")
    lines = [{"text": f"{m.get_event_display()} · {m.case.request.tracking_no}",
              "url": reverse("provincial:outbox") + "?status=problem",
              "note": f"{m.get_status_display()}，已尝试 {m.attempts} 次"
                      + (f"：{m.last_error[:40]}" if m.last_error else ""),
              "css": "state-overdue" if m.status == "failed" else "state-warning"} for m in rows[:MAX_ROWS]]
    return [Panel(title="省平台报送异常", rows=lines, empty="省平台报送正常",
                  link=reverse("provincial:outbox"))]
