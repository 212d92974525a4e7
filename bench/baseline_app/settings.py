"""Settings of the baseline: no middleware, one app, the database from BASELINE_DATABASE_URL.

The database options are the same as Luotain's (``luotain.web.settings``)."""

from __future__ import annotations

import os
import secrets

import environ

env = environ.Env()

SECRET_KEY = os.environ.get("BASELINE_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["baseline_app"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "baseline_app.urls"
WSGI_APPLICATION = "baseline_app.wsgi.application"
USE_TZ = True
TIME_ZONE = "Europe/Helsinki"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DATABASES = {"default": env.db("BASELINE_DATABASE_URL")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# Persistent connections on both databases, as Luotain's defaults (a conn_max_age in the URL wins).
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
