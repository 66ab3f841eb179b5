"""The Typer app and the error boundary: a CeasefireError is one line on stderr, exit 2."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from .._errors import CeasefireError
from .._version import __version__
from . import _bench, _briefing, _core, _explore, _levers, _serve, _wars


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
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="On an unexpected error, print the Python traceback (for a bug report)."
        ),
    ] = False,
) -> None:
    _state["debug"] = debug


_state: dict[str, bool] = {"debug": False}


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
        except BrokenPipeError:
            raise
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise fail(f"{where}{exc.strerror or exc}") from None
        except ModuleNotFoundError as exc:
            extra = _EXTRAS.get((exc.name or "").split(".")[0])
            if extra is None:
                raise
            raise fail(
                f"this command needs the optional package {exc.name!r}: "
                f"pip install 'ceasefire[{extra}]'"
            ) from None
        except MemoryError:
            raise fail(
                "out of memory: try fewer --paths or a shorter --horizon (docs/limits.md)"
            ) from None
        except (KeyboardInterrupt, typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if _state["debug"] or os.environ.get("CEASEFIRE_DEBUG"):
                traceback.print_exc()
            raise fail(
                f"internal error ({type(exc).__name__}: {_one_line(exc)}); this is a bug in "
                "ceasefire: please report it with the command you ran and the output of "
                "'ceasefire --debug ...' (the traceback)"
            ) from None

    return wrapper  # type: ignore[return-value]


#: Optional packages and the extra that installs each (pyproject.toml).
_EXTRAS = {
    "SALib": "explore",
    "ema_workbench": "explore",
    "pyarrow": "explore",
    "dask": "explore",
    "distributed": "explore",
    "duckdb": "explore",
    "altair": "report",
    "vl_convert": "report",
    "fastapi": "serve",
    "uvicorn": "serve",
    "numba": "fast",
}


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


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
bench_app.command("wars", cls=_Command)(guarded(_wars.wars))
app.add_typer(bench_app, name="bench")
app.command(cls=_Command)(guarded(_wars.backtest))
app.command(cls=_Command)(guarded(_briefing.report))
app.command(cls=_Command)(guarded(_serve.serve))
app.command(cls=_Command)(guarded(_explore.explore))


def _click_exceptions() -> Any:
    """Click's exception classes: vendored by recent Typer releases, a dependency of older ones."""
    import importlib

    for name in ("typer._click.exceptions", "click.exceptions"):  # vendored, then classic
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None  # pragma: no cover


class _NoAbort(Exception):
    """Stands for click's Abort where the installed click has none."""


_ABORT: type[BaseException] = _NoAbort


def main() -> None:
    """Entry point: usage errors, like input errors, are one line on stderr and exit 2.

    Never a traceback: an interrupt exits 130 with one word, a closed pipe (``ceasefire
    run | head -1``) exits quietly, an unexpected error is one line asking for a report.
    """
    try:
        _main()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        os._exit(130)
    except BrokenPipeError:
        _quiet_broken_pipe()


def _quiet_broken_pipe() -> None:
    # Python flushes stdout at exit and would complain again: point it at /dev/null.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os._exit(0)


def _main() -> None:
    ex = _click_exceptions()
    global _ABORT
    _ABORT = getattr(ex, "Abort", _NoAbort)
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
    except _ABORT as exc:  # typer's vendored click has no Abort; classic click does
        raise KeyboardInterrupt from exc
    except ex.ClickException as exc:  # e.g. a bad parameter raised outside parsing
        sys.stderr.write(f"error: {exc.format_message()}\n")
        sys.exit(2)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    sys.exit(rc if isinstance(rc, int) else 0)
