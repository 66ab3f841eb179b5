"""What every result has: ``to_dict()`` (plain data), ``to_json()`` (text), a short repr.

A leaf module: JSON text here is a string; writing files is the CLI's (``_io``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

__all__ = ["ResultMixin", "dumps", "short_repr", "to_plain"]


def to_plain(obj: Any) -> Any:
    """Make a structure JSON-safe: NaN and infinities become null, numpy scalars and arrays
    plain Python."""
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, str | bytes):
        return to_plain(obj.tolist())
    if hasattr(obj, "item") and not isinstance(obj, str | bytes):
        try:
            obj = obj.item()
        except (TypeError, ValueError):
            pass
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text of ``data`` (see :func:`to_plain`), ending in a newline when indented."""
    text = json.dumps(to_plain(data), indent=indent, ensure_ascii=False, allow_nan=False)
    return text + "\n" if indent is not None else text


def _summary(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, str | bytes):
        return f"<array {tuple(shape)}>"
    if isinstance(value, list | tuple):
        return f"<{len(value)} items>"
    if isinstance(value, dict):
        return f"<{len(value)} keys>"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool | int | float | None):
        return repr(value)
    ident = getattr(value, "id", None)  # a scenario
    if isinstance(ident, str):
        return f"<{type(value).__name__} {ident!r}>"
    return f"<{type(value).__name__}>"


def short_repr(obj: Any) -> str:
    """``Name(field=summary, ...)``: scalars as they are, arrays by shape, containers by
    length (a result's data can run to megabytes; its repr stays a line)."""
    names = [f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj) else []
    inner = ", ".join(f"{n}={_summary(getattr(obj, n))}" for n in names)
    return f"{type(obj).__name__}({inner})"


class ResultMixin:
    """``to_json()`` from the class's ``to_dict()``, and a short repr."""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON text (the same data as :meth:`to_dict`)."""
        return dumps(self.to_dict(), indent=indent)

    def __repr__(self) -> str:
        return short_repr(self)
