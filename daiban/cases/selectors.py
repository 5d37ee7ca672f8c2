"""Reads of cases within the caller's data scope."""
from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import JSONObject

from daiban.cases.models import Case, CaseDocument, CaseItem, CollaborationPhase, TeamMember, TeamRole
from daiban.catalog.selectors import local_department, local_departments
from daiban.documents.versions import version_label
from daiban.intake.selectors import scope_condition
from daiban.lib.aggregates import json_rows
from daiban.lib.personal import mask_address
from daiban.lib.prefetch import json_value, prefetched, with_json_children
from daiban.lib.prepared import Prepared
from daiban.org.models import RoleGrant
from daiban.org.roles import Role
from daiban.org.scope import Scope, not_in_scope, scope_of


def department_items(scope: Scope, user) -> QuerySet[CaseItem] | None:
    """The department rule: the items that put their case in a liaison officer's scope, those of a department in
    scope and those dispatched to the officer (a city-level item's local steps go to the county department's
    liaison officer). None where the rule does not apply."""
    if not scope.department_ids or scope.county_wide:
        return None
    return CaseItem.objects.filter(Q(catalog_item__department__in=scope.department_ids) | Q(liaison=user))


def is_case_owner(user, case: Case) -> bool:
    """An owner account of the case's company (anyone else, anonymous included, is not)."""
    return (user is not None and user.is_authenticated and user.has_role(Role.OWNER)
            and case.project.company.owner_users.filter(pk=user.pk).exists())


# What each case's row of a list or page reads with it (cases_for, the case API, the plan and case pages).
CASE_ROW_READS = ("project", "project__company", "project__location", "unit", "request")


def cases_for(user) -> QuerySet[Case]:
    scope = scope_of(user)
    condition = scope_condition(scope, unit="unit", company="project__company")
    if (items := department_items(scope, user)) is not None:
        condition |= Q(pk__in=items.values("case_id"))
    return Case.objects.filter(condition).select_related(*CASE_ROW_READS)


ITEM_READS = ("catalog_item__department__region", "liaison")


def cases_holding(catalog_item) -> list[int]:
    """The ids of the cases that hold `catalog_item` (say, after it moved to another department)."""
    return list(CaseItem.objects.filter(catalog_item=catalog_item).order_by().values_list("case", flat=True)
                .distinct())


def case_items() -> QuerySet[CaseItem]:
    """Items as the case's readers use them: their catalog item, department and region, their liaison."""
    return CaseItem.objects.select_related(*ITEM_READS)


def with_case_reads(cases: QuerySet[Case], *, people: bool = True, items: QuerySet[CaseItem] | None = None
                    ) -> QuerySet[Case]:
    """A case with its items, team and forms (without their content): one query each, whatever the case
    holds; its collaboration phases in its own row (lib.prefetch.with_json_children; call
    unpack_json_children on the case read). Readers below use these through daiban.lib.prefetch.prefetched.
    `people`: also the team members' roles, in the team's rows (a page shows who may see their phone
    numbers); `items`: the items' query (case_items() with what a page adds to their rows)."""
    team = TeamMember.objects.select_related("user__department", "user__body").order_by("pk")
    if people:
        team = team.annotate(user_roles=json_rows(RoleGrant.objects, parent="user", row=F("role"), outer="user"))
    items = case_items() if items is None else items
    return with_json_children(cases, "collaboration").prefetch_related(
        Prefetch("items", items),
        Prefetch("team", team),
        Prefetch("documents", CaseDocument.objects.defer("content").select_related("signing_recorded_by")
                 .order_by("generated_at", "pk")),
    )


def items_of(case: Case) -> list[CaseItem]:
    return prefetched(case, "items", case.items.select_related(*ITEM_READS))


def team_members(case: Case) -> list[TeamMember]:
    """In the order they joined; with their users' roles when with_case_reads read them."""
    members = prefetched(case, "team", case.team.select_related("user__department", "user__body").order_by("pk"))
    for member in members:
        if hasattr(member, "user_roles") and "roles" not in vars(member.user):
            user = member.user
            vars(user)["roles"] = frozenset(member.user_roles or ()) if user.is_active else frozenset()
    return members


def _team_by_role(members: list[dict]) -> dict:
    one = lambda role: next((m["username"] for m in members if m["role"] == role), None)  # noqa: E731
    return {"agent": one(TeamRole.AGENT), "chief_agent": one(TeamRole.CHIEF_AGENT),
            "lead_leader": one(TeamRole.LEAD_LEADER), "supervisor": one(TeamRole.SUPERVISOR),
            "liaisons": [m["username"] for m in members if m["role"] == TeamRole.LIAISON]}


