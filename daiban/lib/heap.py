"""A web process's long-lived heap, kept out of the cyclic collector's way.

CPython's full collection walks every object the process tracks. What starting made (modules, settings, URL
patterns, the apps' registries) lives as long as the process, and a process's first requests build more that does:
compiled templates, URL and ORM caches, modules imported on first use — about 90,000 objects once the staff pages
have been served. Until they were frozen too, a full collection walked them every few dozen requests and took
50–150 ms in the middle of whichever request set it off: the slow tail (p95) of the case page and the dashboard
(bench/README.md, "The collector's pauses").

Once started (daiban/wsgi.py), and after a process's 1st, 10th, 100th and 1,000th answer, `settle` collects once
and freezes what is left (`gc.freeze`: out of the collector's sight for good), so later full collections walk only
what later requests made. It runs after the answer is sent (request_finished). Objects
of requests still running in other threads at that moment are frozen with the rest and never collected: at most
four times a few requests' worth, once per process."""
from __future__ import annotations

import gc
import itertools
import threading

from django.core.signals import request_finished

SETTLE_AFTER = frozenset({1, 10, 100, 1000})  # the answers of a process after which its heap is settled

_answers = itertools.count(1)
_lock = threading.Lock()


def settle() -> None:
    """Collects what is garbage now, then freezes the rest."""
    with _lock:
        gc.collect()
        gc.freeze()


def _after_answer(**kwargs) -> None:
    if next(_answers) in SETTLE_AFTER:
        settle()


def settle_now_and_after_warm_up() -> None:
    """Called once by the WSGI entry point of a server process (daiban/wsgi.py), once Django is set up."""
    settle()
    request_finished.connect(_after_answer, dispatch_uid="daiban.lib.heap")
