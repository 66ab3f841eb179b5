"""The ``forecast`` command's work, and a start-up path for it that loads no Typer or rich.

``ceasefire forecast FILE [--model M] [--json OUT]`` is the command people run on
many files and time against KTAB: its CPU is mostly start-up. The entry point
(:func:`ceasefire.cli.main`) hands a plain, well-formed ``forecast`` command line
to :func:`fast_forecast`, which parses it itself and runs :func:`run_forecast`,
the same function the Typer command calls; anything else (``--help``, an unknown
option, a missing value, a bad model) goes to Typer, which explains the usage.
So the command costs numpy, the model and the file, not Typer's (pydantic-based)
parameter handling and rich's console (~0.1 s of CPU together).
"""

from __future__ import annotations

import sys

from .._errors import CeasefireError, InputError
from ..bargaining._models import MODELS

__all__ = ["fast_forecast", "run_forecast"]


def run_forecast(file: str, model: str, json_out: str | None) -> None:
    """Run ``model`` on ``file``; write the JSON to ``json_out`` (``-``: stdout, then
    nothing else is printed) and print a plain table of the forecast."""
    from ..bargaining._forecast import forecast_file
    from ._jsonout import write_json

    if model not in MODELS:
        raise InputError(f"--model {model!r}: choose one of {', '.join(MODELS)}")
    result = forecast_file(file, model)
    if json_out is not None:
        write_json(result, json_out)
        if json_out == "-":
            return
    rows = [[issue, f"{value:.3f}"] for issue, value in result["forecast"].items()]
    head = ["issue", "forecast"]
    if result.get("rounds"):
        head.append("rounds")
        rows = [[*r, str(len(result["rounds"]) - 1)] for r in rows]
    width = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
    lines = [f"{model} forecast: {file}"]
    for cells in (head, *rows):
        first = cells[0].ljust(width[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], width[1:], strict=True)]
        lines.append("  ".join([first, *rest]).rstrip())
    sys.stdout.write("\n".join(lines) + "\n")


def _parse(argv: list[str]) -> tuple[str, str, str | None] | None:
    """``forecast FILE [-m|--model M] [--json OUT]`` -> (file, model, json_out), or None
    for anything else (Typer then handles it)."""
    if not argv or argv[0] != "forecast":
        return None
    file: str | None = None
    opts: dict[str, str] = {}
    i = 1
    while i < len(argv):
        a = argv[i]
        name, eq, value = a.partition("=")
        if name in ("--model", "-m", "--json") and (eq or i + 1 < len(argv)):
            key = "json" if name == "--json" else "model"
            if key in opts:
                return None
            if not eq:
                value = argv[i + 1]
                i += 1
            if value.startswith("-") and value != "-":
                return None
            opts[key] = value
        elif a.startswith("-") or file is not None:
            return None  # --help, unknown options, a second argument: Typer's
        else:
            file = a
        i += 1
    model = opts.get("model", "compromise")
    if file is None or model not in MODELS:
        return None
    return file, model, opts.get("json")


def _keep_heap() -> None:
    """Ask glibc to keep freed memory for reuse instead of handing it back to the
    system after every large temporary (heap top above 64 MiB, arrays above 32 MiB):
    the models allocate and free arrays in a loop, and re-faulting the returned pages
    cost 0.02-0.1 s of system CPU at 40-80 SMP actors (measured with
    MALLOC_TRIM_THRESHOLD_ / MALLOC_MMAP_THRESHOLD_). The process is one short
    command; elsewhere (not glibc) this does nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(-1, 64 << 20)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def fast_forecast(argv: list[str]) -> bool:
    """Run a plain ``forecast`` command line; False (nothing done) for anything else.

    Errors are handled as the Typer commands handle them: one line on stderr, exit 2.
    """
    parsed = _parse(argv)
    if parsed is None:
        return False
    _keep_heap()
    try:
        run_forecast(*parsed)
    except CeasefireError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        sys.stderr.write(f"error: {where}{exc.strerror or exc}\n")
        sys.exit(2)
    return True