def team_of(case: Case) -> dict:
    return _team_by_role([{"role": m.role, "username": m.user.username} for m in team_members(case)])


def documents_of(case: Case) -> list[CaseDocument]:
    """Every version of every form, oldest first, without their content."""
    return prefetched(case, "documents", case.documents.defer("content").select_related("signing_recorded_by")
                      .order_by("generated_at", "pk"))


def document_fields(document: CaseDocument) -> dict:
    """The stored fields of one version that document_row shows (what with_case_json reads as JSON)."""
    return {"id": document.pk, "case_id": document.case_id, "kind": document.kind, "subject": document.subject,
            "serial_no": document.serial_no, "version": document.version, "sha256": document.sha256,
            "generated_at": document.generated_at, "signed_at": document.signed_at}


def document_row(document: CaseDocument | dict) -> dict:
    """One version of a document as the API shows it, with the address it is downloaded from."""
    d = document_fields(document) if isinstance(document, CaseDocument) else document
    return {"id": d["id"], "kind": d["kind"], "name": CaseDocument.Kind(d["kind"]).label,
            "serial": d["serial_no"], "serial_no": d["serial_no"], "version": d["version"],
            "version_label": version_label(d["version"]), "sha256": d["sha256"],
            "generated_at": d["generated_at"], "signed": d["signed_at"] is not None,
            "signed_at": d["signed_at"],
            "download": f"/api/v1/cases/{d['case_id']}/documents/{d['serial_no']}/{d['version']}.docx"}


def current_document(case: Case, kind: str) -> CaseDocument | None:
    """The latest version of the latest document of a kind (for a progress report: the last period's)."""
    return case.documents.filter(kind=kind).order_by("-generated_at", "-version", "-pk").first()


def version_lines(documents: list, field) -> list[dict]:
    """Documents grouped into lines (one per kind and subject), latest version first in each line, lines in
    the order of the case's life. `field(document, name)` reads a field of a model or of a JSON row."""
    order = list(CaseDocument.Kind.values)
    lines: dict[tuple[str, str], list] = {}
    for document in documents:
        lines.setdefault((field(document, "kind"), field(document, "subject")), []).append(document)
    result = []
    for versions in sorted(lines.values(), key=lambda line: (
            order.index(field(line[0], "kind")), field(line[0], "generated_at"), field(line[0], "id"))):
        versions.sort(key=lambda doc: field(doc, "version"), reverse=True)
        result.append({"current": versions[0], "older": versions[1:]})
    return result


def document_versions(case: Case) -> list[dict]:
    """Each document of the case (latest version first in its line) with all its versions, in the order of the
    case's life: what the case page and the API list, every version downloadable."""
    return version_lines(documents_of(case), lambda document, name: getattr(document, "pk" if name == "id" else name))


def local_departments_of(case: Case) -> dict:
    """catalog.selectors.local_departments of the case's items; for a case read with with_case_reads, read once."""
    if "items" not in getattr(case, "_prefetched_objects_cache", {}):
        return local_departments([i.catalog_item for i in items_of(case)])
    if "_local_departments" not in case.__dict__:
        case.__dict__["_local_departments"] = local_departments([i.catalog_item for i in items_of(case)])
    return case.__dict__["_local_departments"]


def local_department_of(item: CaseItem):
    """The item's local department (catalog.selectors.local_department), read with its case's other items'."""
    if "items" not in getattr(item.case, "_prefetched_objects_cache", {}):
        return local_department(item.catalog_item)
    return local_departments_of(item.case).get(item.catalog_item.department_id) or local_department(
        item.catalog_item)


def collaboration_of(case: Case) -> list[CollaborationPhase]:
    return prefetched(case, "collaboration", case.collaboration.order_by("id"))


