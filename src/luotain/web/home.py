"""Where the embedded default keeps its files: ``$LUOTAIN_HOME/var`` (the working directory's ``var/`` by
default): the SQLite database and job queue, the generated secret key, the demo's password, static files.

Reading the settings writes nothing; ``prepare`` makes what is missing, and every way of starting Luotain
calls it first (the ``luotain`` command, ``manage.py``, the WSGI module), so that all processes of one home
share one secret key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def home_dir() -> Path:
    return Path(os.environ.get("LUOTAIN_HOME", Path.cwd())).resolve()


def var_dir() -> Path:
    return home_dir() / "var"


def secret_key_path() -> Path:
    return var_dir() / "secret.key"


def prepare() -> None:
    """Make ``var/`` with its static folder, and the secret key file unless the key comes from the
    environment (readable by its owner only)."""
    var = var_dir()
    (var / "static").mkdir(parents=True, exist_ok=True)
    path = secret_key_path()
    if os.environ.get("LUOTAIN_SECRET_KEY") or path.exists():
        return
    # Written whole under another name, then linked into place: a process starting at the same moment finds
    # either no key file or the whole one, and only one key is ever made.
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(50))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first: theirs is the key
    finally:
        draft.unlink()
