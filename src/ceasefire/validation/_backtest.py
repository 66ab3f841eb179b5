"""Backtests of the settlement-window engine on historical war endings.

Each case is a built-in scenario that starts some months before a war ended
(``korea-1951``, ``iran-iraq-1987``, ``bosnia-1995``) and a record of what
happened: the month the settlement came, counted from the scenario's month 0,
and the settlement's terms on every issue. :func:`backtest` runs
:func:`ceasefire.engine.analyze_window` on each scenario, with the lever paths
history supplied (they are the scenario's own baselines), and compares

- the first month the window opens (G_t > 0) with the settlement month, and
- the predicted deal, the Nash bargaining point at the first open month, with
  the actual terms, issue by issue (``deal_error = |predicted - actual|``).

If no window opens within the horizon, the deal compared is the point that
maximises min_veto (s_i,t(z) - w_i,t) at the month where G_t is largest
(``deal_kind = "best_point_at_max_G"``), and the case says so.

Look-ahead. ``analyze_window`` values month t with the whole lever path, and
the ``foresight`` parameter lets actors see part of what the path brings after
t: in a backtest they would then foresee pressure that history had not yet
applied (Operation Storm, Praying Mantis) and the window can open early for
that reason alone. Each case therefore also reports
``first_window_month_as_of`` and ``G_as_of``: G_t from a run in which the
levers follow history up to month t and are then held at their month-t values
(actors know the past, not the future). Same seed, same candidate points.

The dynamics are shared, not fitted: a case scenario may set only the
initial-state parameters :data:`INITIAL_STATE_PARAMETERS` in
``engine.parameters``; every other dynamics parameter takes the package
default of ``ceasefire/scenario/_registry.py``. :func:`backtest` refuses a case
scenario that sets any other. The front's movement rate (kappa) is one value
shared by every case.

Two reference predictors put the deal errors in context: the status quo at
month 0 (nothing changes) and the compromise model (the clout x salience
weighted mean of positions; Thomson, Stokman, Achen & König, *The European
Union Decides*, 2006). A deal error is informative only where it beats them.

References
----------
Zartman, I. W. (2000). Ripeness: the hurting stalemate and beyond. In P. C. Stern
and D. Druckman (eds.), *International Conflict Resolution after the Cold War*,
225-250. National Academy Press. doi:10.17226/9897
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._errors import InputError
from .._results import ResultMixin
from ..bargaining._spatial import compromise
from ..engine import analyze_window
from ..engine._analysis import _seed_rng
from ..engine._sim import simulate, with_levers
from ..engine._window import candidates, maxmin, value
from ..scenario._registry import LEVERS
from ..scenario._scenario import load

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CASES",
    "INITIAL_STATE_PARAMETERS",
    "BacktestCase",
    "BacktestResult",
    "backtest",
    "case_ids",
]

INITIAL_STATE_PARAMETERS = frozenset({"theta0", "buffer0"})
"""The only ``engine.parameters`` a backtest case may set: its initial state."""

MONTHS_AFTER = 12
"""The engine runs at least this many months past the settlement month."""


CASES: dict[str, dict[str, Any]] = {
    "korea-1951": {
        "scenario": "korea-1951",
        "settlement_month": 24,
        "settlement": "Armistice signed at Panmunjom, 27 July 1953 (month 24 from July 1951).",
        "actual_terms": {
            "demarcation_line": 0.5,
            "pow_repatriation": 0.2,
            "foreign_forces": 0.3,
            "supervision": 0.55,
        },
        "terms_note": {
            "demarcation_line": "source: Armistice Art. I (line of contact at signing, within a "
            "few miles of the July 1951 line; Hermes 1966)",
            "pow_repatriation": "source: Armistice Art. III and the NNRC terms of reference; "
            "judgement: voluntary repatriation won in substance, with a 90-day explanation period",
            "foreign_forces": "source: Armistice Art. IV para. 60 (withdrawal referred to a "
            "political conference); judgement: a little below the scale's middle",
            "supervision": "source: Armistice Art. II (NNSC, inspection at ports of entry, no "
            "airfield ban); judgement: a little above the middle",
        },
        "note": "Talks opened 10 July 1951 (month 0); the armistice came after the POW "
        "deadlock broke in spring 1953, after Stalin's death (March 1953, month 20).",
    },
    "iran-iraq-1987": {
        "scenario": "iran-iraq-1987",
        "settlement_month": 12,
        "settlement": "Iran accepted Resolution 598 on 18 July 1988 (month 12 from July 1987); "
        "the ceasefire took hold on 20 August 1988 (month 13).",
        "actual_terms": {
            "territory": 0.5,
            "responsibility": 0.5,
            "reparations": 0.4,
            "shatt_al_arab": 0.5,
        },
        "terms_note": {
            "territory": "source: Res. 598 para. 1 (withdrawal to the recognised boundaries)",
            "responsibility": "source: Res. 598 para. 6 (an impartial body to inquire into "
            "responsibility)",
            "reparations": "source: Res. 598 para. 7 (reconstruction with international "
            "assistance); judgement: below the scale's middle, only a recognised need",
            "shatt_al_arab": "judgement: 598 leaves the boundary to the parties; unsettled at "
            "the ceasefire",
        },
        "note": "Month 0 is Resolution 598 (20 July 1987). Iraq accepted at once; Iran accepted "
        "a year later after losing al-Faw and Majnoon and under US naval pressure.",
    },
    "bosnia-1995": {
        "scenario": "bosnia-1995",
        "settlement_month": 10,
        "settlement": "Dayton agreement initialled 21 November 1995 (month 10 from January "
        "1995); signed in Paris on 14 December 1995.",
        "actual_terms": {
            "territory": 0.49,
            "constitution": 0.5,
            "sarajevo": 0.05,
            "sanctions": 0.8,
            "implementation": 0.0,
        },
        "terms_note": {
            "territory": "source: Dayton, the 51-49 split (Holbrooke 1998)",
            "constitution": "source: Dayton Annex 4 (one state of two entities)",
            "sarajevo": "source: Holbrooke 1998 (the Serb-held suburbs to the Federation)",
            "sanctions": "source: UNSC Res. 1022 (sanctions suspended, not yet lifted); "
            "judgement: 0.8",
            "implementation": "source: Dayton Annex 1-A (a NATO-led force, IFOR)",
        },
        "note": "Month 0 is January 1995 (the Carter cessation of hostilities); Operation "
        "Storm (month 7) and Deliberate Force (months 7.9-8.7) came before a ceasefire in "
        "October (month 9) and Dayton (month 10).",
    },
}
"""The backtest cases: scenario id, settlement month, actual terms (with notes)."""


def case_ids() -> list[str]:
    """Ids of the backtest cases."""
    return list(CASES)


@dataclass(frozen=True, repr=False)
class BacktestCase(ResultMixin):
    """What the engine said about one historical case, and how it compares."""

    id: str
    title: str
    scenario: str
    settlement_month: int
    first_window_month: int | None
    deal_month: int
    deal_kind: str  # "nash_point_in_window" or "best_point_at_max_G"
    predicted_deal: dict[str, float]
    actual_terms: dict[str, float]
    deal_error: dict[str, float]
    reference_error: dict[str, dict[str, float]]
    ripeness: list[float]
    ripeness_as_of: list[float]
    seed: int
    paths: int
    horizon: int
    note: str = ""

    @property
    def window_opened(self) -> bool:
        return self.first_window_month is not None

    @property
    def months_early_or_late(self) -> int | None:
        """first window month - settlement month (negative: the window opened early)."""
        if self.first_window_month is None:
            return None
        return self.first_window_month - self.settlement_month

    @property
    def first_window_month_as_of(self) -> int | None:
        """First open month when actors know the levers only up to each month (no look-ahead)."""
        idx = np.flatnonzero(np.asarray(self.ripeness_as_of) > 0)
        return int(idx[0]) if idx.size else None

    @property
    def months_early_or_late_as_of(self) -> int | None:
        if self.first_window_month_as_of is None:
            return None
        return self.first_window_month_as_of - self.settlement_month

    @property
    def mean_deal_error(self) -> float:
        return float(np.mean(list(self.deal_error.values())))

    def to_dict(self) -> dict[str, Any]:
        """The case's timing, deal and errors as plain data (the ``backtest --json`` record)."""
        g_settle = (
            self.ripeness[self.settlement_month]
            if self.settlement_month < len(self.ripeness)
            else None
        )
        return {
            "id": self.id,
            "title": self.title,
            "scenario": self.scenario,
            "settlement_month": self.settlement_month,
            "first_window_month": self.first_window_month,
            "window_opened": self.window_opened,
            "months_early_or_late": self.months_early_or_late,
            "first_window_month_as_of": self.first_window_month_as_of,
            "months_early_or_late_as_of": self.months_early_or_late_as_of,
            "deal_month": self.deal_month,
            "deal_kind": self.deal_kind,
            "predicted_deal": self.predicted_deal,
            "actual_terms": self.actual_terms,
            "deal_error": self.deal_error,
            "mean_deal_error": self.mean_deal_error,
            "reference_error": self.reference_error,
            "mean_reference_error": {
                name: float(np.mean(list(err.values())))
                for name, err in self.reference_error.items()
            },
            "G_at_settlement": g_settle,
            "G_max_month": int(np.argmax(self.ripeness)),
            "G": self.ripeness,
            "G_as_of": self.ripeness_as_of,
            "seed": self.seed,
            "paths": self.paths,
            "horizon": self.horizon,
            "note": self.note,
        }


