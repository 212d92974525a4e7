"""Writing the audit log. Every service that changes something, or takes data out, takes the ``Actor`` who
does it and records the event itself, in its own transaction: the back office, Django's admin, the
``luotain`` command and the periodic jobs leave the same trace."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from .models import AuditEvent

Action = AuditEvent.Action
Channel = AuditEvent.Channel


@dataclass(frozen=True)
class Actor:
    """Who does something: a signed-in staff user (``channel`` web: the back office or the admin), somebody
    at the machine running a command (``command``: the command's name, the operating system's user name),
    or Luotain itself (``system``: a periodic job)."""

    user: Any = None
    channel: str = Channel.WEB
    via: str = ""  # the command or job: "luotain close", "retention"
    name: str = ""  # the user name to log where there is no user

    @classmethod
    def of(cls, request_or_user: Any) -> Actor:
        """The request's signed-in user (or the user given)."""
        user = getattr(request_or_user, "user", request_or_user)
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        return cls(user=user if signed_in else None)

    @classmethod
    def command(cls, command: str) -> Actor:
        """``luotain COMMAND`` run by the operating system's user."""
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no user name for the process's uid (some containers)
            who = ""
        return cls(channel=Channel.COMMAND, via=f"luotain {command}", name=who)

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(channel=Channel.SYSTEM, via=job)

    @property
    def username(self) -> str:
        return self.user.get_username() if self.user is not None else self.name


def record(actor: Actor, action: str, target: str = "", /, **detail: Any) -> AuditEvent:
    """One event; ``detail`` must be JSON: filters, formats, counts, identifiers; never answers or contact
    details."""
    return AuditEvent.objects.create(
        user=actor.user,
        username=actor.username[:150],
        channel=actor.channel,
        via=actor.via[:100],
        action=action,
        target=str(target)[:200],
        detail=detail,
    )
