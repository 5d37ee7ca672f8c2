import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
application = get_wsgi_application()
# What starting made (modules, settings, URL patterns, the apps' registries) lives as long as the process: kept out
# of the collector's sight, so a full collection during a request no longer walks it (bench/README.md, the plan page).
gc.freeze()

from daiban.lib.heap import settle_after_warm_up  # noqa: E402  (after Django is set up)

settle_after_warm_up()  # and what the first requests build to keep, likewise (daiban/lib/heap.py)