@dataclass(frozen=True, repr=False)
class BacktestResult(ResultMixin):
    """The backtest of every case run; ``to_dict()``, ``to_json()``, ``to_frame()``."""

    cases: list[BacktestCase] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"cases": [{"id", "settlement_month", "first_window_month", "deal_error", ...}]}``."""
        return {"cases": [c.to_dict() for c in self.cases]}

    def to_frame(self) -> pd.DataFrame:
        """One row per case and issue: predicted, actual, error, and the case's timing."""
        import pandas as pd  # lazy: pandas costs ~0.4 s of CPU to import

        rows = []
        for c in self.cases:
            for issue, actual in c.actual_terms.items():
                rows.append(
                    {
                        "case": c.id,
                        "settlement_month": c.settlement_month,
                        "first_window_month": c.first_window_month,
                        "months_early_or_late": c.months_early_or_late,
                        "first_window_month_as_of": c.first_window_month_as_of,
                        "deal_kind": c.deal_kind,
                        "issue": issue,
                        "predicted": c.predicted_deal[issue],
                        "actual": actual,
                        "deal_error": c.deal_error[issue],
                        "status_quo_error": c.reference_error["status_quo"][issue],
                        "compromise_error": c.reference_error["compromise"][issue],
                    }
                )
        return pd.DataFrame(rows)


