"""The Typer app and the error boundary: a CeasefireError is one line on stderr, exit 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer

from .._errors import CeasefireError

app = typer.Typer(
    name="ceasefire",
    help="Model how wars end: scenarios, bargaining models, the settlement window.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr and return an Exit(2) to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def guarded(func: F) -> F:
    """Turn CeasefireError (and OS errors on user files) into one line on stderr and exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CeasefireError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise fail(f"{where}{exc.strerror or exc}") from None

    return wrapper  # type: ignore[return-value]


def _register() -> None:
    # Each command group lives in its own module and registers itself on import.
    from . import _commands  # noqa: F401


def main() -> None:
    _register()
    try:
        app(prog_name="ceasefire")
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("interrupted\n")
        sys.exit(130)
