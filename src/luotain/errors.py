"""The one base of the errors Luotain raises for its users to read.

Library code (the pure packages and the web layer's services) raises a subclass of ``LuotainError`` whose
message is written for a person: the file and line and what is wrong, the thing that is missing, the state
that does not allow it. It never prints and never exits. Only the command line (``luotain.cli``) turns such
an error into a message on standard error and an exit status; the pages word the ones they expect in the
user's language. Anything else that escapes is a bug.
"""

from __future__ import annotations


class LuotainError(Exception):
    """An error for a person to read and act on. ``exit_status``: what the command exits with."""

    exit_status = 2


class NotFound(LuotainError):
    """Something named does not exist: a survey, a district, an earlier wave, a question."""


class InvalidInput(LuotainError):
    """A file or a value given is not what it must be; the message says where and why."""


class NotAllowedNow(LuotainError):
    """The thing exists but its state does not allow this now (a survey that is not open, say)."""