def _check_case_scenario(case_id: str, sc: Any) -> None:
    spec = sc.engine_spec
    extra = sorted(set(spec.parameters) - INITIAL_STATE_PARAMETERS)
    if extra:
        raise InputError(
            f"backtest case {case_id!r}: scenario {sc.id!r} sets dynamics parameter(s) "
            f"{', '.join(extra)}; a case may set only {', '.join(sorted(INITIAL_STATE_PARAMETERS))}"
        )


def _ripeness_as_of(wa: Any, seed: int) -> list[float]:
    """G_t with the levers known up to month t and held after it (see the module docstring)."""
    c = wa.compiled
    veto = np.flatnonzero(wa.scenario.veto)
    cand = candidates(wa.valuation)
    out: list[float] = []
    for t in range(c.months):
        ct = with_levers(c, {name: c.levers[name][: t + 1] for name in LEVERS})
        v = value(ct, simulate(ct, _seed_rng(seed)))
        _, g = maxmin(v, veto, np.array([t]), cand)
        out.append(float(g[0]))
    return out


def _run_case(case_id: str, *, seed: int, paths: int) -> BacktestCase:
    case = CASES[case_id]
    sc = load(case["scenario"])
    _check_case_scenario(case_id, sc)
    settle = int(case["settlement_month"])
    horizon = max(sc.engine_spec.horizon_months, settle + MONTHS_AFTER)
    wa = analyze_window(sc, seed=seed, paths=paths, horizon=horizon)
    g = wa.ripeness
    first = wa.first_window_month
    if wa.predicted_deal is not None and first is not None:
        deal, month, kind = wa.predicted_deal, first, "nash_point_in_window"
    else:
        month = int(np.argmax(g))
        deal, kind = wa.best_point[month], "best_point_at_max_G"
    actual: dict[str, float] = case["actual_terms"]
    idx = {iid: k for k, iid in enumerate(sc.issue_ids)}
    predicted = {iid: float(deal[idx[iid]]) for iid in actual}
    refs = {
        "status_quo": sc.status_quo,
        "compromise": np.asarray(compromise(sc.ideal, sc.salience, sc.clout), dtype=float),
    }
    return BacktestCase(
        id=case_id,
        title=sc.title,
        scenario=sc.id,
        settlement_month=settle,
        first_window_month=first,
        deal_month=month,
        deal_kind=kind,
        predicted_deal=predicted,
        actual_terms=dict(actual),
        deal_error={iid: abs(predicted[iid] - v) for iid, v in actual.items()},
        reference_error={
            name: {iid: float(abs(z[idx[iid]] - v)) for iid, v in actual.items()}
            for name, z in refs.items()
        },
        ripeness=[float(x) for x in g],
        ripeness_as_of=_ripeness_as_of(wa, seed),
        seed=seed,
        paths=paths,
        horizon=horizon,
        note=str(case["note"]),
    )


def backtest(
    case_ids: list[str] | str | None = None, *, seed: int = 0, paths: int = 1000
) -> BacktestResult:
    """Run the engine on historical war endings and score it (see the module docstring).

    ``case_ids``: one id, a list, or None for every case in :data:`CASES`.
    ``seed`` seeds every Monte Carlo draw (the same seed gives the same result);
    ``paths`` is the number of Monte Carlo paths per case.
    """
    ids = (
        list(CASES)
        if case_ids is None
        else ([case_ids] if isinstance(case_ids, str) else list(case_ids))
    )
    unknown = [c for c in ids if c not in CASES]
    if unknown:
        raise InputError(f"unknown backtest case {unknown[0]!r} (cases: {', '.join(CASES)})")
    if paths < 1:
        raise InputError(f"paths must be >= 1, got {paths}")
    return BacktestResult(cases=[_run_case(c, seed=seed, paths=paths) for c in ids])
