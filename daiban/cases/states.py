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
