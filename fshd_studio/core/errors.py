"""User-facing errors: the message names the file, what is wrong and what to do."""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user. The CLI prints `error: <message>` and exits 2; the GUI shows a dialog."""


class ProjectFileError(UserError):
    pass


class ElanError(UserError):
    pass


class VideoError(UserError):
    pass
