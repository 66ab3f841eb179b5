"""The ``ceasefire`` command line.

:func:`main` is the entry point. A plain ``ceasefire forecast FILE [--model M]
[--json OUT]`` runs without loading Typer or rich (``_fast``); every other command
line goes to the Typer app (``app``, loaded on first use).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: usage errors, like input errors, are one line on stderr and exit 2."""
    from ._fast import fast_forecast

    if fast_forecast(sys.argv[1:]):
        sys.exit(0)
    from ._app import main as app_main

    app_main()


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
