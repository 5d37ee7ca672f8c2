"""Joint meetings: the record, its SHA-256, the heads' signatures, voiding on change, the .docx read back."""
from __future__ import annotations

import datetime as dt
import hashlib
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document

from daiban.audit.models import AuditEvent
from daiban.cases.models import CaseDocument
from daiban.coordination import services
from daiban.coordination.models import Issue, Meeting, Resolution, Signature
from daiban.coordination.record import content_hash, record_content
from daiban.coordination.selectors import signed_content
from daiban.coordination.tests.conftest import D
from daiban.documents.layout import read_text
from daiban.lib import clock
from daiban.lib.errors import Conflict, Forbidden, ValidationFailed
from daiban.notify.models import Notification

RESOLUTIONS = [
    {"content": "自然资源和规划局组织现场复测，出具界址确认意见", "department": "zrj", "due_workdays": 3},
    {"content": "复测确认后受理建设工程规划许可申请", "department": "zjj", "due_workdays": 5},
]


@pytest.fixture
def meeting(issue, person):
    """The 鳌江镇 unit convenes three heads on Wednesday 2026-11-04 at 09:30, after the issue rose to tier 2."""
    with clock.frozen("2026-11-03"):
        services.issue_escalate(actor=person("aojiang"), issue=issue, reason="两部门意见不一致", deadline_workdays=3)
        return services.meeting_convene(
            actor=person("ajadmin"), issues=[Issue.objects.get(pk=issue.pk)], agenda="协调地块东侧边界争议",
            held_at=dt.datetime(2026, 11, 4, 9, 30), place="鳌江镇行政服务中心三楼会议室",
            invitees=["zrjhead", "zjjhead", "fgjhead"])


def record(meeting, person, *, present=("zrjhead", "zjjhead"), resolutions=RESOLUTIONS, discussion="与会部门一致同意先行复测",
           actor="ajadmin"):
    with clock.frozen("2026-11-04 11:00"):
        return services.meeting_record_save(actor=person(actor), meeting=Meeting.objects.get(pk=meeting.pk),
                                            present=list(present), resolutions=[dict(r) for r in resolutions],
                                            discussion=discussion)


def sign(meeting, person, username, at="2026-11-04 11:30"):
    fresh = Meeting.objects.get(pk=meeting.pk)
    with clock.frozen(at):
        return services.meeting_sign(actor=person(username), meeting=fresh, content_hash=fresh.record_hash)


def test_convening_invites_the_heads_and_tells_them(meeting):
    assert list(meeting.invitees.values_list("user__username", "unit")) == [
        ("zrjhead", "平阳县自然资源和规划局"), ("zjjhead", "平阳县住房和城乡建设局"), ("fgjhead", "平阳县发展和改革局")]
    assert meeting.convener_body.name == "鳌江镇投资项目代办服务站" and not meeting.recorded
    assert Notification.objects.filter(recipient__username="zrjhead", subject__startswith="联席会议通知").exists()


def test_convening_refuses_unknown_people_and_staff_outside_departments(issue, person):
    before = Meeting.objects.count()
    for invitees, message in ((["nobody"], "没有用户名为“nobody”的人员"), (["aojiang"], "不是部门人员"), ([], "请邀请")):
        with pytest.raises(ValidationFailed, match=message):
            services.meeting_convene(actor=person("ajadmin"), issues=[issue], agenda="x", place="会议室",
                                     held_at=dt.datetime(2026, 11, 4, 9, 30), invitees=invitees)
    with pytest.raises(Forbidden):
        services.meeting_convene(actor=person("zrjhead"), issues=[issue], agenda="x", place="会议室",
                                 held_at=dt.datetime(2026, 11, 4, 9, 30), invitees=["zjjhead"])
    assert Meeting.objects.count() == before


def test_the_hash_is_the_sha256_of_the_canonical_record_and_covers_attendance_and_resolutions(meeting, person):
    saved = record(meeting, person)
    text = signed_content(saved)
    assert saved.record_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert '"present":true' in text and "自然资源和规划局组织现场复测" in text
    content = record_content(saved)
    assert [a["username"] for a in content["attendance"]] == ["fgjhead", "zjjhead", "zrjhead"]  # stable order
    assert content_hash(content) == saved.record_hash
    assert content_hash({**content, "attendance": [{**a, "present": True} for a in content["attendance"]]}) \
        != saved.record_hash
    again = record(meeting, person)  # saving the same content is no change
    assert (again.record_version, again.record_hash) == (1, saved.record_hash)


def test_resolution_deadlines_count_working_days_from_the_meeting_day(meeting, person):
    record(meeting, person)
    assert list(Resolution.objects.filter(meeting=meeting).values_list("number", "department__code", "due_on")) == [
        (1, "zrj", D("2026-11-09")), (2, "zjj", D("2026-11-11"))]


