"""The Typer app and the error boundary: a CeasefireError is one line on stderr, exit 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from .._errors import CeasefireError
from .._version import __version__
from . import _backtest, _bench, _core, _levers


def _flags_without_type(params: list[Any]) -> list[Any]:
    # A flag takes no value: show no type for it in the help (Typer shows "<bool>").
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_type(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_type(super().get_params(ctx))


app = typer.Typer(
    name="ceasefire",
    help="Model how wars end: scenarios, bargaining models, the settlement window.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Group,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ceasefire {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    pass


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


# The commands: each lives in its own module as a plain function (help from its docstring
# and annotations); they are registered here, in the order ``--help`` lists them.
for _command in (
    _core.run,
    _core.track,
    _core.validate,
    _core.scenarios,
    _core.schema,
    _core.forecast,
):
    app.command(cls=_Command)(guarded(_command))
app.command(cls=_Command)(guarded(_levers.levers))
bench_app = typer.Typer(
    help="Accuracy benchmarks: the bargaining models against recorded outcomes.",
    no_args_is_help=True,
    cls=_Group,
)
bench_app.command("deu", cls=_Command)(guarded(_bench.deu))
app.add_typer(bench_app, name="bench")
app.command(cls=_Command)(guarded(_backtest.backtest))


def _click_exceptions() -> Any:
    """Click's exception classes: vendored by recent Typer releases, a dependency of older ones."""
    import importlib

    for name in ("typer._click.exceptions", "click.exceptions"):  # vendored, then classic
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None  # pragma: no cover


def main() -> None:
    """Entry point: usage errors, like input errors, are one line on stderr and exit 2."""
    ex = _click_exceptions()
    if ex is None:  # pragma: no cover - unknown Typer layout: keep its own error display
        app(prog_name="ceasefire")
        return
    no_args = getattr(ex, "NoArgsIsHelpError", None)
    try:
        rc = app(prog_name="ceasefire", standalone_mode=False)
    except ex.UsageError as exc:
        if no_args is not None and isinstance(exc, no_args):
            # `ceasefire` (or `ceasefire bench`) alone: Typer has printed the help already
            sys.exit(0)
        cmd = exc.ctx.command_path if exc.ctx is not None else "ceasefire"
        sys.stderr.write(f"error: {cmd}: {exc.format_message()} (see '{cmd} --help')\n")
        sys.exit(2)
    except (ex.Abort, KeyboardInterrupt):  # pragma: no cover
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    sys.exit(rc if isinstance(rc, int) else 0)
