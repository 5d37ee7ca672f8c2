"""Single sign-on through an OpenID Connect provider (docs/sso.md), with authlib's client.

The protocol checks are authlib's: the state bound to this browser's session, a nonce and a PKCE
verifier (S256) per login, the code exchanged for tokens with the client secret, and the ID token's
RS256 signature against the provider's published keys (JWKS), its issuer, audience (our client id),
expiry and nonce. What the provider vouches for is the first factor only; who the person is here, and
whether they may come in, is decided by authentication.sso_step like any other login.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpResponse
from joserfc.errors import JoseError
from requests import RequestException

from daiban.lib.links import absolute_url

CALLBACK_PATH = "/login/sso/callback/"
AFTER_LOGOUT_PATH = "/login/"
NEXT = "daiban_sso_next"


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET)


class SsoRefused(Exception):
    """The provider's answer did not prove who came back (or the provider could not be reached, `unreachable`):
    `why` is kept in the audit trail."""

    def __init__(self, why: str, *, unreachable: bool = False):
        super().__init__(why)
        self.why = why
        self.unreachable = unreachable


@dataclass(frozen=True)
class SsoIdentity:
    """What a checked ID token says: the value of the configured claim and the provider's own factors."""

    claim_value: str
    subject: str
    amr: frozenset[str]
    acr: str
    id_token: str


def _client():
    # Built for each login from the settings (a login is rare; a changed provider needs no restart).
    oauth = OAuth()
    return oauth.register(
        name="daiban",
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=settings.OIDC_CLIENT_SECRET,
        server_metadata_url=settings.OIDC_DISCOVERY_URL,
        client_kwargs={"scope": settings.OIDC_SCOPES, "code_challenge_method": "S256",
                       "default_timeout": settings.OIDC_TIMEOUT_SECONDS},
    )


def _callback_url(request) -> str:
    return absolute_url(CALLBACK_PATH) if settings.PUBLIC_URL else request.build_absolute_uri(CALLBACK_PATH)


def sso_redirect(request, *, next_url: str) -> HttpResponse:
    """Sends the browser to the provider; state, nonce and PKCE verifier stay in this session."""
    try:
        answer = _client().authorize_redirect(request, _callback_url(request))
    except (OAuthError, RequestException, ValueError, KeyError) as error:
        raise SsoRefused(f"统一身份认证服务无法访问：{type(error).__name__}", unreachable=True) from error
    request.session[NEXT] = next_url
    return answer


def sso_identity(request) -> SsoIdentity:
    """Checks the provider's answer on the callback: raises SsoRefused unless every check passes."""
    try:
        token = _client().authorize_access_token(request, leeway=60)
    except (OAuthError, JoseError) as error:
        raise SsoRefused(f"{type(error).__name__}: {error}"[:300]) from error
    except RequestException as error:
        raise SsoRefused(f"统一身份认证服务无法访问：{type(error).__name__}", unreachable=True) from error
    except (ValueError, KeyError) as error:
        raise SsoRefused(f"提供方的答复无效：{type(error).__name__}") from error
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise SsoRefused("提供方未返回 ID 令牌")
    value = claims.get(settings.OIDC_USERNAME_CLAIM)
    if not isinstance(value, str) or not value.strip():
        raise SsoRefused(f"ID 令牌缺少声明 {settings.OIDC_USERNAME_CLAIM}")
    amr = claims.get("amr") or []
    return SsoIdentity(claim_value=value.strip()[:150], subject=str(claims.get("sub", ""))[:255],
                       amr=frozenset(str(v) for v in amr) if isinstance(amr, list) else frozenset(),
                       acr=str(claims.get("acr", "")), id_token=str(token["id_token"]))


def provider_logout_url(request, *, id_token: str) -> str | None:
    """Where the browser ends the provider's session too (OpenID Connect RP-initiated logout), coming back to
    our login page; None when not configured, not offered by the provider, or the provider cannot be reached
    (then our session alone ends, as it always does)."""
    if not (settings.OIDC_PROVIDER_LOGOUT and id_token and sso_enabled()):
        return None
    try:
        endpoint = _client().load_server_metadata().get("end_session_endpoint")
    except (OAuthError, RequestException, ValueError, KeyError):
        return None
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    back = absolute_url(AFTER_LOGOUT_PATH) if settings.PUBLIC_URL else request.build_absolute_uri(AFTER_LOGOUT_PATH)
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back,
                       "client_id": settings.OIDC_CLIENT_ID})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def provider_second_factor(identity: SsoIdentity) -> bool:
    """The provider says it asked for a second factor, in a way the deployment chose to trust."""
    return bool(identity.amr & settings.OIDC_MFA_AMR) or (bool(identity.acr) and identity.acr in settings.OIDC_MFA_ACR)
