"""The data behind the report's figures: the run JSON, read from a result or from a dict.

Every figure is built from the run's JSON (the ``ceasefire run --json`` contract), so
a figure drawn from a saved JSON file and one drawn from a live result agree. A live
result adds what the JSON does not carry (each plan's margin by month), under keys
that start with ``report_``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import InputError

if TYPE_CHECKING:
    from .._analysis import AnalysisResult
    from ..scenario._scenario import Scenario

__all__ = ["MissingData", "RunData", "calendar_months", "read_explore", "run_data"]


class MissingData(LookupError):
    """A figure's data is not in this run (e.g. an engine without ``settlement``)."""


def calendar_months(as_of: str | date, n: int) -> list[str]:
    """``n`` calendar months ``YYYY-MM`` starting at the month of ``as_of`` (month 0)."""
    d = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    out = []
    for t in range(n):
        k = d.month - 1 + t
        out.append(f"{d.year + k // 12:04d}-{k % 12 + 1:02d}")
    return out


@dataclass(frozen=True)
class RunData:
    """The run JSON ``d`` with the scenario it came from (when known) and exploration results."""

    d: dict[str, Any]
    scenario: Scenario | None = None
    explore: dict[str, Any] | None = None

    @property
    def months(self) -> list[int]:
        return [int(m) for m in self.d.get("months", [])]

    @property
    def calendar(self) -> list[str]:
        settle = self.d.get("settlement") or {}
        cal = settle.get("calendar")
        n = len(self.months) or len(settle.get("p_by_month", []))
        if cal and len(cal) >= n:
            return list(cal)
        return calendar_months(self.d["as_of"], n)

    @property
    def veto_players(self) -> list[str]:
        return list(self.d.get("veto_players", []))

    def need(self, key: str, why: str) -> Any:
        value = self.d.get(key)
        if value is None:
            raise MissingData(why)
        return value

    def need_scenario(self) -> Scenario:
        if self.scenario is None:
            raise MissingData(
                f"the scenario {self.d.get('scenario')!r} is not a built-in one: "
                "pass it (scenario=...) to draw this figure"
            )
        return self.scenario


def _plain(obj: Any) -> Any:
    """A JSON-safe copy: numpy scalars become Python numbers, NaN and infinities None."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def _margins_by_month(res: AnalysisResult) -> dict[str, dict[str, list[float]]] | None:
    """Each plan's margin (value of settling on it minus value of fighting on) by month."""
    w = res.window
    try:
        vals = np.asarray(w.plan_values)  # type: ignore[union-attr]
        fight = np.asarray(w.valuation.fight)  # type: ignore[union-attr]
    except AttributeError:  # no engine, or an engine that names these differently
        return None
    if vals.ndim != 3 or fight.ndim != 2:
        return None
    margin = vals - fight[:, None, :]
    sc = res.scenario
    return {
        pid: {a: [float(x) for x in margin[:, p, i]] for i, a in enumerate(sc.actor_ids)}
        for p, pid in enumerate(sc.proposal_ids)
    }


def run_data(
    run: AnalysisResult | Mapping[str, Any] | RunData,
    scenario: Scenario | None = None,
    explore: Mapping[str, Any] | None = None,
) -> RunData:
    """Normalise a result, a run-JSON dict or a :class:`RunData` into a :class:`RunData`."""
    if isinstance(run, RunData):
        if explore is None and scenario is None:
            return run
        return RunData(run.d, scenario or run.scenario, dict(explore) if explore else run.explore)
    if isinstance(run, Mapping):
        d = _plain(run)  # a private, plain copy
        if scenario is None:
            from ..scenario._scenario import builtin_ids, load

            sid = d.get("scenario")
            if isinstance(sid, str) and sid in builtin_ids():
                scenario = load(sid)
        return RunData(d, scenario, dict(explore) if explore else None)
    d = _plain(run.to_dict())
    margins = _margins_by_month(run) if run.window is not None else None
    if margins is not None:
        d["report_margin_by_month"] = margins
    return RunData(d, scenario or run.scenario, dict(explore) if explore else None)


def read_explore(path: str | Path) -> dict[str, Any]:
    """Read ``ceasefire explore --json`` output: a JSON file, or a directory holding one.

    In a directory, ``explore.json`` is read, else its only ``*.json`` file.
    """
    p = Path(path)
    if p.is_dir():
        cand = p / "explore.json"
        if not cand.is_file():
            found = sorted(p.glob("*.json"))
            if len(found) != 1:
                raise InputError(
                    f"--explore {str(p)!r}: expected explore.json or exactly one *.json file "
                    f"(found {len(found)})"
                )
            cand = found[0]
        p = cand
    if not p.is_file():
        raise InputError(f"--explore {str(p)!r}: no such file or directory")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"--explore {str(p)!r}: not a JSON file ({exc})") from None
    if not isinstance(data, dict) or "method" not in data:
        raise InputError(f"--explore {str(p)!r}: not the output of `ceasefire explore --json`")
    return data
