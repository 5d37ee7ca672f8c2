"""Single sign-on end to end over HTTP, as a browser makes it: our live server, the provider on loopback,
every redirect followed, then our code on the code page, and the workbench open."""
from __future__ import annotations

import re

import pytest
import requests

from conftest import totp_code
from daiban.accounts.tests.oidc_provider import OidcProvider
from daiban.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_liaison_officer_signs_in_by_the_provider_over_http_and_reaches_the_workbench(live_server, demo, settings):
    provider = OidcProvider(client_id="daiban-pingyang", client_secret="provider-issued-secret-0123").start()
    try:
        settings.OIDC_ISSUER, settings.OIDC_DISCOVERY_URL = provider.issuer, f"{provider.issuer}/.well-known/openid-configuration"
        settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = provider.client_id, provider.client_secret
        provider.person = {"sub": "zzd-000123", "preferred_username": "fgj"}
        browser = requests.Session()
        login = browser.get(f"{live_server.url}/login/", timeout=30)
        assert "使用统一身份认证登录" in login.text
        code_page = browser.get(f"{live_server.url}/login/sso/?next=/plans/my-items/", timeout=30)
        hops = [answer.url.split("?")[0] for answer in code_page.history]
        assert hops == [f"{live_server.url}/login/sso/", f"{provider.issuer}/authorize",
                        f"{live_server.url}/login/sso/callback/"]
        assert code_page.status_code == 200 and code_page.url.startswith(f"{live_server.url}/login/code/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', code_page.text).group(1)
        done = browser.post(code_page.url, {"csrfmiddlewaretoken": token, "code": totp_code("fgj"),
                                            "next": "/plans/my-items/"}, timeout=30)
        assert done.status_code == 200 and done.url == f"{live_server.url}/plans/my-items/"
        assert AuditEvent.objects.filter(event_type="auth.login", actor_name="fgj").latest("seq").new == {
            "second_factor": "totp", "via": "sso"}
    finally:
        provider.stop()
