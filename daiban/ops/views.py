"""Health answers for load balancers and monitors: /healthz (the process answers) and /readyz (it can serve)."""
from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from daiban.ops.readiness import readiness


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    report = readiness()
    return JsonResponse(report, status=200 if report["ready"] else 503, json_dumps_params={"ensure_ascii": False})