def test_a_change_after_a_signature_voids_it_and_a_new_signature_is_needed(meeting, person):
    record(meeting, person)
    first = sign(meeting, person, "zrjhead")
    assert first.valid and first.record_version == 1
    changed = record(meeting, person, discussion="与会部门一致同意先行复测；住建局同意并联审查")
    assert changed.record_version == 2 and changed.record_hash != first.content_hash
    first.refresh_from_db()
    assert not first.valid and "签名已因记录修改而作废" in first.void_reason
    assert AuditEvent.objects.filter(event_type="coordination.signatures_voided", object_id=str(meeting.pk)).exists()
    assert Notification.objects.filter(recipient__username="zrjhead", subject__contains="请重新签名").exists()
    with pytest.raises(Conflict, match="内容与当前记录不一致"):
        with clock.frozen("2026-11-04 12:00"):
            services.meeting_sign(actor=person("zrjhead"), meeting=changed, content_hash=first.content_hash)
    second = sign(meeting, person, "zrjhead", at="2026-11-04 12:00")
    assert second.valid and second.record_version == 2 and second.content_hash == changed.record_hash
    rows = Signature.objects.filter(meeting=meeting).order_by("pk")
    assert [(s.signer.username, s.record_version, s.valid) for s in rows] == [
        ("zrjhead", 1, False), ("zrjhead", 2, True)]


def test_changing_who_was_present_also_voids_the_signatures(meeting, person):
    record(meeting, person)
    sign(meeting, person, "zrjhead")
    record(meeting, person, present=("zrjhead", "zjjhead", "fgjhead"))
    assert not Signature.objects.filter(meeting=meeting, voided_at__isnull=True).exists()


def test_someone_not_invited_or_not_present_cannot_sign(meeting, person):
    record(meeting, person)
    with pytest.raises(Forbidden, match="不在本次会议的邀请名单中"):
        sign(meeting, person, "jxjhead")
    with pytest.raises(Forbidden, match="未登记您出席"):
        sign(meeting, person, "fgjhead")
    with pytest.raises(Forbidden, match="不在本次会议的邀请名单中"):
        sign(meeting, person, "ajadmin")  # the convener records; the heads present sign
    assert not Signature.objects.filter(meeting=meeting).exists()
    refused = AuditEvent.objects.filter(event_type="access.refused", new__action="meeting_sign")
    assert refused.count() == 3


def test_nobody_signs_a_record_not_yet_written(meeting, person):
    with pytest.raises(Conflict, match="尚未填写"):
        services.meeting_sign(actor=person("zrjhead"), meeting=meeting, content_hash="")


def test_signing_twice_is_idempotent(meeting, person):
    record(meeting, person)
    first = sign(meeting, person, "zjjhead")
    again = sign(meeting, person, "zjjhead", at="2026-11-04 15:00")
    assert again.pk == first.pk and Signature.objects.filter(meeting=meeting).count() == 1
    assert AuditEvent.objects.filter(event_type="coordination.meeting_signed").count() == 1


def test_only_the_convener_side_writes_the_record(meeting, person):
    for username in ("zrjhead", "kunyang", "inspector", "zrj"):
        with pytest.raises(Forbidden, match="只有会议召集人或召集单位"):
            record(meeting, person, actor=username)
    record(meeting, person, actor="aojiang")  # the agent of the same unit keeps the record


def test_bad_resolutions_are_refused_by_row_and_field_and_change_nothing(meeting, person):
    record(meeting, person)
    before = Meeting.objects.get(pk=meeting.pk).record_hash
    bad = [{"content": "", "department": "gtj", "due_workdays": 0},
           {"content": "复测", "department": "zrj", "due_workdays": "五"}]
    with pytest.raises(ValidationFailed) as refusal:
        record(meeting, person, resolutions=bad, present=("zrjhead", "jxjhead"))
    assert refusal.value.errors == {
        "present": "“jxjhead”不在本次会议的邀请名单中",
        "resolutions.0.content": "请填写第1项议定事项的内容",
        "resolutions.0.department": "没有代号或名称为“gtj”的部门",
        "resolutions.0.due_workdays": "完成时限应为正整数个工作日",
        "resolutions.1.due_workdays": "完成时限应为工作日数（正整数）"}
    assert Meeting.objects.get(pk=meeting.pk).record_hash == before
    assert Resolution.objects.filter(meeting=meeting).count() == 2


def test_holding_the_meeting_answers_the_tier_that_convened_it(meeting, person, issue):
    record(meeting, person)
    tier = issue.tiers.get(number=2)
    assert tier.responded_on == D("2026-11-04")
    assert issue.responses.get().kind == "meeting"


