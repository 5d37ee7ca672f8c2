import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daiban.settings")
application = get_wsgi_application()

from daiban.lib.heap import settle_now_and_after_warm_up  # noqa: E402  (after Django is set up)

# What starting made, and what the first requests build to keep, out of the collector's sight (daiban/lib/heap.py)
settle_now_and_after_warm_up()
