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
import math
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import InputError
from .._io import read_text
from ._registry import LEVERS
from ._yaml import check_json_depth, load_yaml, locate

__all__ = ["DEFAULT_MAX_MONTH", "MAX_MONTH_FACTOR", "knots_to_path", "read_lever_file"]

#: The largest lever file read.
MAX_LEVER_BYTES = 1024 * 1024


#: Lever months run from 0 to this multiple of the horizon (a longer path is never read).
MAX_MONTH_FACTOR = 10
#: The cap on lever months when no horizon is known (100 years).
DEFAULT_MAX_MONTH = 1200


def _where(file: str, tree: Any, loc: list[str | int]) -> tuple[int | None, str]:
    line = locate(tree, loc)[0] if tree is not None else None
    return line, "".join(
        f"[{k}]" if isinstance(k, int) else (f".{k}" if i else k) for i, k in enumerate(loc)
    )


def _fail(msg: str, file: str, tree: Any, loc: list[str | int]) -> InputError:
    line, field = _where(file, tree, loc)
    return InputError(f"{field}: {msg}", file=file, line=line)


def _value(v: Any, file: str, tree: Any, loc: list[str | int]) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _fail(f"lever value {v!r} is not a number", file, tree, loc)
    x = float(v)
    if not (math.isfinite(x) and 0.0 <= x <= 1.0):
        raise _fail(f"lever value {v!r} must lie in [0, 1]", file, tree, loc)
    return x


def _month(m: Any, max_month: int, file: str, tree: Any, loc: list[str | int]) -> int:
    if isinstance(m, bool) or not isinstance(m, int | float):
        raise _fail(f"month {m!r} is not an integer", file, tree, loc)
    if isinstance(m, float) and not (math.isfinite(m) and m.is_integer()):
        raise _fail(f"month {m!r} is not an integer", file, tree, loc)
    if not 0 <= m <= max_month:
        raise _fail(f"month {m} must lie in [0, {max_month}]", file, tree, loc)
    return int(m)


def knots_to_path(knots: list[tuple[int, float]], *, error: Any) -> list[float]:
    """Monthly values from ``[month, value]`` knots: linear between knots, the last held.

    ``error(message)`` builds the exception for knots whose months do not increase.
    """
    months = [m for m, _ in knots]
    if any(b <= a for a, b in itertools.pairwise(months)):
        raise error("knot months must increase")
    t = np.arange(months[-1] + 1, dtype=float)
    return [float(x) for x in np.interp(t, months, [v for _, v in knots])]


def read_lever_file(path: str | Path, *, horizon: int | None = None) -> dict[str, Any]:
    """Read lever paths from a YAML, JSON or CSV file (format in the module docstring).

    Months are integers in ``[0, 10 x horizon]`` (``[0, 1200]`` without a horizon), values
    numbers in ``[0, 1]``, knots in increasing months; every error names the file, and the
    line where the format keeps one.
    """
    file = str(path)
    max_month = MAX_MONTH_FACTOR * horizon if horizon is not None else DEFAULT_MAX_MONTH
    suffix = Path(path).suffix.lower()
    if suffix not in (".yaml", ".yml", ".json", ".csv"):
        raise InputError("a lever file must end in .yaml, .yml, .json or .csv", file=file)
    text = read_text(path, limit=MAX_LEVER_BYTES, what="lever file")
    if not text.strip():
        raise InputError("the file is empty", file=file)
    if suffix == ".csv":
        return _read_csv(text, file, max_month)
    tree: Any = None
    if suffix == ".json":
        check_json_depth(text, file)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=file, line=exc.lineno) from None
        except ValueError as exc:  # e.g. an integer too long to convert
            raise InputError(f"invalid JSON: {exc}", file=file) from None
    else:
        tree = data = load_yaml(text, file=file)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of lever name to values", file=file, line=1)
    out: dict[str, Any] = {}
    for name, val in data.items():
        loc: list[str | int] = [name]
        if name not in LEVERS:
            raise _fail(f"unknown lever (levers: {', '.join(LEVERS)})", file, tree, loc)
        if isinstance(val, list):
            if not val:
                raise _fail("empty list", file, tree, loc)
            if all(isinstance(x, list) for x in val):
                knots = []
                for i, knot in enumerate(val):
                    if len(knot) != 2:
                        raise _fail("a knot is [month, value]", file, tree, [name, i])
                    m = _month(knot[0], max_month, file, tree, [name, i, 0])
                    knots.append((m, _value(knot[1], file, tree, [name, i, 1])))
                out[name] = knots_to_path(
                    knots, error=lambda msg, loc=loc: _fail(msg, file, tree, loc)
                )
            else:
                if len(val) > max_month + 1:
                    raise _fail(f"more than {max_month + 1} monthly values", file, tree, loc)
                out[name] = [_value(v, file, tree, [name, i]) for i, v in enumerate(val)]
        else:
            out[name] = _value(val, file, tree, loc)
    return out


def _read_csv(text: str, file: str, max_month: int) -> dict[str, Any]:
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=file) from None
    header = [h.strip() for h in rows[0]] if rows else []
    if "month" not in header or len(header) < 2:
        raise InputError(
            "a lever CSV needs a 'month' column and one column per lever", file=file, line=1
        )
    names = [h for h in header if h != "month"]
    for name in names:
        if name not in LEVERS:
            raise InputError(
                f"unknown lever {name!r} (levers: {', '.join(LEVERS)})", file=file, line=1
            )
    knots: dict[str, list[tuple[int, float]]] = {n: [] for n in names}
    for i, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{len(row)} fields where the header has {len(header)}", file=file, line=i
            )
        rec = dict(zip(header, row, strict=True))
        month = _number(rec["month"], "month", file, i)
        if not (math.isfinite(month) and month.is_integer() and 0 <= month <= max_month):
            raise InputError(
                f"month {rec['month']!r} must be an integer in [0, {max_month}]", file=file, line=i
            )
        for name in names:
            v = _number(rec[name], name, file, i)
            if not (math.isfinite(v) and 0.0 <= v <= 1.0):
                raise InputError(f"{name}: {rec[name]!r} must lie in [0, 1]", file=file, line=i)
            knots[name].append((int(month), v))
    if not any(knots.values()):
        raise InputError("no rows below the header", file=file, line=2)

    def error(msg: str) -> InputError:
        return InputError(msg, file=file)

    return {name: knots_to_path(k, error=error) for name, k in knots.items()}


def _number(cell: str, column: str, file: str, line: int) -> float:
    if len(cell) > 64:
        raise InputError(
            f"{column}: a field of {len(cell):,} characters is not a number", file=file, line=line
        )
    try:
        return float(cell)
    except ValueError:
        raise InputError(
            f"{column}: {cell.strip()!r} is not a number", file=file, line=line
        ) from None
