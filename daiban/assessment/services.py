"""The writes of assessment: spreadsheet exports, started by a person and written in the background."""
from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import Any

from django.db import transaction

from daiban.assessment import access
from daiban.assessment.ledger import (
    DIRECTORY_COLUMNS,
    LEDGER_COLUMNS,
    directory_rows,
    directory_table,
    ledger_rows,
    ledger_table,
    parse_directory_filters,
    parse_filters,
)
from daiban.assessment.models import Export
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import stale_exports
from daiban.assessment.xlsx import write_xlsx
from daiban.audit.services import audit_record
from daiban.lib import clock
from daiban.lib.streaming import rows_read_ahead
from daiban.org.models import User

log = logging.getLogger(__name__)
EXPORT_KEEP_HOURS = 24
EVENTS: dict[str, str] = {Export.Kind.LEDGER: "assessment.ledger_exported",
                          Export.Kind.DIRECTORY: "assessment.directory_exported"}


def check_export(*, actor: User, kind: str, query) -> dict:
    """Who may export, and the filters as stored (refused with Chinese messages when bad)."""
    if kind == Export.Kind.LEDGER:
        access.require_reader(actor, access.LEDGER_READERS, "ledger_export")
        return parse_filters(query).as_query()
    access.require_directory_reader(actor, "directory_export")
    return parse_directory_filters(query)


def export_recorded(*, actor: User, kind: str, filters: dict, rows: int | None = None, export: Export | None = None):
    new: dict[str, Any] = {"filters": filters}
    if rows is not None:
        new["rows"] = rows
    audit_record(event_type=EVENTS[kind], actor=actor, obj=export, new=new)


def export_start(*, actor: User, kind: str, query) -> Export:
    """Queues a spreadsheet of the ledger or the directory; the page follows its row counter."""
    filters = check_export(actor=actor, kind=kind, query=query)
    with transaction.atomic():
        export = Export.objects.create(kind=kind, requested_by=actor, filters=filters, created_at=clock.now())
        export_recorded(actor=actor, kind=kind, filters=filters, export=export)
        from daiban.assessment.tasks import run_export  # tasks.py wraps export_run of this module

        transaction.on_commit(lambda: run_export(str(export.pk)))
    return export


def _sheet(export: Export):
    if export.kind == Export.Kind.LEDGER:
        rows = ledger_rows(Scoped.of(export.requested_by), parse_filters(export.filters))
        return "代办台帐", LEDGER_COLUMNS, rows, ledger_table
    rows = directory_rows(parse_directory_filters(export.filters))
    return "项目目录库", DIRECTORY_COLUMNS, rows, directory_table


def export_run(export_id: str) -> Export | None:
    """Writes the file, counting rows as it goes (the background task calls this). Run again on an export
    a killed worker left running, it starts over."""
    export = Export.objects.select_related("requested_by").defer("content").filter(pk=export_id).first()
    if export is None or export.status not in (Export.Status.QUEUED, Export.Status.RUNNING):
        return export
    title, columns, rows, table = _sheet(export)
    total = rows.count()
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, rows_total=total, rows_done=0,
                                               touched_at=clock.now())

    def progress(done: int) -> None:
        Export.objects.filter(pk=export.pk).update(rows_done=done, touched_at=clock.now())

    buffer = io.BytesIO()
    try:
        written = write_xlsx(buffer, title=title, columns=columns, rows=table(rows_read_ahead(rows)),
                             on_progress=progress)
    except Exception as exc:  # the page must learn that it failed; the log keeps the details
        log.exception("export %s failed", export.pk)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, error=str(exc)[:300],
                                                   finished_at=clock.now())
    else:
        Export.objects.filter(pk=export.pk).update(status=Export.Status.DONE, rows_done=written,
                                                   rows_total=max(total, written), file_name=f"{export.pk}.xlsx",
                                                   content=buffer.getvalue(), finished_at=clock.now())
    export.refresh_from_db(fields=["status", "rows_done", "rows_total", "file_name", "error", "finished_at"])
    return export


def exports_requeue_stale() -> int:
    """Queues again every stale export (a killed worker's); the run starts the file over."""
    from daiban.assessment.tasks import run_export  # tasks.py wraps export_run of this module

    stale = list(stale_exports().values_list("pk", flat=True))
    for pk in stale:
        Export.objects.filter(pk=pk).update(status=Export.Status.QUEUED, touched_at=clock.now())
        run_export(str(pk))
    return len(stale)


def exports_purge() -> int:
    """Deletes exports (rows and their files) older than EXPORT_KEEP_HOURS."""
    count, _ = Export.objects.filter(created_at__lt=clock.now() - timedelta(hours=EXPORT_KEEP_HOURS)).delete()
    return count
