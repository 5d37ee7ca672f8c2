"""The demo county's coordination: an issue on demo-1 (鳌江镇) taken up five levels of its ladder, one at a time:
the agent, the 鳌江镇 station, the county center, the county's 审管办, the 温州市 center (through linked requests
to both centers). Idempotent: the issue is found by its title and left as it is.
"""
from __future__ import annotations

from daiban.cases.models import Case
from daiban.coordination.models import Issue
from daiban.coordination.services import issue_escalate, issue_raise, issue_respond
from daiban.intake.models import Request
from daiban.org.models import User

TITLE = "减速机项目厂区东侧道路红线与规划条件不一致"
STEPS = [  # (who escalates, why, reply deadline in working days)
    ("aojiang", "自然资源和规划局、住房和城乡建设局意见不一致，需镇代办服务站组织协调", 3),
    ("ajadmin", "涉及县级规划条件调整，镇级无法协调，申请县代办中心组织协调", 5),
    ("zxagent", "县自然资源和规划局与县交通运输局仍有分歧，提请县审管办统筹", 5),
    ("center", "道路红线涉及市级审批权限，申请温州市代办中心协调", 10),
]


def load(password: str) -> None:  # noqa: ARG001  (the accounts already exist)
    request = Request.objects.filter(idempotency_key="demo-1").first()
    case = Case.objects.filter(request=request).first() if request else None
    if case is None or Issue.objects.filter(case=case, title=TITLE).exists():
        return
    issue = issue_raise(actor=User.objects.get(username="aojiang"), case=case, title=TITLE, departments=["zrj", "zjj"],
                        description="规划条件附图中东侧道路红线与现状道路不一致，建设工程规划许可无法受理",
                        deadline_workdays=3)
    issue_respond(actor=User.objects.get(username="zjj"), issue=issue,
                  text="住建局意见：以规划条件附图为准，需自然资源和规划局确认")
    for username, reason, workdays in STEPS:
        issue = issue_escalate(actor=User.objects.get(username=username), issue=Issue.objects.get(pk=issue.pk),
                               reason=reason, deadline_workdays=workdays)
