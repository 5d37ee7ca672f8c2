"""Scheduled duties after closing: thin wrappers around closure.duties, run by huey's consumer."""
from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from daiban.closure.duties import watch_filings
from daiban.closure.evaluations import evaluation_links_send
from daiban.lib.lease import lease_task


@db_periodic_task(crontab(minute="25", hour="8-18"))
@lease_task("closure-watch-filings")
def watch_filing_deadlines() -> int:
    return watch_filings()


@db_periodic_task(crontab(minute="*/30"))
@lease_task("closure-evaluation-links")
def send_evaluation_links() -> int:
    return evaluation_links_send()
