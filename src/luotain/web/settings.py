"""Django settings, read from the environment through one schema (django-environ).

The embedded default is SQLite under ``$LUOTAIN_HOME/var`` (the working directory by default); set
``DATABASE_URL`` for PostgreSQL. Secrets have no production default: without ``LUOTAIN_SECRET_KEY`` the key
is read from ``var/secret.key``, which ``luotain.web.home.prepare`` generates once for local use. Reading the
settings writes nothing.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from luotain.web.home import home_dir, secret_key_path, var_dir

django_stubs_ext.monkeypatch()  # Django's generic classes subscriptable at run time (ModelAdmin[Survey])

env = environ.Env(
    LUOTAIN_PRODUCTION=(bool, False),
    LUOTAIN_DEBUG=(bool, False),
    LUOTAIN_ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
    LUOTAIN_TIME_ZONE=(str, "Europe/Helsinki"),
)

BASE_DIR = Path(__file__).resolve().parent
HOME = home_dir()
VAR_DIR = var_dir()


PRODUCTION = env("LUOTAIN_PRODUCTION")


def _secret_key() -> str:
    key = str(env.str("LUOTAIN_SECRET_KEY", default=""))
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "LUOTAIN_PRODUCTION is set but LUOTAIN_SECRET_KEY is not: set it to a long random string "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    path = secret_key_path()
    if path.exists():
        return path.read_text().strip()
    # Nothing prepared this home (luotain.web.home.prepare: the luotain command, manage.py and the WSGI
    # module do): a key for this process alone, as a test's.
    return secrets.token_urlsafe(50)


SECRET_KEY = _secret_key()
DEBUG = env("LUOTAIN_DEBUG")
ALLOWED_HOSTS = env("LUOTAIN_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "luotain.web.partners",
    "luotain.web.surveys",
    "luotain.web.collect",
    "luotain.web.distribution",
    "luotain.web.coding",
    "luotain.web.backoffice",
    "luotain.web.audit",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "luotain.web.middleware.SecurityHeadersMiddleware",
    "luotain.web.security.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luotain.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "luotain.web.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "luotain.web.urls"
WSGI_APPLICATION = "luotain.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'luotain.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers read while one writes; every transaction begins IMMEDIATE, so that writers queue for
    # SQLite's write lock (waiting up to the busy timeout) instead of failing when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# Persistent connections on both databases, checked before each request's first statement.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("LUOTAIN_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("LUOTAIN_TIME_ZONE")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"  # for collectstatic in production; whitenoise serves from the finders too
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Files served at the site's root: /favicon.ico, which browsers and feed readers ask for unprompted.
WHITENOISE_ROOT = BASE_DIR / "root"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (luotain.web.middleware.SecurityHeadersMiddleware): no script
# runs but our own files, nothing is framed, forms post only here. Style attributes are allowed for the
# dashboard's bars.
LUOTAIN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A form without its CSRF token gets a plain page saying what to do (luotain.web.security).
CSRF_FAILURE_VIEW = "luotain.web.security.csrf_failure"
# A request larger than this is refused (413) before anything reads it (luotain.web.security): the largest
# upload, a questionnaire file, may be 2 MB.
LUOTAIN_MAX_REQUEST_BYTES = env.int("LUOTAIN_MAX_REQUEST_BYTES", default=3_000_000)

# The cache: LUOTAIN_CACHE_URL, e.g. redis://127.0.0.1:6379/1 so that several app servers share the rate
# limits' counters; by default each process counts in its own memory.
CACHES = {"default": env.cache_url("LUOTAIN_CACHE_URL", default="locmemcache://")}
# Rate limits (luotain.web.security): COUNT/PERIOD, the period in s, min or h. The counters are only in the
# cache, keyed by a keyed hash of the client's address, user name or answering link, and expire with the
# period; no address is stored anywhere. They are set so that a real respondent never meets them and a script
# always does: one person answers a page every few seconds at the fastest (30 a minute through one link is a
# script), and many people may share one address (an office, a whole school behind one NAT), so the limits
# per address allow a thousand answers begun an hour and ten pages each. LUOTAIN_RATE_LIMITS=0 turns every
# limit off.
LUOTAIN_RATE_LIMITS = env.bool("LUOTAIN_RATE_LIMITS", default=True)
LUOTAIN_RATE_SIGNIN_USER = env.str("LUOTAIN_RATE_SIGNIN_USER", default="10/15min")  # failed, per user name
LUOTAIN_RATE_SIGNIN_CLIENT = env.str("LUOTAIN_RATE_SIGNIN_CLIENT", default="50/15min")  # tries per client
LUOTAIN_RATE_START_CLIENT = env.str("LUOTAIN_RATE_START_CLIENT", default="1000/h")  # answers begun
LUOTAIN_RATE_PAGE_CLIENT = env.str("LUOTAIN_RATE_PAGE_CLIENT", default="20000/h")  # pages sent
LUOTAIN_RATE_PAGE_LINK = env.str("LUOTAIN_RATE_PAGE_LINK", default="30/min")  # pages sent, per answer link
# Proxies in front of the app servers that append to X-Forwarded-For (0: use the connection's address).
LUOTAIN_TRUSTED_PROXIES = env.int("LUOTAIN_TRUSTED_PROXIES", default=0)

# Email: LUOTAIN_EMAIL_URL, e.g. smtp://user:password@mail.example.fi:587 or smtp+tls://...; by default
# messages are printed to the console (nothing is sent).
vars().update(env.email_url("LUOTAIN_EMAIL_URL", default="consolemail://"))
LUOTAIN_EMAIL_RETRIES = env.int("LUOTAIN_EMAIL_RETRIES", default=2)
LUOTAIN_EMAIL_RETRY_SECONDS = env.float("LUOTAIN_EMAIL_RETRY_SECONDS", default=2.0)
LUOTAIN_EMAIL_PER_SECOND = env.float("LUOTAIN_EMAIL_PER_SECOND", default=5.0)  # 0: no limit
DEFAULT_FROM_EMAIL = env.str("LUOTAIN_FROM_EMAIL", default="Luotain <luotain@localhost>")
# A draft begun before the survey closed may still be submitted this long after closing.
LUOTAIN_CLOSING_GRACE_MINUTES = env.int("LUOTAIN_CLOSING_GRACE_MINUTES", default=60)
# The job queue (reports, invitations, reminders): LUOTAIN_QUEUE_URL is "sqlite" (the embedded default, a
# file under var/; "sqlite:///path" for another file), "redis://host:6379/0" for several machines, or
# "immediate" (jobs run at once in the process that asks: tests). Workers: `luotain worker`.
_queue = env.str("LUOTAIN_QUEUE_URL", default="sqlite")
if _queue == "immediate":
    HUEY: dict[str, object] = {"huey_class": "huey.MemoryHuey", "immediate": True}
elif _queue.startswith(("redis://", "rediss://", "unix://")):
    HUEY = {"huey_class": "huey.RedisHuey", "url": _queue, "immediate": False}
elif _queue == "sqlite" or _queue.startswith("sqlite:///"):
    _queue_file = _queue.removeprefix("sqlite:///") if _queue != "sqlite" else str(VAR_DIR / "queue.sqlite3")
    HUEY = {"huey_class": "huey.SqliteHuey", "filename": _queue_file, "immediate": False}
else:
    raise ImproperlyConfigured(
        f"LUOTAIN_QUEUE_URL: '{_queue}' is not sqlite, sqlite:///PATH, redis://... or immediate"
    )
HUEY.update(
    name="luotain",
    consumer={
        "workers": env.int("LUOTAIN_QUEUE_WORKERS", default=2),
        "worker_type": "thread",
        "periodic": True,
    },
)
# A running job whose heartbeat is older than this is taken to be lost with its worker and runs again.
LUOTAIN_JOB_STALE_SECONDS = env.int("LUOTAIN_JOB_STALE_SECONDS", default=300)
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "backoffice:login"
# Where personal links point: the public address of the respondent pages.
LUOTAIN_BASE_URL = env.str("LUOTAIN_BASE_URL", default="http://127.0.0.1:8000")

if PRODUCTION:
    # Refuse to start with settings that are unsafe on the internet; say which and why.
    problems = []
    if DEBUG:
        problems.append("LUOTAIN_DEBUG must be off")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("LUOTAIN_SECRET_KEY must be at least 50 characters of random text")
    if "LUOTAIN_ALLOWED_HOSTS" not in os.environ or "*" in ALLOWED_HOSTS:
        problems.append("LUOTAIN_ALLOWED_HOSTS must name the site's host names (not *)")
    if not LUOTAIN_BASE_URL.startswith("https://"):
        problems.append("LUOTAIN_BASE_URL must be the site's https:// address")
    if problems:
        raise ImproperlyConfigured("unsafe production settings: " + "; ".join(problems))
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("LUOTAIN_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("LUOTAIN_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("LUOTAIN_HSTS_PRELOAD", default=True)
    if env.bool("LUOTAIN_BEHIND_PROXY", default=False):  # a TLS proxy in front sets X-Forwarded-Proto
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS: list[str] = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The job queue's consumer (luotain worker) logs through a handler of its own.
    "loggers": {"huey": {"level": "INFO", "propagate": False}},
}
