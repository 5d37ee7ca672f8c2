"""Settings for daiban. Every value that differs between machines comes from the environment."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
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
ALLOWED_HOSTS = [h for h in (env_str("DAIBAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver") or "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in (env_str("DAIBAN_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]

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
    "daiban.provincial",
    "daiban.portal",
    "daiban.desk",
    "daiban.notify",
    "daiban.idempotency",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "daiban.lib.apierrors.ApiErrorShape",
    "django.middleware.security.SecurityMiddleware",
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


def _database() -> dict:
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
        # Persistent connections: about 8 ms a request saved on this machine.
        config["CONN_MAX_AGE"] = env_int("DAIBAN_CONN_MAX_AGE", 600, minimum=0)
        config["CONN_HEALTH_CHECKS"] = True
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
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W006"]
# Second factor (django-otp TOTP): "staff" = every staff account must use it (level 3, 8.1.4.1 d);
# "admins" = the three administrators and the center administrator must, other staff may.
SECOND_FACTOR_REQUIRED_FOR = env_str("DAIBAN_OTP_REQUIRED_FOR", "staff")
if SECOND_FACTOR_REQUIRED_FOR not in ("staff", "admins"):
    raise ImproperlyConfigured("DAIBAN_OTP_REQUIRED_FOR must be 'staff' or 'admins'")
OTP_TOTP_ISSUER = "平阳县代办服务"
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
API_TOKEN_HOURS = env_int("DAIBAN_API_TOKEN_HOURS", 12, minimum=1)

REDIS_URL = env_str("REDIS_URL") or None
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Rate limits of the public pages and API: hits per window (seconds), per client address.
PUBLIC_SUBMIT_LIMIT = env_int("DAIBAN_PUBLIC_SUBMIT_LIMIT", 10, minimum=1)
PUBLIC_QUERY_LIMIT = env_int("DAIBAN_PUBLIC_QUERY_LIMIT", 30, minimum=1)
PUBLIC_WINDOW_SECONDS = env_int("DAIBAN_PUBLIC_WINDOW_SECONDS", 600, minimum=1)

# A project at or above this total investment (万元) is major and has a chief agent (seed §5.4);
# the center can also designate one.
MAJOR_PROJECT_WAN = env_int("DAIBAN_MAJOR_PROJECT_WAN", 10000, minimum=1)

# Zhejiang's target for pre-construction approvals: its length and unit ("workdays" or "days").
PERMIT_TARGET_LENGTH = env_int("DAIBAN_PERMIT_TARGET_LENGTH", 100, minimum=1)
PERMIT_TARGET_UNIT = env_str("DAIBAN_PERMIT_TARGET_UNIT", "workdays")
if PERMIT_TARGET_UNIT not in ("workdays", "days"):
    raise ImproperlyConfigured("DAIBAN_PERMIT_TARGET_UNIT must be 'workdays' or 'days'")
# An item or a case is 预警 when this many working days or fewer are left.
WARNING_WORKDAYS = env_int("DAIBAN_WARNING_WORKDAYS", 2, minimum=0)

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
# SMS and WeChat go through HTTP gateways (docs/notify-gateway.md); a channel without a URL is off.
SMS_GATEWAY_URL = env_url("DAIBAN_SMS_GATEWAY_URL")
WECHAT_GATEWAY_URL = env_url("DAIBAN_WECHAT_GATEWAY_URL")
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


def _huey(redis_url: str | None) -> dict:
    """Background duties: Redis when REDIS_URL is set, otherwise a SQLite file next to the database."""
    config: dict = {
        # A second deployment sharing the Redis server (or a test run) needs its own queue name.
        "name": env_str("DAIBAN_HUEY_NAME", "daiban") or "daiban",
        "immediate": env_bool("DAIBAN_HUEY_IMMEDIATE", default=False),
        "utc": True,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
    if redis_url:
        config.update(huey_class="huey.RedisHuey", url=redis_url)
    else:
        VAR_DIR.mkdir(exist_ok=True)
        config.update(huey_class="huey.SqliteHuey", filename=str(VAR_DIR / "huey.sqlite3"))
    return config


HUEY = _huey(REDIS_URL)

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
