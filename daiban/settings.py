"""Settings for daiban. Every value that differs between machines comes from the environment."""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from daiban.lib.env import env_bool, env_int, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DAIBAN_DEBUG", default=False)
SECRET_KEY = env_secret(
    "DAIBAN_SECRET_KEY", debug=DEBUG, dev_default="daiban-development-only-secret-key-not-for-production"
)
# Keyed MAC of the audit chain. Never stored in the database.
AUDIT_KEY = env_secret("DAIBAN_AUDIT_KEY", debug=DEBUG, dev_default="daiban-development-audit-key")
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
    "daiban.org",
    "daiban.workdays",
    "daiban.audit",
    "daiban.catalog",
    "daiban.intake",
    "daiban.cases",
    "daiban.portal",
    "daiban.desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "daiban.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "daiban" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DAIBAN_LOG_LEVEL", "INFO")},
}
