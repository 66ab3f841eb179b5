"""Shared CLI output helpers: JSON to stdout or to a file (atomically), the progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import Progress

from ._jsonout import dumps, write_json

__all__ = ["console", "dumps", "err_console", "progress_bar", "write_json"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int], None] | None]:
    """A transient progress bar for the engine's ``progress(step, total)`` callback.

    Yields None when ``enabled`` is false (the engine then reports nothing).
    """
    if not enabled:
        yield None
        return
    with Progress(transient=True) as prog:
        task: Any = None

        def step(description: str, total: int) -> None:
            nonlocal task
            if task is None:
                task = prog.add_task("simulating", total=total)
            prog.update(task, advance=1, description=description)

        yield step
