"""Actor tables for the bargaining models: a one-issue CSV or a scenario, on its own scale.

A one-issue CSV has the columns ``actor,capability,position,salience`` (headers
case-insensitive, in any order, extra columns ignored); positions may be on any
numeric scale and forecasts are reported on that scale.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from .._io import read_text

__all__ = ["ActorTable", "read_issue_csv"]

REQUIRED = ("actor", "capability", "position", "salience")


@dataclass(frozen=True)
class ActorTable:
    """Actors on one or more issues: ``positions`` and ``salience`` are (n, K)."""

    actors: list[str]
    issues: list[str]
    capability: NDArray[np.float64]
    positions: NDArray[np.float64]
    salience: NDArray[np.float64]
    lower: NDArray[np.float64]  # scale ends per issue
    upper: NDArray[np.float64]

    def unit_positions(self) -> NDArray[np.float64]:
        span = np.where(self.upper > self.lower, self.upper - self.lower, 1.0)
        return (self.positions - self.lower) / span

    def from_unit(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.lower + np.asarray(z) * (self.upper - self.lower)


#: The largest magnitude of a number in a one-issue CSV: positions may use any scale, but
#: squared distances of larger numbers overflow double precision in the models.
MAX_MAGNITUDE = 1e12


def read_issue_csv(path: str | Path) -> ActorTable:
    """Read a one-issue CSV (``actor,capability,position,salience``)."""
    file = str(path)
    text = read_text(path, what="CSV file")
    try:
        raw_rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(f"invalid CSV: {exc}", file=file) from None
    rows = [(i + 1, r) for i, r in enumerate(raw_rows) if any(c.strip() for c in r)]
    if not rows:
        raise InputError("the file is empty", file=file)
    header_line, header = rows[0]
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        found = ", ".join(h.strip() for h in header if h.strip()) or "nothing"
        raise InputError(
            f"missing column {', '.join(repr(m) for m in missing)} (found: {found})",
            file=file,
            line=header_line,
        )
    dup = sorted({n for n in names if n in REQUIRED and names.count(n) > 1})
    if dup:
        raise InputError(f"column {dup[0]!r} appears twice", file=file, line=header_line)
    col = {c: names.index(c) for c in REQUIRED}
    if len(rows) == 1:
        raise InputError("no actor rows after the header", file=file, line=header_line)
    if len(rows) == 2:
        raise InputError("a bargaining forecast needs at least two actors", file=file)
    actors: list[str] = []
    values: dict[str, list[float]] = {"capability": [], "position": [], "salience": []}
    for line, row in rows[1:]:
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        name = row[col["actor"]].strip()
        if not name:
            raise InputError("column 'actor': empty actor name", file=file, line=line)
        if name in actors:
            raise InputError(f"column 'actor': duplicate actor {name!r}", file=file, line=line)
        actors.append(name)
        for key in values:
            raw = row[col[key]].strip()
            try:
                v = float(raw)
            except ValueError:
                shown = raw if raw else "(empty)"
                raise InputError(
                    f"column {key!r}: {shown!r} is not a number", file=file, line=line
                ) from None
            if not math.isfinite(v):
                raise InputError(f"column {key!r}: {raw!r} is not finite", file=file, line=line)
            if abs(v) > MAX_MAGNITUDE:
                raise InputError(
                    f"column {key!r}: {raw!r} is outside [-{MAX_MAGNITUDE:g}, {MAX_MAGNITUDE:g}]",
                    file=file,
                    line=line,
                )
            if key != "position" and v < 0:
                raise InputError(f"column {key!r}: {v:g} is negative", file=file, line=line)
            values[key].append(v)
    cap = np.array(values["capability"])
    sal = np.array(values["salience"])
    if cap.sum() <= 0:
        raise InputError("column 'capability': all capabilities are zero", file=file)
    if (cap * sal).sum() <= 0:
        raise InputError("capability x salience is zero for every actor", file=file)
    pos = np.array(values["position"])[:, None]
    return ActorTable(
        actors=actors,
        issues=["issue"],
        capability=cap,
        positions=pos,
        salience=sal[:, None],
        lower=np.array([pos.min()]),
        upper=np.array([pos.max()]),
    )
