"""Settings for daiban. Every value that differs between machines comes from the environment."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from dj_database_url import DBConfig
from django.core.exceptions import ImproperlyConfigured

from daiban.lib.env import env_bool, env_int, env_networks, env_secret, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DAIBAN_DEBUG", default=False)
SECRET_KEY = env_secret(
    "DAIBAN_SECRET_KEY", debug=DEBUG, dev_default="daiban-development-only-secret-key-not-for-production"
)
# Keyed MAC of the audit chain. Never stored in the database.
AUDIT_KEY = env_secret("DAIBAN_AUDIT_KEY", debug=DEBUG, dev_default="daiban-development-audit-key")
# Signed checkpoints of the audit chain's head, written outside the database at least hourly
# (docs/audit-trail.md): an append-only file in a directory, and/or a remote endpoint. One of them
# is required when debug is off.
AUDIT_CHECKPOINT_DIR = env_str("DAIBAN_AUDIT_CHECKPOINT_DIR", "") or (str(VAR_DIR / "audit-checkpoints") if DEBUG else "")
if AUDIT_CHECKPOINT_DIR and not os.path.isabs(AUDIT_CHECKPOINT_DIR):
    raise ImproperlyConfigured("DAIBAN_AUDIT_CHECKPOINT_DIR must be an absolute path")
AUDIT_CHECKPOINT_URL = env_url("DAIBAN_AUDIT_CHECKPOINT_URL")
AUDIT_CHECKPOINT_TOKEN = env_str("DAIBAN_AUDIT_CHECKPOINT_TOKEN", "") or ""
if not (AUDIT_CHECKPOINT_DIR or AUDIT_CHECKPOINT_URL):
    raise ImproperlyConfigured("DAIBAN_AUDIT_CHECKPOINT_DIR or DAIBAN_AUDIT_CHECKPOINT_URL must be set when DAIBAN_DEBUG is off")
# Audit events are kept at least this many days; six months are at most 184 (daiban/audit/retention.py).
AUDIT_RETENTION_DAYS = env_int("DAIBAN_AUDIT_RETENTION_DAYS", 184, minimum=184)
# Key of personal data at rest (AES-256-GCM) and of its look-up hashes; never stored in the database.
DATA_KEY = env_secret("DAIBAN_DATA_KEY", debug=DEBUG, dev_default="daiban-development-personal-data-key", min_length=32)
# The address people use (e.g. https://daiban.pingyang.gov.cn): the host names the server answers to,
# the origin its forms are posted from, secure cookies and HSTS when it is https, and the links in e-mail
# and SMS (daiban/lib/links.py). Unset: the development address in debug, relative links otherwise.
PUBLIC_URL = env_url("DAIBAN_PUBLIC_URL").rstrip("/")
_PUBLIC = urlsplit(PUBLIC_URL)
if _PUBLIC.path or _PUBLIC.query or _PUBLIC.fragment:
    raise ImproperlyConfigured("DAIBAN_PUBLIC_URL must be a scheme and a host only, e.g. https://daiban.pingyang.gov.cn")
ALLOWED_HOSTS = [h for h in (env_str("DAIBAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver") or "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in (env_str("DAIBAN_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]
if PUBLIC_URL:
    ALLOWED_HOSTS.append(_PUBLIC.hostname or "")
    CSRF_TRUSTED_ORIGINS.append(f"{_PUBLIC.scheme}://{_PUBLIC.netloc}")
HTTPS = _PUBLIC.scheme == "https"
# Behind a proxy that terminates TLS: it says so in X-Forwarded-Proto, believed only from
# DAIBAN_TRUSTED_PROXIES (daiban/lib/proxy.py removes it from anyone else's request).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# A load balancer or monitor may ask over plain http on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DAIBAN_HSTS_SECONDS", 31536000, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs page from its bundled static files, not a CDN
    "daiban.org",
    "daiban.accounts",
    "daiban.workdays",
    "daiban.audit",
    "daiban.catalog",
    "daiban.intake",
    "daiban.cases",
    "daiban.plans",
    "daiban.coordination",
    "daiban.policy",
    "daiban.teams",
    "daiban.assessment",
    "daiban.closure",
    "daiban.goodbad",
    "daiban.provincial",
    "daiban.portal",
    "daiban.desk",
    "daiban.notify",
    "daiban.idempotency",
    "daiban.ops",
    "daiban.numbering",
    "daiban.adoption",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "daiban.lib.apierrors.ApiErrorShape",
    "daiban.lib.proxy.ProxyHeaders",
    "django.middleware.security.SecurityMiddleware",
    "daiban.lib.csp.ContentSecurityPolicyMiddleware",
    "daiban.lib.hostile.HostileInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "daiban.audit.middleware.RequestContextMiddleware",
    "daiban.accounts.middleware.AccountGuardMiddleware",
    "daiban.desk.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "daiban.desk.middleware.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "daiban.urls"
WSGI_APPLICATION = "daiban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "daiban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "daiban.org.context.roles",
                "daiban.desk.context.nav",
                "daiban.notify.context.unread",
            ],
        },
    },
]


# Threads of one web process (manage.py serve); each needs at most one database connection.
WEB_PROCESSES = env_int("DAIBAN_WEB_PROCESSES", 2, minimum=1)
WEB_THREADS = env_int("DAIBAN_WEB_THREADS", 4, minimum=1)
# bench/: mounts /bench/one-case-row/<id>, a login-free one-row view the case API is measured against (issue 12).
BENCH_ONE_ROW_VIEW = env_bool("DAIBAN_BENCH_ONE_ROW_VIEW", False)
if BENCH_ONE_ROW_VIEW and PUBLIC_URL:
    raise ImproperlyConfigured("DAIBAN_BENCH_ONE_ROW_VIEW is for benchmarks on loopback, never with DAIBAN_PUBLIC_URL")
# Threads of one process that run a page's independent reads at once (lib/together.py), each on a connection of its
# own; 0 runs them one after another.
READ_THREADS = env_int("DAIBAN_READ_THREADS", WEB_THREADS, minimum=0)
# lib/shapes.py: compile every statement it keeps again and compare (the tests turn it on; it costs what it saves)
SQL_SHAPES_CHECK = False
# Connections one process keeps in its pool: a web process's threads and its read threads, or a worker's threads
# plus its heartbeat and scheduler.
DB_POOL_SIZE = env_int("DAIBAN_DB_POOL_SIZE", max(WEB_THREADS + READ_THREADS, 4), minimum=1)


def _database() -> DBConfig:
    VAR_DIR.mkdir(exist_ok=True)
    url = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'daiban.sqlite3'}"
    try:
        config = dj_database_url.parse(url)
    except Exception as exc:  # dj_database_url raises several kinds of error
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        # WAL lets the background worker read while the web process writes; the timeout makes a
        # second writer wait for the lock instead of failing at once.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
        # A file, not shared-cache memory: that one locks whole tables and ignores the timeout.
        # One per process, so that two test runs on one machine never share it.
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    elif engine.endswith("postgresql"):
        # A pool per process (psycopg_pool), never more than DAIBAN_DB_POOL_SIZE connections however many
        # threads ask: a web process holds at most its threads' worth, so the server's total is
        # (web processes × threads) + (workers × worker threads) + a few for commands, stated in
        # docs/deploy.md. CONN_MAX_AGE must be 0 with a pool: each request returns its connection.
        # Health checks make Django hand the pool psycopg's check, so a connection the server dropped is
        # replaced before a request gets it.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = True
        # JIT off: compiling a statement cost 1-5 s (the dashboard's GROUP BYs, the ledger's per-case subqueries)
        # against milliseconds of executing it; these short indexed reads never repay it.
        # prepare_threshold: a statement bound on the server is prepared (planned once per connection) from its
        # second run. Only lib/prepared.py's reads bind on the server (the API's token and case reads, whose
        # planning cost more than their execution); the ORM's cursors bind on the client and are never prepared.
        # The pool is in-process, so no pooler between it and PostgreSQL loses a connection's statements.
        config["OPTIONS"] = {"pool": {"min_size": 1, "max_size": DB_POOL_SIZE, "timeout": 10, "max_idle": 300},
                             "options": "-c jit=off", "prepare_threshold": 1}
    else:
        raise ImproperlyConfigured(f"DATABASE_URL must name sqlite or postgres, got {engine}")
    return config


DATABASES = {"default": _database()}
# The owner of the tables, for `migrate` and `audit_purge` only; the application itself connects as
# a role that owns nothing (`manage.py db_roles`, docs/database-roles.md). Unset: DATABASE_URL does all.
MIGRATE_DATABASE_URL = env_str("DAIBAN_MIGRATE_DATABASE_URL", "") or ""
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "login"

# Accounts (GB/T 22239-2019 8.1.4.1; docs/security-notes-accounts.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account before its password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "daiban.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "daiban.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "daiban.accounts.passwords.NotUserNameValidator"},
]
# Staff change their password every this many days.
PASSWORD_MAX_AGE_DAYS = 90
# Lockout (django-axes): 5 failures of one account, from any address, on the login page or the token
# endpoint (a wrong password or a wrong second-factor code), lock it for 30 minutes. Attempts during
# the lockout are refused without being counted, so the lock ends 30 minutes after the 5th failure.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ADMIN = False  # the security administrator unlocks on /accounts/manage/, audited
AXES_DISABLE_ACCESS_LOG = True  # successful logins are audit events; one trail, not two
AXES_CLIENT_IP_CALLABLE = "daiban.audit.middleware.client_ip"
AXES_VERBOSE = False  # every failure and lockout is an audit event already
# axes.W002: the login views answer a lockout themselves (a Chinese page, the API's error shape), so
# axes' middleware, which would replace their answer, is not installed. axes.W006: the lock is per
# account on purpose (8.1.4.1: whatever the address); rotating addresses gains nothing against it.
# security.W021: HSTS preloading is a decision for the owner of the whole domain (gov.cn's), not one site.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W006", "security.W021"]
# Second factor (django-otp TOTP): "staff" = every staff account must use it (level 3, 8.1.4.1 d);
# "admins" = the three administrators and the center administrator must, other staff may.
SECOND_FACTOR_REQUIRED_FOR = env_str("DAIBAN_OTP_REQUIRED_FOR", "staff")
if SECOND_FACTOR_REQUIRED_FOR not in ("staff", "admins"):
    raise ImproperlyConfigured("DAIBAN_OTP_REQUIRED_FOR must be 'staff' or 'admins'")
OTP_TOTP_ISSUER = "平阳县代办服务"
# Single sign-on (OpenID Connect, docs/sso.md): off unless the provider's issuer and this client are set.
# The provider's user is matched to an existing active staff account by one claim; no account is ever
# created. The three administrators and the center administrator still give our own code after it.
OIDC_ISSUER = env_url("DAIBAN_OIDC_ISSUER").rstrip("/")
OIDC_DISCOVERY_URL = env_url("DAIBAN_OIDC_DISCOVERY_URL") or (
    f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else "")
OIDC_CLIENT_ID = env_str("DAIBAN_OIDC_CLIENT_ID", "") or ""
OIDC_CLIENT_SECRET = env_str("DAIBAN_OIDC_CLIENT_SECRET", "") or ""
OIDC_SCOPES = " ".join((env_str("DAIBAN_OIDC_SCOPES", "openid profile") or "").replace(",", " ").split())
OIDC_USERNAME_CLAIM = env_str("DAIBAN_OIDC_USERNAME_CLAIM", "preferred_username") or ""
# What the claim's value is compared with: the account's user name, or its mobile number.
OIDC_MATCH = env_str("DAIBAN_OIDC_MATCH", "username")
OIDC_BUTTON_LABEL = env_str("DAIBAN_OIDC_BUTTON_LABEL", "使用统一身份认证登录") or "使用统一身份认证登录"
# ID-token `amr` / `acr` values by which the provider vouches for its own second factor; one of them
# stands for our code for ordinary staff (never for the administrators). Unset: our code always.
OIDC_MFA_AMR = frozenset(v.strip() for v in (env_str("DAIBAN_OIDC_MFA_AMR", "") or "").split(",") if v.strip())
OIDC_MFA_ACR = frozenset(v.strip() for v in (env_str("DAIBAN_OIDC_MFA_ACR", "") or "").split(",") if v.strip())
OIDC_TIMEOUT_SECONDS = env_int("DAIBAN_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
# Logging out of a session begun by single sign-on also ends the provider's session (RP-initiated logout)
# when its discovery document publishes an end_session_endpoint; off: our session only.
OIDC_PROVIDER_LOGOUT = env_bool("DAIBAN_OIDC_PROVIDER_LOGOUT", default=True)
if OIDC_ISSUER or OIDC_CLIENT_ID or OIDC_CLIENT_SECRET:
    if not (OIDC_ISSUER and OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured("Single sign-on needs DAIBAN_OIDC_ISSUER, DAIBAN_OIDC_CLIENT_ID and "
                                   "DAIBAN_OIDC_CLIENT_SECRET together")
    if "openid" not in OIDC_SCOPES.split():
        raise ImproperlyConfigured("DAIBAN_OIDC_SCOPES must include openid (the ID token is what is checked)")
    if not OIDC_USERNAME_CLAIM:
        raise ImproperlyConfigured("DAIBAN_OIDC_USERNAME_CLAIM must name a claim of the ID token")
if OIDC_MATCH not in ("username", "mobile"):
    raise ImproperlyConfigured("DAIBAN_OIDC_MATCH must be 'username' or 'mobile'")
# Codes of the previous, current and next 30-second step are accepted, each once; the window never
# slides with the phone's clock (a code older than one step is expired).
OTP_TOTP_SYNC = False
# Sessions: ended after 30 idle minutes and 12 hours after the login at the latest, and when the
# browser closes. Admin pages (/admin/, account management, the audit trail) answer only from these networks.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ADMIN_NETWORKS = env_networks("DAIBAN_ADMIN_NETWORKS", "127.0.0.0/8,::1/128")
# Our own reverse proxies: only from them is X-Forwarded-For believed (audit trail, lockout records,
# admin networks, public rate limits). Behind a proxy on the same machine, set 127.0.0.1.
TRUSTED_PROXIES = env_networks("DAIBAN_TRUSTED_PROXIES", "")
if HTTPS and not TRUSTED_PROXIES:
    # Otherwise no request would ever seem secure and the https redirect would loop.
    raise ImproperlyConfigured("DAIBAN_PUBLIC_URL is https: set DAIBAN_TRUSTED_PROXIES to the address of the proxy "
                               "that terminates TLS (127.0.0.1 for one on the same machine)")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target in production; WhiteNoise serves the app directories until then.
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "daiban" / "static"]
# Production (debug off): `manage.py collectstatic` writes every file under a hashed name with gzip and
# brotli copies (ECharts: about 1 MB becomes about 300 KB); WhiteNoise serves those with a year's cache.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
API_TOKEN_HOURS = env_int("DAIBAN_API_TOKEN_HOURS", 12, minimum=1)

REDIS_URL = env_str("REDIS_URL") or None
# Two deployments on one Redis keep apart by their queue name, or by this prefix of every cache key.
CACHE_PREFIX = env_str("DAIBAN_CACHE_PREFIX", "") or env_str("DAIBAN_HUEY_NAME", "daiban") or "daiban"
CACHES = {
    "default": {"BACKEND": "daiban.lib.cache.FailOpenRedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": CACHE_PREFIX,
                # Redis away: a request waits at most a second for it, then goes on without it.
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": CACHE_PREFIX}
}

# Scripts only from our own files, never inline (echarts and the pages' style attributes need inline style).
CONTENT_SECURITY_POLICY = env_str("DAIBAN_CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'")

# Rate limits of the public pages and API: hits per window (seconds), per client address.
PUBLIC_SUBMIT_LIMIT = env_int("DAIBAN_PUBLIC_SUBMIT_LIMIT", 10, minimum=1)
PUBLIC_QUERY_LIMIT = env_int("DAIBAN_PUBLIC_QUERY_LIMIT", 30, minimum=1)
PUBLIC_WINDOW_SECONDS = env_int("DAIBAN_PUBLIC_WINDOW_SECONDS", 600, minimum=1)
# Progress queries per tracking number and window, from any address (SECURITY.md: why guessing is hopeless).
PUBLIC_QUERY_PER_NUMBER_LIMIT = env_int("DAIBAN_PUBLIC_QUERY_PER_NUMBER_LIMIT", 10, minimum=1)

# The county's own rules where the seed sets no number or only a soft rule (daiban/lib/county_rules.py, /rules/):
# a project at or above this total investment (万元) is major and has a chief agent (the center can also
# designate one); the first contact within so many working days of the request; who may be a chief agent.
MAJOR_PROJECT_WAN = env_int("DAIBAN_MAJOR_PROJECT_WAN", 10000, minimum=1)
FIRST_CONTACT_WORKDAYS = env_int("DAIBAN_FIRST_CONTACT_WORKDAYS", 1, minimum=1)
CHIEF_AGENT_QUALIFICATIONS = [q.strip() for q in (env_str("DAIBAN_CHIEF_AGENT_QUALIFICATIONS",
                                                          "local_cadre,drc_cadre,senior_agent") or "").split(",")
                              if q.strip()]
if not CHIEF_AGENT_QUALIFICATIONS or not set(CHIEF_AGENT_QUALIFICATIONS) <= {"local_cadre", "drc_cadre",
                                                                             "senior_agent"}:
    raise ImproperlyConfigured("DAIBAN_CHIEF_AGENT_QUALIFICATIONS must list some of local_cadre, drc_cadre, "
                               "senior_agent (comma-separated)")

# Zhejiang's target for pre-construction approvals: its length and unit ("workdays" or "days").
PERMIT_TARGET_LENGTH = env_int("DAIBAN_PERMIT_TARGET_LENGTH", 100, minimum=1)
PERMIT_TARGET_UNIT = env_str("DAIBAN_PERMIT_TARGET_UNIT", "workdays")
if PERMIT_TARGET_UNIT not in ("workdays", "days"):
    raise ImproperlyConfigured("DAIBAN_PERMIT_TARGET_UNIT must be 'workdays' or 'days'")
# An item or a case is 预警 when this many working days or fewer are left.
WARNING_WORKDAYS = env_int("DAIBAN_WARNING_WORKDAYS", 2, minimum=0)
# Plans from evidence: the rolling window of finished items read, and the smallest sample trusted over
# the legal limit.
EVIDENCE_MONTHS = env_int("DAIBAN_EVIDENCE_MONTHS", 24, minimum=1)
EVIDENCE_MIN_SAMPLE = env_int("DAIBAN_EVIDENCE_MIN_SAMPLE", 8, minimum=1)

# Notifications. Mail goes through Django's SMTP backend (the test runner swaps in locmem), to the
# local mail server when no host is given; in debug without a host it is printed to the console.
_EMAIL_HOST = env_str("DAIBAN_EMAIL_HOST", "") or ""
EMAIL_BACKEND = ("django.core.mail.backends.console.EmailBackend" if DEBUG and not _EMAIL_HOST
                 else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = _EMAIL_HOST or "localhost"
EMAIL_PORT = env_int("DAIBAN_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DAIBAN_EMAIL_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("DAIBAN_EMAIL_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("DAIBAN_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DAIBAN_EMAIL_FROM", "daiban@localhost") or "daiban@localhost"
# SMS go through an HTTP gateway (docs/notify-gateway.md); without a URL the channel is off.
SMS_GATEWAY_URL = env_url("DAIBAN_SMS_GATEWAY_URL")
# Put in front of every SMS text (the carrier requires a registered signature).
SMS_SIGNATURE = env_str("DAIBAN_SMS_SIGNATURE", "【平阳县代办中心】") or ""
# Links in e-mail, SMS and the API are made absolute with PUBLIC_URL (above; daiban/lib/links.py).
GATEWAY_TOKEN = env_str("DAIBAN_GATEWAY_TOKEN", "") or ""

# The provincial online approval platform (投资项目在线审批监管平台): agency events are reported to it
# (docs/provincial-platform.md). Without a URL the reports wait in the outbox, unsent.
PROVINCIAL_URL = env_url("DAIBAN_PROVINCIAL_URL")
PROVINCIAL_TOKEN = env_str("DAIBAN_PROVINCIAL_TOKEN", "") or ""
# Signing of each report (app key + timestamp + nonce + HMAC-SHA256), docs/provincial-platform.md.
PROVINCIAL_APP_KEY = env_str("DAIBAN_PROVINCIAL_APP_KEY", "") or ""
PROVINCIAL_APP_SECRET = env_str("DAIBAN_PROVINCIAL_APP_SECRET", "") or ""
if PROVINCIAL_APP_KEY and len(PROVINCIAL_APP_SECRET) < 16:
    raise ImproperlyConfigured("DAIBAN_PROVINCIAL_APP_SECRET must be set (16 characters or more) with DAIBAN_PROVINCIAL_APP_KEY")
# How long the one-time evaluation link sent to an owner stays valid.
EVALUATION_LINK_DAYS = env_int("DAIBAN_EVALUATION_LINK_DAYS", 30, minimum=1)
# 好差评: a 差评's loop, in working days (docs/good-bad-review.md): verify (核实/回访) after it is given,
# rectify (整改) after the verification, answer the rater (答复) after the rectification or the explanation.
GOODBAD_VERIFY_WORKDAYS = env_int("DAIBAN_GOODBAD_VERIFY_WORKDAYS", 2, minimum=1)
GOODBAD_RECTIFY_WORKDAYS = env_int("DAIBAN_GOODBAD_RECTIFY_WORKDAYS", 5, minimum=1)
GOODBAD_ANSWER_WORKDAYS = env_int("DAIBAN_GOODBAD_ANSWER_WORKDAYS", 2, minimum=1)


def _huey(redis_url: str | None) -> dict:
    """Background duties: Redis when REDIS_URL is set, otherwise a SQLite file next to the database."""
    config: dict = {
        # A second deployment sharing the Redis server (or a test run) needs its own queue name.
        "name": env_str("DAIBAN_HUEY_NAME", "daiban") or "daiban",
        "immediate": env_bool("DAIBAN_HUEY_IMMEDIATE", default=False),
        "utc": True,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    # daiban.ops.queue: a heartbeat per consumer, each periodic duty enqueued once per period across machines.
    if redis_url:
        config.update(huey_class="daiban.ops.queue.RedisHuey", url=redis_url)
    else:
        VAR_DIR.mkdir(exist_ok=True)
        config.update(huey_class="daiban.ops.queue.SqliteHuey", filename=str(VAR_DIR / "huey.sqlite3"))
    return config


HUEY = _huey(REDIS_URL)
# /readyz and the system page: a worker is alive when its heartbeat is at most this old; the audit
# chain's latest checkpoint (written at least hourly) at most this old.
WORKER_HEARTBEAT_MINUTES = env_int("DAIBAN_WORKER_HEARTBEAT_MINUTES", 3, minimum=1)
CHECKPOINT_MAX_AGE_MINUTES = env_int("DAIBAN_CHECKPOINT_MAX_AGE_MINUTES", 90, minimum=10)
# An export that has written no row for this long was left by a killed worker and is queued again.
EXPORT_STALE_MINUTES = env_int("DAIBAN_EXPORT_STALE_MINUTES", 10, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DAIBAN_LOG_LEVEL", "INFO")},
    # The worker logs every run of every periodic duty at INFO; keep the console for what matters.
    "loggers": {"huey": {"level": env_str("DAIBAN_WORKER_LOG_LEVEL", "WARNING")},
                # Every failed login and lockout is an audit event; axes' own log lines would repeat them.
                "axes": {"level": "ERROR"}},
}