def with_case_json(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The case with its items, team, forms and collaboration as JSON lists in the same row: the case API
    reads a case of any size in one query (case_detail reads these when present)."""
    return cases.annotate(
        items_json=json_rows(CaseItem.objects, parent="case", row=JSONObject(
            code=F("catalog_item__code"), name=F("catalog_item__name"), department=F("catalog_item__department__name"),
            stage=F("catalog_item__stage"), limit_workdays=F("catalog_item__limit_workdays"),
            sort=F("catalog_item__sort"))),
        team_json=json_rows(TeamMember.objects, parent="case", row=JSONObject(
            id=F("id"), role=F("role"), username=F("user__username"))),
        documents_json=json_rows(CaseDocument.objects, parent="case", row=JSONObject(
            id=F("id"), case_id=F("case_id"), kind=F("kind"), subject=F("subject"), serial_no=F("serial_no"),
            version=F("version"), sha256=F("sha256"), signed_at=F("signed_at"), generated_at=F("generated_at"))),
        collaboration_json=json_rows(CollaborationPhase.objects, parent="case", row=JSONObject(
            id=F("id"), phase=F("phase"), owner_body=F("owner_body"), handed_over_at=F("handed_over_at"),
            handed_over_to=F("handed_over_to"), note=F("note"))),
    )


# The case API's read (with_case_json and the rows case_detail reads), its SQL written once: see lib/prepared.py.
_CASE_ANSWER = Prepared(lambda case_id: with_case_json(Case.objects.filter(pk=case_id)),
                        related=CASE_ROW_READS,
                        case_id=987_654_321_987)


def case_answer(user, case_id: int) -> dict:
    """case_detail of a case in the caller's scope (cases_for), in one query; NotFound outside it."""
    case = _CASE_ANSWER.first(case_id=case_id, within=cases_for(user))
    if case is None:
        raise not_in_scope(Case, pk=case_id, user=user)
    return case_detail(case)


def _parts(case: Case) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """(items, team members, forms, collaboration) as plain rows in their display order: from the JSON of
    with_case_json when the case was read with it, else from the loaded (or prefetched) objects."""
    if (hasattr(case, "items_json") and hasattr(case, "team_json") and hasattr(case, "documents_json")
            and hasattr(case, "collaboration_json")):  # all four, or none (with_case_json)
        items = sorted(case.items_json or [], key=lambda i: (i["sort"], i["code"]))
        team = sorted(case.team_json or [], key=lambda m: m["id"])
        documents = case.documents_json or []
        for document in documents:
            for name in ("generated_at", "signed_at"):
                document[name] = json_value(CaseDocument, name, document[name])
        documents.sort(key=lambda d: (d["generated_at"], d["id"]))
        collaboration = sorted(case.collaboration_json or [], key=lambda p: p["id"])
        for phase in collaboration:
            phase["handed_over_at"] = json_value(CollaborationPhase, "handed_over_at", phase["handed_over_at"])
        return items, team, documents, collaboration
    items = [{"code": i.catalog_item.code, "name": i.catalog_item.name, "department": i.catalog_item.department.name,
              "stage": i.catalog_item.stage, "limit_workdays": i.catalog_item.limit_workdays} for i in items_of(case)]
    team = [{"role": m.role, "username": m.user.username} for m in team_members(case)]
    documents = [document_fields(d) for d in documents_of(case)]
    collaboration = [{"phase": p.phase, "owner_body": p.owner_body, "handed_over_at": p.handed_over_at,
                      "handed_over_to": p.handed_over_to, "note": p.note} for p in collaboration_of(case)]
    return items, team, documents, collaboration


def case_detail(case: Case) -> dict:
    from daiban.cases.agency_team import is_major, project_needs  # agency_team imports this module

    items, team, documents, collaboration = _parts(case)
    need = project_needs(case)
    project = case.project
    return {
        "id": case.pk,
        "tracking_no": case.request.tracking_no,
        "status": case.status,
        "status_label": case.get_status_display(),
        "unit": case.unit.name,
        "unit_id": case.unit_id,
        "source": case.request.source,
        "card_holding": case.card_holding,
        "project": {"name": project.name, "company": project.company.name,
                    "credit_code": project.company.credit_code,
                    "company_address": mask_address(case.request.company_address or project.company.address),
                    "location": project.location.name,
                    "category": project.category, "industrial": project.industrial,
                    "investment_wan": project.investment_wan, "project_code": project.project_code,
                    "major": is_major(case)},
        "items": [{k: i[k] for k in ("code", "name", "department", "stage", "limit_workdays")} for i in items],
        "team": _team_by_role(team),
        "team_rules": need,
        "documents": [{**document_row(line["current"]), "versions": [document_row(d) for d in
                                                                     [line["current"], *line["older"]]]}
                      for line in version_lines(documents, lambda d, name: d[name])],
        "collaboration": [{"phase": p["phase"], "phase_label": CollaborationPhase.Phase(p["phase"]).label,
                           "owner_body": p["owner_body"], "handed_over_at": p["handed_over_at"],
                           "handed_over_to": p["handed_over_to"], "note": p["note"]} for p in collaboration],
        "accepted_at": case.accepted_at,
        "entrusted_on": case.entrusted_on,
    }
