"""Levers: the one place lever names, values and knots are checked (one message set), the one
interpolation of knots into monthly paths, and lever files (``ceasefire run --levers FILE``).

Lever files:

- YAML or JSON mapping lever name to a number (held constant from month 0),
  a list of monthly values (the last one held to the end), or a list of
  ``[month, value]`` knots (linear between knots);
- CSV with a ``month`` column and one column per lever (values between the
  listed months are interpolated, the last row is held).

A value lies in [0, 1]. A knot's month is a whole number from 0 to ten times the
horizon, and the months of a path increase. (A scenario's baseline ``path`` may put
knots between months, e.g. 4.5: the built-in histories date events within a month.)
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from ._registry import LEVERS
from ._yaml import load_yaml

__all__ = [
    "MAX_MONTHS_PER_HORIZON",
    "check_levers",
    "knot_path",
    "lever_knots",
    "lever_name",
    "lever_value",
    "read_lever_file",
]

#: A knot may lie at most this many horizons ahead (a month of 1e8 would allocate 1e8 values).
MAX_MONTHS_PER_HORIZON = 10


def lever_name(name: Any) -> str:
    """``name`` if it is a lever, else InputError naming the levers."""
    if name not in LEVERS:
        raise InputError(f"unknown lever {name!r} (levers: {', '.join(LEVERS)})")
    return str(name)


def lever_value(v: Any, *, where: str) -> float:
    """A lever value: a finite number in [0, 1]."""
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        raise InputError(f"{where}: {v!r} is not a number")
    if not 0.0 <= float(v) <= 1.0:  # NaN fails too
        raise InputError(f"{where}: {v!r} must lie in [0, 1]")
    return float(v)


def lever_knots(
    knots: Sequence[Any],
    *,
    where: str,
    max_month: float | None = None,
    whole_months: bool = True,
) -> list[tuple[float, float]]:
    """Checked ``[month, value]`` knots: months >= 0 (whole numbers unless
    ``whole_months`` is False, at most ``max_month``) that increase, values in [0, 1]."""
    if not knots:
        raise InputError(f"{where}: a path needs at least one [month, value] knot")
    out: list[tuple[float, float]] = []
    for knot in knots:
        if not isinstance(knot, Sequence) or isinstance(knot, str) or len(knot) != 2:
            raise InputError(f"{where}: each knot must be [month, value], got {knot!r}")
        m, v = knot
        if isinstance(m, bool) or not isinstance(m, int | float | np.integer | np.floating):
            raise InputError(f"{where}: month {m!r} is not a number")
        m = float(m)
        if not math.isfinite(m) or m < 0 or (whole_months and m != int(m)):
            kind = "a whole number of months" if whole_months else "a month"
            raise InputError(f"{where}: month {knot[0]!r} must be {kind} >= 0")
        if max_month is not None and m > max_month:
            raise InputError(
                f"{where}: month {knot[0]!r} lies beyond month {max_month:g} "
                f"({MAX_MONTHS_PER_HORIZON} times the horizon)"
            )
        if out and m <= out[-1][0]:
            raise InputError(f"{where}: months must increase ({out[-1][0]:g}, then {m:g})")
        out.append((m, lever_value(v, where=f"{where}, month {m:g}")))
    return out


def knot_path(knots: Sequence[Sequence[float]], steps: int) -> NDArray[np.float64]:
    """The one interpolation: monthly values 0 .. steps-1, linear between knots, the first
    value before the first knot and the last one after the last."""
    k = np.asarray(knots, dtype=float)
    return np.interp(np.arange(steps, dtype=float), k[:, 0], k[:, 1])


def check_levers(levers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Lever overrides as the engine takes them (``analyze(levers=...)``), checked: lever
    names; a value in [0, 1] held from month 0, or a non-empty sequence of monthly values
    in [0, 1] (the last one held)."""
    out: dict[str, Any] = {}
    for name, val in (levers or {}).items():
        lever_name(name)
        if isinstance(val, str | bytes) or not hasattr(val, "__len__"):
            out[name] = lever_value(val, where=f"lever {name}")
            continue
        arr = np.asarray(val, dtype=object).ravel()
        if arr.size == 0:
            raise InputError(f"lever {name}: empty list of monthly values")
        out[name] = [lever_value(v, where=f"lever {name}, month {t}") for t, v in enumerate(arr)]
    return out


def _csv_levers(text: str, file: str, max_month: float | None) -> dict[str, Any]:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "month" not in rows[0]:
        raise InputError(
            "a lever CSV needs a 'month' column and one column per lever", file=file, line=1
        )
    out: dict[str, Any] = {}
    for name in (k for k in rows[0] if k != "month"):
        try:
            lever_name(name)
        except InputError as exc:
            raise InputError(exc.message, file=file, line=1) from None
        knots = []
        for i, r in enumerate(rows, start=2):
            try:
                m, v = float(r["month"]), float(r[name])
            except (TypeError, ValueError):
                raise InputError(
                    f"column {name!r} or 'month' is not a number", file=file, line=i
                ) from None
            try:
                lever_knots([[m, v]], where=name, max_month=max_month)
            except InputError as exc:
                raise InputError(exc.message, file=file, line=i) from None
            knots.append([m, v])
        try:
            checked = lever_knots(knots, where=name, max_month=max_month)
        except InputError as exc:
            raise InputError(exc.message, file=file) from None
        out[name] = list(knot_path(checked, int(checked[-1][0]) + 1))
    return out


def read_lever_file(path: str | Path, *, horizon: int | None = None) -> dict[str, Any]:
    """Read lever paths from a YAML, JSON or CSV file (see the module docstring).

    Knot months may reach ``10 * horizon`` when ``horizon`` is given. Returns lever name ->
    a value held from month 0, or a list of monthly values (the last one held).
    """
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", file=file)
    text = p.read_text(encoding="utf-8")
    if not text.strip():
        raise InputError("the file is empty", file=file)
    max_month = None if horizon is None else float(MAX_MONTHS_PER_HORIZON * horizon)
    if p.suffix.lower() == ".csv":
        return _csv_levers(text, file, max_month)
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
    out: dict[str, Any] = {}
    try:
        for name, val in data.items():
            lever_name(name)
            if not isinstance(val, list):
                out[name] = lever_value(val, where=name)
            elif not val:
                raise InputError(f"{name}: empty list")
            elif all(isinstance(x, list) for x in val):
                checked = lever_knots(val, where=name, max_month=max_month)
                out[name] = list(knot_path(checked, int(checked[-1][0]) + 1))
            else:
                out[name] = [lever_value(v, where=name) for v in val]
    except InputError as exc:
        raise InputError(exc.message, file=file) from None
    return out
