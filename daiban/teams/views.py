"""The team ledger's pages: meetings, training sessions, incentive and accountability records."""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from daiban.cases.models import Case
from daiban.lib.errors import ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.pages import staff_page
from daiban.org.permissions import require_role
from daiban.org.roles import CASE_WORKER_ROLES, Role
from daiban.org.scope import get_in_scope, scope_of
from daiban.teams.forms import MeetingForm, RecordForm
from daiban.teams.models import TRAINING_KINDS, Attendance, ConductKind, MeetingKind
from daiban.teams.selectors import (
    attendance_candidates,
    county_bodies,
    filtered,
    meetings_for,
    record_candidates,
    records_for,
    years_of,
)
from daiban.teams.services import (
    WRITER_ROLES,
    Presence,
    conduct_record_add,
    may_write_for,
    meeting_attendance_set,
    meeting_record,
    writable_bodies,
)

PER_PAGE = 50
READER_ROLES = (*CASE_WORKER_ROLES, Role.LEADER, Role.INSPECTOR)
SECTIONS = {
    "meetings": {"title": "工作例会", "kinds": [MeetingKind.WORK_MEETING.value]},
    "trainings": {"title": "业务培训与研讨", "kinds": [k.value for k in TRAINING_KINDS]},
}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: StaffRequest, rows: QuerySet, date_field: str) -> tuple[QuerySet, dict[str, Any]]:
    body, year = _int(request.GET.get("body")), _int(request.GET.get("year"))
    query = "&".join(f"{k}={v}" for k, v in (("body", body), ("year", year)) if v)
    return filtered(rows, date_field=date_field, body=body, year=year), {"body": body, "year": year, "query": query}


@staff_page
@require_GET
def home(request: StaffRequest) -> HttpResponse:
    return redirect("teams:meetings")


@staff_page
@require_http_methods(["GET", "POST"])
def meeting_list(request: StaffRequest, section: str) -> HttpResponse:
    user = request.user
    require_role(user, *READER_ROLES, action="teams_meetings_page")
    bodies = writable_bodies(user)
    if request.method == "POST" and not bodies:
        require_role(user, *WRITER_ROLES, action="meeting_record")
    form = MeetingForm(request.POST or None, section=section, bodies=bodies,
                       initial={"held_on": None, "body": bodies[0].pk if len(bodies) == 1 else None})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_record(actor=user, **form.cleaned_data)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"已登记“{meeting.topic}”，请登记参会情况。")
            return redirect("teams:meeting", meeting_id=meeting.pk)
    kinds = SECTIONS[section]["kinds"]
    rows = meetings_for(user).filter(kind__in=kinds)
    years = years_of(rows, "held_on")
    rows, chosen = _filters(request, rows, "held_on")
    attendance: dict[int, Any] = {}
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for a in Attendance.objects.filter(meeting__in=[m.pk for m in page.object_list]).values_list("meeting_id",
                                                                                                "present"):
        counts = attendance.setdefault(a[0], [0, 0])
        counts[0 if a[1] else 1] += 1
    shown = [(meeting, attendance.get(meeting.pk, [0, 0])) for meeting in page.object_list]  # (present, absent)
    return render(request, "teams/meetings.html", {
        "section": section, "title": SECTIONS[section]["title"], "form": form, "can_record": bool(bodies),
        "page": page, "rows": shown, "bodies": county_bodies() if scope_of(user).county_wide else None, "years": years,
        **chosen,
    }, status=422 if form.errors else 200)


def _presence_rows(post: QueryDict, candidates: list[User]) -> tuple[list[Presence], list[str]]:
    rows, errors = [], []
    for person in candidates:
        state = post.get(f"state_{person.pk}", "")
        if state in ("present", "absent"):
            rows.append(Presence(person=person, present=state == "present", reason=post.get(f"reason_{person.pk}", "")))
        elif state:
            errors.append(f"{person.display_name} 的出席情况不正确")
    return rows, errors


@staff_page
@require_http_methods(["GET", "POST"])
def meeting_detail(request: StaffRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    require_role(user, *READER_ROLES, action="teams_meeting_page")
    meeting = get_in_scope(meetings_for(user), pk=meeting_id, user=user)
    can_write = may_write_for(user, meeting.body)
    listed = {a.person_id: a for a in meeting.attendance.select_related("person", "person__body")}
    candidates = attendance_candidates(meeting.body) if can_write else []
    known = {p.pk for p in candidates}
    candidates += [a.person for a in listed.values() if a.person_id not in known]
    error = ""
    if request.method == "POST":
        require_role(user, *WRITER_ROLES, action="meeting_attendance_set")
        rows, problems = _presence_rows(request.POST, candidates)
        try:
            if problems:
                raise ValidationFailed({"attendance": "；".join(problems)})
            meeting_attendance_set(actor=user, meeting=meeting, attendance=rows)
        except ValidationFailed as refusal:
            error = refusal.message
        else:
            messages.success(request, "已保存参会情况。")
            return redirect("teams:meeting", meeting_id=meeting.pk)
    section = "meetings" if meeting.kind == MeetingKind.WORK_MEETING else "trainings"
    return render(request, "teams/meeting_detail.html", {
        "meeting": meeting, "section": section, "title": SECTIONS[section]["title"], "can_write": can_write,
        "attendance": sorted(listed.values(), key=lambda a: (not a.present, a.person.username)),
        "candidates": [{"person": p, "row": listed.get(p.pk)} for p in candidates], "error": error,
        "post": request.POST if error else None,
    }, status=422 if error else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def record_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    require_role(user, *READER_ROLES, action="teams_records_page")
    people, bodies = record_candidates(user), writable_bodies(user)
    if request.method == "POST" and not people:
        require_role(user, *WRITER_ROLES, action="conduct_record_add")
    form = RecordForm(request.POST or None, people=people, bodies=bodies,
                      initial={"decided_by": user.body.name if user.body else ""})
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        tracking_no = values.pop("case").strip()
        case = Case.objects.filter(request__tracking_no=tracking_no).values_list("pk", flat=True).first()
        if tracking_no and case is None:
            form.add_error("case", f"案件 {tracking_no} 不存在")
        else:
            try:
                record = conduct_record_add(actor=user, case=case, **values)
            except ValidationFailed as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, f"已登记：{record.person.display_name} · {record.get_kind_display()}")
                return redirect("teams:records")
    rows = records_for(user)
    years = years_of(rows, "decided_on")
    rows, chosen = _filters(request, rows, "decided_on")
    kind = request.GET.get("kind", "")
    if kind in ConductKind.values:
        rows = rows.filter(kind=kind)
        chosen["query"] = "&".join(q for q in (chosen["query"], f"kind={kind}") if q)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "teams/records.html", {
        "form": form, "can_record": bool(people), "page": page, "years": years, "kinds": ConductKind.choices,
        "kind": kind if kind in ConductKind.values else "",
        "bodies": county_bodies() if scope_of(user).county_wide else None, **chosen,
    }, status=422 if form.errors else 200)
