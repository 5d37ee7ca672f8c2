"""Every write of coordination, one typed function per action (<entity>_<action>), by area:
issues.py (tiers, answers, consultation), linked.py (联动代办), meetings.py (联席会议 and its record)."""
from daiban.coordination.services.issues import (
                                                 consultation_decide,
                                                 issue_confirm,
                                                 issue_consult,
                                                 issue_escalate,
                                                 issue_raise,
                                                 issue_resolve,
                                                 issue_respond,
)
from daiban.coordination.services.linked import linked_request_accept, linked_request_feedback, linked_request_send
from daiban.coordination.services.meetings import meeting_convene, meeting_record_save, meeting_sign, resolution_done

__all__ = [
    "issue_raise", "issue_escalate", "issue_respond", "issue_resolve", "issue_confirm", "issue_consult",
    "consultation_decide", "linked_request_send", "linked_request_accept", "linked_request_feedback",
    "meeting_convene", "meeting_record_save", "meeting_sign", "resolution_done",
]
