"""Errors a person can act on.

Every error ceasefire raises on purpose derives from :class:`CeasefireError`.
Its ``str()`` is one line that names what is wrong and where; the CLI prints
that line on stderr and exits with code 2.
"""

from __future__ import annotations

__all__ = ["CeasefireError", "InputError", "ScenarioError"]


class CeasefireError(Exception):
    """Base class of every error ceasefire raises deliberately."""


class InputError(CeasefireError):
    """A malformed input file or argument (CSV, XML, lever file, option)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        super().__init__(f"{where}{message}")


class ScenarioError(CeasefireError):
    """A scenario that does not validate.

    ``str(err)`` reads ``FILE:LINE:COL: <field path>: <message>``; the line and
    column are 1-based and point at the offending key or value in the YAML.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        col: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.col = col
        self.field = field
        parts = []
        if file is not None:
            loc = file
            if line is not None:
                loc += f":{line}"
                if col is not None:
                    loc += f":{col}"
            parts.append(loc)
        if field:
            parts.append(field)
        parts.append(message)
        super().__init__(": ".join(parts))
