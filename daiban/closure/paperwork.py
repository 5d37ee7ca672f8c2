"""The closing papers of a case: the completion or termination form, the evaluation form, the work log,
and the case archive (every paper of the case as .docx, in one .zip)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.db.models import Max

from daiban.cases.models import Case, CaseDocument, CaseItem
from daiban.cases.paperwork import Paper, agency_of, generate, owner_of, project_of
from daiban.cases.states import ItemStatus
from daiban.closure.models import Channel, Closure, DepartmentRating, EvaluationDocument, OwnerEvaluation
from daiban.documents import data as d
from daiban.documents.completion import completion_form
from daiban.documents.evaluation import evaluation_form
from daiban.documents.layout import footer, form_document, heading, key_value_table, table, to_bytes
from daiban.documents.parts import NONE_TEXT, agency_pairs, project_pairs
from daiban.documents.termination import termination_form
from daiban.documents.versions import content_hash
from daiban.lib import clock
from daiban.numbering.counters import next_number
from daiban.org.models import User
from daiban.plans.models import ItemTransition, WorkLog

EVALUATION_PREFIX, WORKLOG_PREFIX = "PJ", "RZ"


def _items(case: Case):
    return case.items.select_related("catalog_item", "catalog_item__department").order_by(
        "catalog_item__sort", "catalog_item__code")


def _form_item(item: CaseItem) -> d.Item:
    catalog = item.catalog_item
    return d.Item(code=catalog.code, name=catalog.name, department=catalog.department.name,
                  limit_workdays=catalog.limit_workdays, owner_in_person=catalog.owner_in_person)


def on_time(item: CaseItem) -> bool | None:
    """Finished within its legal limit (pauses included in due_on); None when it never ran against one."""
    if item.status not in (ItemStatus.APPROVED, ItemStatus.REFUSED) or not (item.finished_on and item.due_on):
        return None
    return item.finished_on <= item.due_on


def finished_progress(item: CaseItem) -> d.ItemProgress:
    approval = item.approval_no
    if item.status == ItemStatus.REFUSED:
        approval = "不予许可" + (f"（{item.result_note}）" if item.result_note else "")
    elif item.status == ItemStatus.WITHDRAWN:
        approval = "已撤回" + (f"（{item.result_note}）" if item.result_note else "")
    return d.ItemProgress(item=_form_item(item), approval_no=approval, done_on=item.finished_on, due_on=item.due_on,
                          state=item.get_status_display(), on_time=on_time(item))


def _withdrawn_from(item: CaseItem) -> str:
    last = ItemTransition.objects.filter(item=item, to_status=ItemStatus.WITHDRAWN).order_by("-at", "-id").first()
    return ItemStatus(last.from_status).label if last else ""


def open_progress(item: CaseItem) -> d.ItemProgress:
    before = _withdrawn_from(item)
    state = f"{before}，终止时撤回" if before else item.get_status_display()
    return d.ItemProgress(item=_form_item(item), due_on=item.due_on or item.planned_due, state=state)


def _handover(closure: Closure) -> list[d.Handover]:
    return [d.Handover(document=h.document, copies=h.copies, original=h.original) for h in closure.handover.all()]


def closing_paper(closure: Closure) -> Paper:
    """The completion or the termination form of a closed case, as it stands (archived once filed)."""
    case = closure.case
    head: dict[str, Any] = dict(serial="", project=project_of(case), owner=owner_of(case), agency=agency_of(case),
                entrusted_on=case.entrusted_on or case.accepted_at.date(), opinion=closure.opinion,
                archive_due_on=closure.filing_due_on, archived_on=closure.filed_on)
    items = list(_items(case))
    if closure.kind == Closure.Kind.COMPLETION:
        return Paper(d.CompletionData(
            **head, completed_on=closure.closed_on, workdays_used=closure.workdays_used or 0,
            items=[finished_progress(i) for i in items], handover=_handover(closure)), completion_form)
    done = [i for i in items if i.status in (ItemStatus.APPROVED, ItemStatus.REFUSED)]
    return Paper(d.TerminationData(
        **head, terminated_on=closure.closed_on, reason=closure.get_reason_kind_display(),
        reason_detail=closure.reason, done=[finished_progress(i) for i in done],
        not_done=[open_progress(i) for i in items if i not in done], returned=_handover(closure)), termination_form)


def closing_document(*, closure: Closure, actor: User) -> CaseDocument:
    return generate(case=closure.case, kind=closure.kind, actor=actor, paper=closing_paper(closure))


# -- the evaluation form -------------------------------------------------------------------------------------


def _evaluation_data(case: Case, evaluation: OwnerEvaluation, serial: str) -> d.EvaluationData:
    visit = case.return_visits.filter(done_on__isnull=False).select_related("visitor").order_by("-done_on").first()
    ratings = list(DepartmentRating.objects.filter(case=case).select_related("department", "liaison", "rated_by"))
    return d.EvaluationData(
        serial=serial, project=project_of(case), owner=owner_of(case), agency=agency_of(case),
        attitude=evaluation.attitude, efficiency=evaluation.efficiency, quality=evaluation.quality,
        overall=evaluation.overall, grade=evaluation.get_grade_display(), comments=evaluation.comments,
        fee_asked=evaluation.fee_asked,
        fee_details=evaluation.fee_details, visitor=visit.visitor.display_name if visit else "",
        visited_on=visit.done_on if visit else clock.today(),
        channel=Channel(visit.channel).label if visit else Channel.ONLINE.label,
        rater=ratings[0].rated_by.display_name if ratings else "",
        department_ratings=[d.DepartmentRating(
            department=r.department.name, liaison=r.liaison.display_name if r.liaison else "",
            attitude=r.attitude, efficiency=r.efficiency, quality=r.quality, overall=r.overall, comment=r.comment,
            grade=r.get_grade_display())
            for r in ratings])


def evaluation_document(case: Case) -> EvaluationDocument | None:
    """Archives the evaluation form as it stands, as its next version when its data changed (the agent's
    department ratings joining the owner's); nothing until the owner has evaluated."""
    evaluation = OwnerEvaluation.objects.filter(case=case).first()
    if evaluation is None:
        return None
    data = _evaluation_data(case, evaluation, "")
    key = content_hash(data)
    current = case.evaluation_documents.defer("content").order_by("-version", "-pk").first()
    if current is not None and current.data_hash == key:
        return current
    version = next_number(f"evaluation_document_version:{case.pk}", start=lambda: (
        case.evaluation_documents.aggregate(n=Max("version"))["n"] or 0) + 1)
    serial = current.serial_no if current else f"{EVALUATION_PREFIX}{case.request.tracking_no[2:]}"
    content = evaluation_form(replace(data, serial=serial, version=version))
    return EvaluationDocument.objects.create(case=case, serial_no=serial, version=version, data_hash=key,
                                             content=content, sha256=hashlib.sha256(content).hexdigest(),
                                             generated_at=clock.now())


# -- the work log --------------------------------------------------------------------------------------------


def worklog_form(case: Case, *, made_on: dt.date | None = None) -> bytes:
    doc = form_document("代办工作日志", f"{WORKLOG_PREFIX}{case.request.tracking_no[2:]}")
    key_value_table(doc, [*project_pairs(project_of(case), owner_of(case)), *agency_pairs(agency_of(case))])
    heading(doc, "工作记录")
    logs = WorkLog.objects.filter(case=case).select_related("author").order_by("day", "id")
    rows = [[str(n), log.day.isoformat(), log.content, log.author.display_name] for n, log in enumerate(logs, 1)]
    table(doc, ["序号", "日期", "工作内容", "记录人"], rows or [["", "", NONE_TEXT, ""]], [1.2, 2.6, 9.4, 2.4],
          center_columns=(0, 1, 3))
    footer(doc, case.unit.name, made_on or clock.today())
    return to_bytes(doc)


# -- the archive ---------------------------------------------------------------------------------------------


def _versions(case: Case, *kinds: str) -> list[tuple[str, bytes]]:
    """Every version of the documents of these kinds: the archive keeps the superseded and the signed ones too."""
    rows = case.documents.filter(kind__in=kinds).order_by("generated_at", "pk")
    lines: dict[tuple[str, str], list[CaseDocument]] = {}
    for document in rows:
        lines.setdefault((document.kind, document.subject), []).append(document)
    ordered = sorted(lines.values(), key=lambda line: (kinds.index(line[0].kind), line[0].generated_at, line[0].pk))
    return [(document.filename, bytes(document.content))
            for line in ordered for document in sorted(line, key=lambda doc: doc.version)]


def archive_entries(case: Case) -> Iterator[tuple[str, bytes]]:
    """(file name, .docx) of every paper in the archive, each version of each, in the order of the case's life."""
    Kind = CaseDocument.Kind
    papers = _versions(case, Kind.REGISTRATION, Kind.AGREEMENT, Kind.PLAN)
    papers.append((f"代办工作日志-{WORKLOG_PREFIX}{case.request.tracking_no[2:]}.docx", worklog_form(case)))
    papers += _versions(case, Kind.MEETING, Kind.PROGRESS)
    papers += _versions(case, Kind.COMPLETION, Kind.TERMINATION)
    papers += [(evaluation.filename, bytes(evaluation.content))
               for evaluation in case.evaluation_documents.order_by("version", "pk")]
    for number, (name, content) in enumerate(papers, 1):
        yield f"{number:02d}-{name}", content


def archive_zip(case: Case) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in archive_entries(case):
            # Non-ASCII names are stored as UTF-8 with the flag set, which every current unzip honours.
            archive.writestr(name, content)
    return out.getvalue()


def archive_filename(case: Case) -> str:
    return f"{case.request.tracking_no}-{case.project.name}-案卷.zip"

