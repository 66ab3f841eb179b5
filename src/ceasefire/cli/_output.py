"""Shared CLI output helpers: JSON to stdout or to a file (atomically), the progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import Progress

from .._io import write_text
from .._results import dumps

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def write_json(data: Any, target: str) -> None:
    """Write JSON to ``target``: ``-`` is stdout, anything else a file written atomically."""
    text = dumps(data)
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text(target, text)


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
