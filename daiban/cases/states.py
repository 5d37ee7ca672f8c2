"""The case's state machine: the only allowed changes, one table."""
from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", "已受理"
    ENTRUSTED = "entrusted", "已委托"
    IN_PROGRESS = "in_progress", "代办中"
    COMPLETED = "completed", "已办结"
    TERMINATED = "terminated", "已终止"


OPEN_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.ENTRUSTED, CaseStatus.IN_PROGRESS})

ALLOWED_CASE_CHANGES: dict[str, frozenset[str]] = {
    CaseStatus.ACCEPTED: frozenset({CaseStatus.ENTRUSTED, CaseStatus.TERMINATED}),
    CaseStatus.ENTRUSTED: frozenset({CaseStatus.ENTRUSTED, CaseStatus.IN_PROGRESS, CaseStatus.TERMINATED}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.COMPLETED, CaseStatus.TERMINATED}),
    CaseStatus.COMPLETED: frozenset(),
    CaseStatus.TERMINATED: frozenset(),
}


class ItemStatus(models.TextChoices):
    PENDING = "pending", "待派单"
    DISPATCHED = "dispatched", "已派单"
    IN_PROGRESS = "in_progress", "办理中"
    AWAITING_CORRECTION = "awaiting_correction", "待补正"
    SUSPENDED = "suspended", "已暂停"
    REPORTED_UP = "reported_up", "已上报上级"
    APPROVED = "approved", "已办结"
    REFUSED = "refused", "不予许可"
    WITHDRAWN = "withdrawn", "已撤回"


ITEM_FINISHED = frozenset({ItemStatus.APPROVED, ItemStatus.REFUSED, ItemStatus.WITHDRAWN})
# While paused the item's clock stands still (行政许可法第四十五条; 补正 by the rule shown on the item).
ITEM_PAUSED = frozenset({ItemStatus.AWAITING_CORRECTION, ItemStatus.SUSPENDED})

# (from, to) -> who may make the change: "agent" (case workers of the unit), "liaison" (the item's
# department's liaison officer). The one table of the item's state machine.
ALLOWED_ITEM_CHANGES: dict[tuple[str, str], frozenset[str]] = {
    (ItemStatus.PENDING, ItemStatus.DISPATCHED): frozenset({"agent"}),
    (ItemStatus.DISPATCHED, ItemStatus.IN_PROGRESS): frozenset({"liaison"}),
    (ItemStatus.IN_PROGRESS, ItemStatus.AWAITING_CORRECTION): frozenset({"liaison"}),
    (ItemStatus.AWAITING_CORRECTION, ItemStatus.IN_PROGRESS): frozenset({"liaison", "agent"}),
    (ItemStatus.IN_PROGRESS, ItemStatus.SUSPENDED): frozenset({"liaison"}),
    (ItemStatus.SUSPENDED, ItemStatus.IN_PROGRESS): frozenset({"liaison"}),
    (ItemStatus.IN_PROGRESS, ItemStatus.REPORTED_UP): frozenset({"liaison"}),
    (ItemStatus.IN_PROGRESS, ItemStatus.APPROVED): frozenset({"liaison"}),
    (ItemStatus.IN_PROGRESS, ItemStatus.REFUSED): frozenset({"liaison"}),
    (ItemStatus.REPORTED_UP, ItemStatus.APPROVED): frozenset({"liaison"}),
    (ItemStatus.REPORTED_UP, ItemStatus.REFUSED): frozenset({"liaison"}),
    **{(state, ItemStatus.WITHDRAWN): frozenset({"agent"}) for state in (
        ItemStatus.PENDING, ItemStatus.DISPATCHED, ItemStatus.IN_PROGRESS, ItemStatus.AWAITING_CORRECTION,
        ItemStatus.SUSPENDED, ItemStatus.REPORTED_UP)},
}
