"""Reading lever paths from a file (``ceasefire run --levers FILE``).

Accepted formats:

- YAML or JSON mapping lever name to a number (held constant from month 0),
  a list of monthly values (the last one held to the end), or a list of
  ``[month, value]`` knots (linear between knots);
- CSV with a ``month`` column and one column per lever (values between the
  listed months are interpolated, the last row is held).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import InputError
from ._registry import LEVERS
from ._yaml import load_yaml

__all__ = ["read_lever_file"]


def _check_value(v: Any, file: str, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise InputError(f"{where}: {v!r} is not a number", file=file)
    if not 0.0 <= float(v) <= 1.0:
        raise InputError(f"{where}: {v!r} must lie in [0, 1]", file=file)
    return float(v)


def _knots_to_path(knots: list[tuple[float, float]], file: str, where: str) -> list[float]:
    months = [m for m, _ in knots]
    if any(b <= a for a, b in itertools.pairwise(months)) or months[0] < 0:
        raise InputError(f"{where}: months must start at >= 0 and increase", file=file)
    last = int(np.ceil(months[-1]))
    t = np.arange(last + 1, dtype=float)
    return list(np.interp(t, months, [v for _, v in knots]))


def read_lever_file(path: str | Path) -> dict[str, Any]:
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", file=file)
    text = p.read_text(encoding="utf-8")
    if not text.strip():
        raise InputError("the file is empty", file=file)
    if p.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows or "month" not in (rows[0].keys() if rows else []):
            raise InputError(
                "a lever CSV needs a 'month' column and one column per lever", file=file, line=1
            )
        out: dict[str, Any] = {}
        names = [k for k in rows[0] if k != "month"]
        for name in names:
            if name not in LEVERS:
                raise InputError(
                    f"unknown lever {name!r} (levers: {', '.join(LEVERS)})", file=file, line=1
                )
            knots = []
            for i, r in enumerate(rows, start=2):
                try:
                    m = float(r["month"])
                    v = float(r[name])
                except (TypeError, ValueError):
                    raise InputError(
                        f"column {name!r} or 'month' is not a number", file=file, line=i
                    ) from None
                _check_value(v, file, f"line {i}, {name}")
                knots.append((m, v))
            out[name] = _knots_to_path(knots, file, name)
        return out
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=file, line=exc.lineno) from None
    else:
        try:
            data = load_yaml(text, file=file)
        except Exception as exc:
            raise InputError(str(exc).split(": ", 1)[-1], file=file) from None
        data = json.loads(json.dumps(data, default=str))
    if not isinstance(data, dict):
        raise InputError("expected a mapping of lever name to values", file=file)
    out = {}
    for name, val in data.items():
        if name not in LEVERS:
            raise InputError(f"unknown lever {name!r} (levers: {', '.join(LEVERS)})", file=file)
        if isinstance(val, list):
            if not val:
                raise InputError(f"{name}: empty list", file=file)
            if all(isinstance(x, list) and len(x) == 2 for x in val):
                knots = [(float(m), _check_value(v, file, name)) for m, v in val]
                out[name] = _knots_to_path(knots, file, name)
            else:
                out[name] = [_check_value(v, file, name) for v in val]
        else:
            out[name] = _check_value(val, file, name)
    return out
