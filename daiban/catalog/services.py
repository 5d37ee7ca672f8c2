"""Writes on the item catalog. The county center keeps the catalog; every change is audited."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from daiban.audit.services import audit_record
from daiban.catalog import hooks
from daiban.catalog.models import CatalogItem, Level, LimitSource, Stage
from daiban.catalog.selectors import cycle_through, prerequisite_codes, prerequisite_graph
from daiban.lib.errors import ValidationFailed
from daiban.org.models import Department, User
from daiban.org.permissions import require_role
from daiban.org.roles import Role

CATALOG_ROLES = (Role.CENTER_ADMIN, Role.SYS_ADMIN)

LIMIT_RANGE = (1, 365)
TEXT_FIELDS = ("limit_note", "intermediary", "in_person_note", "note", "materials", "where_how")
CHOICE_FIELDS: dict[str, type[models.TextChoices]] = {"stage": Stage, "level": Level, "limit_source": LimitSource}
BOOLEAN_FIELDS = ("owner_in_person", "optional", "only_if_needed", "active")
EDITABLE_FIELDS = ("name", "department", "stage", "limit_workdays", "limit_source", "level", *TEXT_FIELDS,
                   *BOOLEAN_FIELDS, "sort", "prerequisites")
CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9]{1,9}")


def limit_message() -> str:
    return f"承诺时限应为 {LIMIT_RANGE[0]} 至 {LIMIT_RANGE[1]} 个工作日"


def snapshot(item: CatalogItem) -> dict[str, Any]:
    """The item's editable values as the audit trail and the API show them."""
    values = {field: getattr(item, field) for field in EDITABLE_FIELDS if field not in ("department", "prerequisites")}
    values["department"] = item.department.name
    values["prerequisites"] = prerequisite_codes(item) if item.pk else []
    return values


def _department(value: Department | str | None) -> Department:
    if value is None:
        raise ValidationFailed({"department": "请选择审批部门"})
    if isinstance(value, Department):
        if value.pk and Department.objects.filter(pk=value.pk).exists():
            return value
        raise ValidationFailed({"department": "审批部门不存在"})
    name = (value or "").strip() if isinstance(value, str) else ""
    found = list(Department.objects.filter(name=name)[:2]) or list(Department.objects.filter(code=name)[:2])
    if len(found) != 1:
        raise ValidationFailed({"department": f"审批部门“{name}”不存在" if not found else
                                f"审批部门“{name}”不唯一，请使用部门代号"})
    return found[0]


def _prerequisite_codes(value: Iterable[CatalogItem | str] | None) -> list[str]:
    if value is None or isinstance(value, str):
        raise ValidationFailed({"prerequisites": "前置事项应为事项编码的列表"})
    codes = [v.code if isinstance(v, CatalogItem) else str(v).strip() for v in value]
    return list(dict.fromkeys(code for code in codes if code))


