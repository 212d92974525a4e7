"""Starting the web layer from a command: the home prepared, Django set up, the database brought up to
date. What ``luotain.web.commands``, the server and the demo start with."""

from __future__ import annotations

import os
from pathlib import Path

import django
from django.conf import settings

from luotain.errors import InvalidInput

from . import home


def setup() -> None:
    """Prepare the home (luotain.web.home), set Django up, make the folders of the SQLite database and job
    queue. A setting that is missing or unsafe is an InvalidInput that says which."""
    from django.core.exceptions import ImproperlyConfigured

    home.prepare()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luotain.web.settings")
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise InvalidInput(f"error: {exc}") from None
    if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if "filename" in settings.HUEY:
        Path(str(settings.HUEY["filename"])).parent.mkdir(parents=True, exist_ok=True)


def migrate(verbosity: int = 0) -> None:
    """The database's tables up to date, and the partner registry seeded from the shipped data."""
    from django.core.management import call_command

    from luotain.web.partners.services import seed_registry

    call_command("migrate", interactive=False, verbosity=verbosity)
    seed_registry()