def test_the_docx_record_reads_back_with_its_signatures_and_hash(meeting, person):
    record(meeting, person)
    sign(meeting, person, "zrjhead", at="2026-11-04 11:32")
    sign(meeting, person, "zjjhead", at="2026-11-04 11:40")
    saved = Meeting.objects.get(pk=meeting.pk)
    document = saved.document
    assert document.kind == CaseDocument.Kind.MEETING and document.case_id == saved.case_id
    content = bytes(document.content)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    text = read_text(content)
    assert f"内容指纹（SHA-256）：{saved.record_hash}" in text
    assert "鳌江镇行政服务中心三楼会议室" in text and "2026年11月4日 09:30" in text
    assert "地块东侧边界争议影响规划许可申报" in text and "受邀未出席：平阳县发展和改革局谢伟民" in text
    table = next(t for t in Document(BytesIO(content)).tables if t.rows[0].cells[-1].text == "签名")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert rows == [["1", "平阳县自然资源和规划局", "朱永明", "县自然资源和规划局局长", "已签名 2026-11-04 11:32"],
                    ["2", "平阳县住房和城乡建设局", "何建新", "县住房和城乡建设局局长", "已签名 2026-11-04 11:40"]]
    resolutions = next(t for t in Document(BytesIO(content)).tables if t.rows[0].cells[-1].text == "完成时限")
    assert [c.text for c in resolutions.rows[1].cells] == [
        "1", "自然资源和规划局组织现场复测，出具界址确认意见", "平阳县自然资源和规划局", "2026-11-09"]


def test_the_docx_says_when_signatures_were_voided(meeting, person):
    record(meeting, person)
    sign(meeting, person, "zrjhead")
    record(meeting, person, discussion="修改后的讨论情况")
    saved = Meeting.objects.get(pk=meeting.pk)
    text = read_text(bytes(saved.document.content))
    assert "签名已因记录修改而作废：朱永明" in text
    table = next(t for t in Document(BytesIO(bytes(saved.document.content))).tables
                 if t.rows[0].cells[-1].text == "签名")
    assert table.rows[1].cells[-1].text == ""  # no valid signature on version 2 yet
    assert timezone.localtime(saved.recorded_at).date() == D("2026-11-04")


def test_a_record_cannot_be_signed_before_the_meeting_is_held(meeting, person):
    with clock.frozen("2026-11-04 08:00"):  # a draft written before the meeting
        services.meeting_record_save(actor=person("ajadmin"), meeting=Meeting.objects.get(pk=meeting.pk),
                                     present=["zrjhead"], resolutions=[dict(RESOLUTIONS[0])], discussion="预拟")
    with pytest.raises(Conflict, match="2026-11-04 09:30召开，召开前不能签名") as refused:
        sign(meeting, person, "zrjhead", at="2026-11-04 09:29")
    assert refused.value.code == "meeting.not_held"
    assert sign(meeting, person, "zrjhead", at="2026-11-04 09:30").signer.username == "zrjhead"
    with pytest.raises(Forbidden, match="未登记您出席"):  # nobody signs for an absent invitee
        sign(meeting, person, "zjjhead", at="2026-11-04 10:00")


def test_the_record_document_has_the_records_versions_and_a_signature_completes_the_version_signed(meeting, person):
    record(meeting, person)
    sign(meeting, person, "zrjhead")
    documents = lambda: list(CaseDocument.objects.filter(  # noqa: E731
        kind="meeting", subject=f"meeting:{meeting.pk}").order_by("version"))
    (first,) = documents()
    assert first.version == 1 and "编号：" in read_text(bytes(first.content)) and "第1版" in read_text(
        bytes(first.content))
    assert "已签名 2026-11-04 11:30" in read_text(bytes(first.content))  # the signature joined version 1
    record(meeting, person, discussion="复测后再议")
    old, new = documents()
    assert (old.version, new.version) == (1, 2) and old.serial_no == new.serial_no
    assert "已签名 2026-11-04 11:30" in read_text(bytes(old.content)) and "第2版" in read_text(bytes(new.content))


def test_the_heads_are_asked_to_sign_a_numbered_version_never_shown_a_fingerprint(meeting, person):
    """The message page is a staff page: it names the record's 版次, the fingerprint stays in the .docx and the API."""
    saved = record(meeting, person)
    sign(meeting, person, "zrjhead")
    sign(meeting, person, "zjjhead", at="2026-11-04 11:40")
    asked = Notification.objects.get(recipient__username="zrjhead", event="meeting.record_to_sign",
                                      channel=Notification.Channel.IN_APP)
    done = Notification.objects.get(recipient__username="ajadmin", event="meeting.all_signed",
                                     channel=Notification.Channel.IN_APP)
    for message in (asked, done):
        assert "第1版会议记录" in message.body
        assert "指纹" not in message.body and saved.record_hash[:16] not in message.body
