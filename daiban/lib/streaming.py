"""Rows of a long query read by a thread of their own while the caller works on the ones already read.

Outside a transaction Django reads a PostgreSQL iterator() through a cursor declared WITH HOLD, which computes
the whole result before the first row comes back (29 s of the 90,000-case ledger, with both CPUs' worth of work
done one after the other). A thread reading in a transaction of its own gets its rows as PostgreSQL makes them,
so the database computes while the caller (an .xlsx writer) formats; the caller's own connection stays free for
its progress writes, which the others see at once.

Inside a transaction (a request's atomic block, a test) the rows may not be committed, so another connection
would not see them: there, and on SQLite, the rows are read by the caller's connection as before.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from django.db import connection, connections, transaction
from django.db.models import QuerySet

_DONE = object()


def rows_read_ahead(queryset: QuerySet, *, chunk_size: int = 2000, ahead: int = 8,
                    own_connection: bool | None = None) -> Iterator:
    """The rows of queryset.iterator(chunk_size), up to `ahead` chunks read before the caller takes them by a
    thread on a connection of its own (`own_connection`; by default on PostgreSQL outside a transaction)."""
    if own_connection is None:
        own_connection = connection.vendor == "postgresql" and not connection.in_atomic_block
    if not own_connection:
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    chunks: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with transaction.atomic():
                chunk: list = []
                for row in queryset.iterator(chunk_size=chunk_size):
                    chunk.append(row)
                    if len(chunk) == chunk_size:
                        if not put(chunk):
                            return
                        chunk = []
                put(chunk)
            put(_DONE)
        except Exception as exc:  # handed to the caller, who raises it
            put(exc)
        finally:
            connections.close_all()  # this thread's connections go back

    reader = threading.Thread(target=read, name="rows-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := chunks.get()) is not _DONE:
            if isinstance(item, Exception):
                raise item
            yield from item
    finally:
        stop.set()
        reader.join()
