"""A page form sent twice (double click, a resent POST) writes once.

Every page form carries a fresh `_once` token (static/js/once.js). The first POST with a token goes
through; a repeat within the hour is answered with a redirect back and a note, and touches nothing.
Requests without a token (the API, which has Idempotency-Key, or scripts) pass untouched.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme

ONCE_SECONDS = 3600


class SubmitOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.POST.get("_once", "") if request.method == "POST" and not request.path.startswith(
            "/api/") else ""
        if token and len(token) <= 64 and not cache.add(f"once:{token}", 1, timeout=ONCE_SECONDS):
            messages.info(request, "该表单已提交，未重复办理。")
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = request.path
            return HttpResponseRedirect(back, status=303)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and API answers may carry personal data (masked or revealed): no browser, proxy or
    shared cache keeps them. A view that sets its own Cache-Control (a public, data-free page) keeps
    it; static files never reach this middleware (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
