"""The state machines of coordination: one explicit table each, and the kinds of level of §5.5.2."""
from __future__ import annotations

from django.db import models

from daiban.org.ladder import Step

# 分层分级协调: the kind of each level of the ladder, which itself is data (daiban/org/ladder.py).
Tier = Step


class IssueStatus(models.TextChoices):
    OPEN = "open", "协调中"
    RESPONDED = "responded", "已答复"
    CONSULTING = "consulting", "疑难会商中"
    RESOLVED = "resolved", "待代办员确认"
    CLOSED = "closed", "已解决"


# from -> the statuses an issue may move to. Escalation keeps an issue open (at a higher tier); a
# second response keeps it responded; a rejected resolution sends it back to open.
ALLOWED_ISSUE_CHANGES: dict[str, frozenset[str]] = {
    IssueStatus.OPEN: frozenset({IssueStatus.OPEN, IssueStatus.RESPONDED, IssueStatus.RESOLVED,
                                 IssueStatus.CONSULTING}),
    IssueStatus.RESPONDED: frozenset({IssueStatus.OPEN, IssueStatus.RESPONDED, IssueStatus.RESOLVED,
                                      IssueStatus.CONSULTING}),
    IssueStatus.CONSULTING: frozenset({IssueStatus.RESOLVED}),
    IssueStatus.RESOLVED: frozenset({IssueStatus.CLOSED, IssueStatus.OPEN}),
    IssueStatus.CLOSED: frozenset(),
}

ISSUE_ACTIVE = frozenset({IssueStatus.OPEN, IssueStatus.RESPONDED, IssueStatus.CONSULTING, IssueStatus.RESOLVED})


class LinkedStatus(models.TextChoices):
    SENT = "sent", "待上级接收"
    ACCEPTED = "accepted", "上级办理中"
    ANSWERED = "answered", "已反馈"


ALLOWED_LINKED_CHANGES: dict[str, frozenset[str]] = {
    LinkedStatus.SENT: frozenset({LinkedStatus.ACCEPTED}),
    LinkedStatus.ACCEPTED: frozenset({LinkedStatus.ANSWERED}),
    LinkedStatus.ANSWERED: frozenset(),
}


class ResolutionStatus(models.TextChoices):
    OPEN = "open", "落实中"
    DONE = "done", "已落实"
