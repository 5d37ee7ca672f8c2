"""The reference of the case API's throughput (issue 12): a bare Django view that reads one case row by primary
key and answers it as JSON, through the same middleware, on the same server. Mounted only when
DAIBAN_BENCH_ONE_ROW_VIEW is on (bench/load.py's server sets it): it asks no login, so never in production."""
from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse

from daiban.cases.models import Case


def one_case_row(request: HttpRequest, pk: int) -> JsonResponse:
    row = Case.objects.filter(pk=pk).values().first()
    if row is None:
        raise Http404
    return JsonResponse(row)
