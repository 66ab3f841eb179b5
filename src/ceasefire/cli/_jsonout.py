"""JSON output of the command line, without rich: to stdout or to a file, atomically."""

from __future__ import annotations

import sys
from typing import Any

from .._io import check_writable, write_text
from .._results import dumps


def write_json(data: Any, target: str) -> None:
    """Write JSON to ``target``: ``-`` is stdout, anything else a file written atomically."""
    text = dumps(data)
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text(target, text)


def check_json_target(target: str | None) -> None:
    """Refuse at once, before a command's work, a ``--json`` target it could not write."""
    if target is not None and target != "-":
        check_writable(target)
