"""Shared CLI output helpers: JSON to stdout or to a file (atomically), the progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import Progress

from .._results import dumps
from ._jsonout import write_json

__all__ = [
    "console",
    "dumps",
    "err_console",
    "heading",
    "print_items",
    "progress_bar",
    "titled_table",
    "write_json",
]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def titled_table(title: str, **kwargs: Any) -> Any:
    """A rich Table whose title is never squeezed into a narrow table: the table is at least
    as wide as its title (capped by the terminal, where the title wraps between words)."""
    from rich.table import Table

    kwargs.setdefault("title_justify", "left")
    kwargs.setdefault("min_width", min(len(title), console.width))
    return Table(title=title, **kwargs)


def heading(text: str, out: Console | None = None) -> None:
    """A section heading that wraps between words (a rule's title would be cut off)."""
    target = out or console
    target.print(text, soft_wrap=False)
    target.rule(style="dim")


def print_items(prefix: str, items: list[str], out: Console | None = None, indent: int = 4) -> None:
    """Print ``prefix`` and comma-separated ``items``, wrapping only between items (a label
    and its value stay on one line)."""
    target = out or console
    width = max(40, target.width)
    lines: list[str] = []
    line = prefix
    for k, item in enumerate(items):
        piece = item + ("," if k < len(items) - 1 else "")
        if len(line) + 1 + len(piece) > width and line.strip():
            lines.append(line)
            line = " " * indent + piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    for text in lines:
        target.print(text, soft_wrap=True, markup=False)


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
