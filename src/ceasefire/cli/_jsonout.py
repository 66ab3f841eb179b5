"""JSON output of the command line, without rich: to stdout or to a file, atomically."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from .._io import atomic_write_text


def _clean(obj: Any) -> Any:
    """Make a structure JSON-safe: NaN and infinities become null, numpy scalars plain."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, str | bytes):
        try:
            obj = obj.item()
        except (TypeError, ValueError):
            pass
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def dumps(data: Any) -> str:
    return json.dumps(_clean(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(data: Any, target: str) -> None:
    """Write JSON to ``target``: ``-`` is stdout, anything else a file written atomically."""
    text = dumps(data)
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_text(target, text)