def _clean(changes: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Checks each value on its own and brings it to the form the model stores."""
    values: dict[str, Any] = {}
    for field, value in changes.items():
        try:
            if field == "name":
                if not isinstance(value, str) or not value.strip():
                    raise ValidationFailed({field: "事项名称不能为空"})
                value = value.strip()
            elif field in TEXT_FIELDS:
                if value is not None and not isinstance(value, str):
                    raise ValidationFailed({field: "应为文本"})
                value = (value or "").strip()
            elif field in CHOICE_FIELDS:
                choices = CHOICE_FIELDS[field]
                if value not in choices.values:
                    allowed = "、".join(f"{c.value}（{c.label}）" for c in choices)
                    raise ValidationFailed({field: f"应为以下之一：{allowed}"})
                value = choices(value).value
            elif field in BOOLEAN_FIELDS:
                if not isinstance(value, bool):
                    raise ValidationFailed({field: "应为是或否（true/false）"})
            elif field == "limit_workdays":
                low, high = LIMIT_RANGE
                if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                    raise ValidationFailed({field: limit_message()})
            elif field == "sort":
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
                    raise ValidationFailed({field: "排序应为 0 至 32767 的整数"})
            elif field == "department":
                value = _department(value)
            elif field == "prerequisites":
                value = _prerequisite_codes(value)
            values[field] = value
        except ValidationFailed as exc:
            errors.update(exc.errors)
    return values


def _check_prerequisites(code: str, prerequisites: list[str], errors: dict[str, str]) -> None:
    graph = prerequisite_graph()
    unknown = [p for p in prerequisites if p not in graph and p != code]
    if unknown:
        errors["prerequisites"] = f"前置事项不存在：{'、'.join(unknown)}"
        return
    inactive = list(CatalogItem.objects.filter(code__in=prerequisites, active=False).values_list("code", flat=True))
    if inactive:
        errors["prerequisites"] = f"前置事项已停用，不能作为前置：{'、'.join(sorted(inactive))}"
        return
    graph[code] = prerequisites
    cycle = cycle_through(graph, code)
    if cycle:
        errors["prerequisites"] = f"前置事项形成循环：{' → '.join(cycle)}"


def _model_errors(item: CatalogItem, errors: dict[str, str]) -> None:
    """Length limits and the like, in Django's own (Chinese) words."""
    try:
        item.full_clean(exclude=["prerequisites", *errors], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages[0])


def _prepare(item: CatalogItem, changes: dict[str, Any]) -> dict[str, Any]:
    """Validates `changes` against `item` (unsaved for a new one) and applies the plain fields to it.

    Returns the cleaned values; raises ValidationFailed naming every field that is wrong."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    values = _clean(changes, errors)
    for field, value in values.items():
        if field != "prerequisites":
            setattr(item, field, value)
    if "prerequisites" in values:
        _check_prerequisites(item.code, values["prerequisites"], errors)
    _model_errors(item, errors)
    if errors:
        raise ValidationFailed(errors)
    return values


def catalog_item_validate(*, item: CatalogItem | None, **changes: Any) -> None:
    """The checks of create/update without writing (for forms that want errors before saving)."""
    if item is None:
        _check_new_code(changes.get("code"))
        item = CatalogItem(code=changes["code"])
    else:
        item = CatalogItem.objects.get(pk=item.pk)
    _prepare(item, {k: v for k, v in changes.items() if k != "code"})


def _check_new_code(code: Any) -> None:
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise ValidationFailed({"code": "事项编码应为大写字母开头的 2 至 10 位大写字母或数字，如 L05"})
    if CatalogItem.objects.filter(code=code).exists():
        raise ValidationFailed({"code": f"事项编码 {code} 已存在"})


def _lock_catalog() -> None:
    # A cycle can come from two edits made at once (A after B, B after A): prerequisite changes
    # take every row's lock, so they queue. The catalog has a few dozen rows.
    list(CatalogItem.objects.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))


def _save_prerequisites(item: CatalogItem, codes: list[str]) -> None:
    item.prerequisites.set(CatalogItem.objects.filter(code__in=codes))


def _catalog_rank() -> Callable[[str], tuple[int, str]]:
    rank = dict(CatalogItem.objects.values_list("code", "sort"))
    return lambda code: (rank.get(code, 0), code)


def catalog_item_update(*, actor: User, item: CatalogItem, **changes: Any) -> CatalogItem:
    """Changes the given fields of an item; `department` is a Department or its short name,
    `prerequisites` a list of codes (or items). Returns the item as saved; a change that changes
    nothing writes nothing."""
    require_role(actor, *CATALOG_ROLES, action="catalog_item_update")
    with transaction.atomic():
        if "prerequisites" in changes:
            _lock_catalog()
        item = CatalogItem.objects.select_for_update(no_key=True).select_related("department").get(pk=item.pk)
        old, old_department_id = snapshot(item), item.department_id
        values = _prepare(item, changes)
        if "prerequisites" in values:
            values["prerequisites"] = sorted(values["prerequisites"], key=_catalog_rank())
        new = {**old, **values, "department": item.department.name}
        changed = [field for field in EDITABLE_FIELDS
                   if new[field] != old[field] or (field == "department" and item.department_id != old_department_id)]
        if not changed:
            return item
        item.save()
        if "prerequisites" in changed:
            _save_prerequisites(item, values["prerequisites"])
        audit_record(event_type="catalog.item_updated", actor=actor, obj=item,
                     old={f: old[f] for f in changed}, new={f: new[f] for f in changed})
        hooks.run(item, changed)
    return item


def catalog_item_create(
    *,
    actor: User,
    code: str,
    name: str,
    department: Department | str,
    stage: str,
    limit_workdays: int,
    prerequisites: Iterable[CatalogItem | str] = (),
    **fields: Any,
) -> CatalogItem:
    """Adds an item to the catalog; by default it goes after the last item of the catalog."""
    require_role(actor, *CATALOG_ROLES, action="catalog_item_create")
    with transaction.atomic():
        _lock_catalog()
        _check_new_code(code)
        item = CatalogItem(code=code)
        if "sort" not in fields:
            last = CatalogItem.objects.order_by("-sort").values_list("sort", flat=True).first()
            fields["sort"] = (last or 0) + 10
        values = _prepare(item, {"name": name, "department": department, "stage": stage,
                                 "limit_workdays": limit_workdays, "prerequisites": prerequisites, **fields})
        item.save()
        _save_prerequisites(item, values["prerequisites"])
        audit_record(event_type="catalog.item_created", actor=actor, obj=item, new={"code": code, **snapshot(item)})
    return item
