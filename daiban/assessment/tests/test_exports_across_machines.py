"""Exports on several machines: the file lives in the database, a killed worker's export runs again,
and the file is named in Asia/Shanghai time."""
from __future__ import annotations

import datetime as dt
from unittest import mock

from conftest import DEMO_PASSWORD
from daiban.assessment.models import Export
from daiban.assessment.selectors import stale_exports
from daiban.assessment.services import export_run, exports_requeue_stale
from daiban.lib import clock


def test_a_finished_export_downloads_from_the_database_without_any_file_on_this_machine(demo, client, person,
                                                                                       settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "nowhere"
    export = Export.objects.create(kind="ledger", requested_by=person("center"), filters={}, created_at=clock.now())
    export_run(str(export.pk))
    assert not (tmp_path / "nowhere").exists()
    assert client.login(username="center", password=DEMO_PASSWORD)
    download = client.get(f"/assessment/exports/{export.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")


def test_the_file_name_carries_the_time_in_shanghai():
    export = Export(kind="ledger", created_at=dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC))
    assert export.download_name == "代办台帐-20260401-0130.xlsx"


def test_an_export_left_running_by_a_killed_worker_is_queued_again_and_finishes(demo, person, settings):
    settings.EXPORT_STALE_MINUTES = 10
    long_ago = clock.now() - dt.timedelta(minutes=11)
    left = Export.objects.create(kind="ledger", requested_by=person("center"), filters={}, created_at=long_ago,
                                 status=Export.Status.RUNNING, rows_done=3, rows_total=9, touched_at=long_ago)
    fresh = Export.objects.create(kind="ledger", requested_by=person("center"), filters={}, created_at=clock.now(),
                                  status=Export.Status.RUNNING, touched_at=clock.now())
    assert list(stale_exports()) == [left]
    with mock.patch("daiban.assessment.tasks.run_export", side_effect=export_run) as queued:
        assert exports_requeue_stale() == 1
    queued.assert_called_once_with(str(left.pk))
    left.refresh_from_db()
    fresh.refresh_from_db()
    assert left.status == Export.Status.DONE and left.content
    assert fresh.status == Export.Status.RUNNING
