"""``ceasefire bench wars``: the engine against history, scored against base rates (issue 10).

For every war case of a split (:mod:`ceasefire.validation._cases`) this runs

- the engine, through ONE adapter (:func:`engine_forecast`): P(a negotiated end by the
  end of month t) for each month of the case's window, the predicted deal's terms, and
  P(the deal still holds 36 months later);
- the duration base rate: a Weibull hazard of a war's time to a negotiated end, fitted
  on the train split's wars and conditioned on the war's age at the origin
  (:func:`base_rate`);
- the bargaining baselines for the terms: the compromise model, the Nash bargaining
  solution (the ``nbs`` forecast of :mod:`ceasefire.bargaining._forecast`) and "no change" (the
  status quo),

and scores them (:mod:`ceasefire.validation._scoring`; definitions in
docs/validation.md) with percentile bootstrap intervals over cases.

No forecast sees the outcome. The harness hands every forecast the case's scenario with
its ``outcome`` block removed (:func:`blind`); the only things taken from the outcome
block are the window length (how many months to forecast, a scoring choice) and the
war's start month (known at the origin; the base rate's only input besides the window).

Victories. The event forecast is a negotiated end (``ended_by`` settlement or ceasefire).
A military victory is not one: for the timing scores it falls in the last bin ("no
negotiated end within the window"), and the base rate treats the war as censored at the
victory month (a cause-specific hazard). Terms are scored on negotiated ends only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from .._results import ResultMixin
from ..bargaining._forecast import forecast_table, static_reservation, table_from_scenario
from ..engine._analysis import analyze_window
from ..scenario._outcome import month_label
from ..scenario._registry import check_run_size, check_seed
from ._cases import WarCase, cases, load_case
from ._scoring import (
    LOG_FLOOR,
    Spell,
    Weibull,
    auc,
    brier,
    fit_weibull,
    interval,
    log_score,
    resample,
    settlement_pmf,
    terms_mae,
)

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

F = NDArray[np.float64]

__all__ = [
    "DEFAULT_PATHS",
    "DEFAULT_REPS",
    "CaseScore",
    "EngineForecast",
    "WarsResult",
    "base_rate",
    "bench_wars",
    "blind",
    "case_report",
    "engine_forecast",
    "outcome_bin",
    "terms_baselines",
]

DEFAULT_PATHS = 200
"""Monte Carlo paths per engine run in the benchmark (docs/benchmarks.md: run time)."""

DEFAULT_REPS = 2000
"""Bootstrap replicates."""

TERMS_MODELS = ("engine", "compromise", "nash", "no_change")


# ---------------------------------------------------------------------------------------
# Forecasts: the engine adapter, the base rate, the terms baselines
# ---------------------------------------------------------------------------------------


def blind(sc: Scenario) -> Scenario:
    """The scenario without its ``outcome`` block: what every forecast is given."""
    return sc.model_copy(update={"outcome": None})


@dataclass(frozen=True, repr=False)
class EngineForecast(ResultMixin):
    """What the engine says about a case: timing, terms, durability."""

    p_by_month: F  # (months,) P(a deal is signed by the end of month t), non-decreasing
    terms: dict[str, float]
    p_hold_36: float | None
    source: str  # "engine": read from the run contract (settlement.p_by_month)
    first_window_month: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "p_by_month": [float(x) for x in self.p_by_month],
            "terms": {k: float(v) for k, v in self.terms.items()},
            "p_hold_36": self.p_hold_36,
            "source": self.source,
            "first_window_month": self.first_window_month,
        }


def engine_forecast(
    sc: Scenario,
    *,
    months: int,
    levers: dict[str, Any] | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
) -> EngineForecast:
    """THE engine adapter: run the engine on a scenario as of its origin.

    Returns P(deal signed by the end of month t) for t < ``months``, the predicted deal's
    terms and P(it still holds after 36 months). ``levers`` is the realised lever history
    after the origin (the engine shows each actor only what happened up to each month).

    It reads the engine's part of the run JSON contract (issue 11, contract 3), from
    :func:`ceasefire.engine.analyze_window` (what :func:`ceasefire.analyze` runs for the
    engine, with the same arguments and numbers, without the bargaining models' forecasts):
    ``settlement.p_by_month`` (the engine's settlement hazard, cumulated), and the
    ``predicted_deal``'s terms (the mean terms of the deals signed on the paths) and
    ``p_hold_36``. When no path signs a deal the terms are the status quo ("nothing
    changes") and ``p_hold_36`` is None.
    """
    if sc.outcome is not None:
        raise InputError("engine_forecast takes a blinded scenario (see blind())")
    horizon = max(sc.engine_spec.horizon_months, months)
    res: Any = analyze_window(sc, seed=seed, paths=paths, horizon=horizon, levers=levers)
    out = res.to_dict()  # the engine's part of the run JSON contract
    p = np.asarray(out["settlement"]["p_by_month"], dtype=float)[:months]
    deal = out.get("predicted_deal") or {}
    terms = deal.get("terms") or {}
    hold = deal.get("p_hold_36")
    if not terms:  # the engine predicts no deal: nothing changes, the status quo stands
        terms = {iid: float(x) for iid, x in zip(sc.issue_ids, sc.status_quo, strict=True)}
    return EngineForecast(
        p_by_month=p,
        terms={k: float(v) for k, v in terms.items()},
        p_hold_36=None if hold is None else float(hold),
        source="engine",
        first_window_month=out.get("first_window_month"),
    )


def terms_baselines(sc: Scenario) -> dict[str, dict[str, float]]:
    """The compromise model's, Nash's and "no change" (status quo) terms per issue."""
    table = table_from_scenario(sc)
    comp, _ = forecast_table(table, "compromise")
    nash, _ = forecast_table(table, "nbs", disagreement=static_reservation(sc))
    ids = sc.issue_ids
    return {
        "compromise": {k: float(v) for k, v in zip(ids, comp, strict=True)},
        "nash": {k: float(v) for k, v in zip(ids, nash, strict=True)},
        "no_change": {k: float(v) for k, v in zip(ids, sc.status_quo, strict=True)},
    }


def _spell(case: WarCase) -> Spell | None:
    o = case.outcome
    age = float(o.war_age_months)
    if o.negotiated:
        assert o.actual_month is not None
        return Spell(age, o.actual_month + 1, True)
    if o.ended_by == "victory":
        assert o.actual_month is not None
        # no negotiated end before the victory month; then the war is over (censored)
        return Spell(age, o.actual_month, False) if o.actual_month > 0 else None
    return Spell(age, o.window_months, False)


def outcome_bin(case: WarCase) -> int:
    """The bin that happened: the month of a negotiated end, else the window (none within it).

    A military victory counts as "no negotiated end within the window" (module docstring).
    """
    o = case.outcome
    if o.negotiated and o.actual_month is not None:
        return int(o.actual_month)
    return int(o.window_months)


def base_rate(train: list[WarCase]) -> Weibull:
    """The Weibull duration base rate fitted on these (train) cases (module docstring)."""
    spells = [s for s in (_spell(c) for c in train) if s is not None]
    return fit_weibull(spells)


def _hold_rate(train: list[WarCase]) -> float | None:
    """The share of the train split's deals that still held 36 months later."""
    held = [
        c.outcome.held.m36
        for c in train
        if c.outcome.negotiated and c.outcome.held is not None and c.outcome.held.m36 is not None
    ]
    return float(np.mean(held)) if held else None


# ---------------------------------------------------------------------------------------
# Scoring one case
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class CaseScore(ResultMixin):
    """One case: what happened, the forecasts, their scores."""

    id: str
    split: str
    title: str
    origin: str
    window: int
    actual_month: int | None
    ended_by: str
    engine: EngineForecast
    base_rate_p_by_month: F
    log_score: float
    brier_12: float
    base_rate_log_score: float
    base_rate_brier_12: float
    held_36: bool | None  # None: no negotiated deal, or not recorded
    actual_terms: dict[str, float]
    terms: dict[str, dict[str, float]]  # model -> issue -> value
    terms_mae: dict[str, float | None]  # model -> MAE over the case's issues

    @property
    def negotiated(self) -> bool:
        return self.ended_by in ("settlement", "ceasefire")

    @property
    def outcome_bin(self) -> int:
        return (
            self.actual_month if self.negotiated and self.actual_month is not None else self.window
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "split": self.split,
            "title": self.title,
            "origin": self.origin,
            "window_months": self.window,
            "actual_month": self.actual_month,
            "ended_by": self.ended_by,
            "outcome_bin": self.outcome_bin,
            "calendar": [month_label(self.origin, t) for t in range(self.window)],
            "p_by_month": [float(x) for x in self.engine.p_by_month],
            "log_score": self.log_score,
            "brier_12": self.brier_12,
            "base_rate_p_by_month": [float(x) for x in self.base_rate_p_by_month],
            "base_rate_log_score": self.base_rate_log_score,
            "base_rate_brier_12": self.base_rate_brier_12,
            "engine_source": self.engine.source,
            "first_window_month": self.engine.first_window_month,
            "p_hold_36": self.engine.p_hold_36,
            "held_36": self.held_36,
            "actual_terms": self.actual_terms,
            "terms": self.terms,
            "terms_mae": self.terms_mae,
        }


def score_case(case: WarCase, weibull: Weibull, *, paths: int, seed: int) -> CaseScore:
    """Run every forecast on one case (blinded) and score it against its outcome."""
    o = case.outcome
    sc = blind(case.scenario)
    w = o.window_months
    eng = engine_forecast(sc, months=w, levers=case.levers, paths=paths, seed=seed)
    base = weibull.p_by_month(float(o.war_age_months), w)
    negotiated = o.negotiated
    k = outcome_bin(case)
    within_12 = negotiated and o.actual_month is not None and o.actual_month < 12
    models = {"engine": eng.terms, **terms_baselines(sc)}
    actual = dict(o.terms) if negotiated else {}
    held = o.held.m36 if negotiated and o.held is not None else None
    return CaseScore(
        id=case.id,
        split=case.split,
        title=case.scenario.title,
        origin=o.origin,
        window=w,
        actual_month=o.actual_month,
        ended_by=o.ended_by,
        engine=eng,
        base_rate_p_by_month=base,
        log_score=log_score(settlement_pmf(eng.p_by_month, w), k),
        brier_12=brier(float(eng.p_by_month[11]), within_12),
        base_rate_log_score=log_score(settlement_pmf(base, w), k),
        base_rate_brier_12=brier(float(base[11]), within_12),
        held_36=held,
        actual_terms=actual,
        terms=models,
        terms_mae={m: terms_mae(models[m], actual) for m in TERMS_MODELS},
    )


# ---------------------------------------------------------------------------------------
# The summary with bootstrap intervals
# ---------------------------------------------------------------------------------------


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _ci(ci: tuple[float, float] | None) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


def summarize(
    scores: list[CaseScore], *, hold_rate: float | None, reps: int, seed: int
) -> dict[str, Any]:
    """Mean scores over cases, percentile bootstrap intervals, paired differences."""
    n = len(scores)
    draws = resample(n, reps, seed)
    col: dict[str, F] = {
        "engine.log_score": np.array([s.log_score for s in scores]),
        "engine.brier_12": np.array([s.brier_12 for s in scores]),
        "base_rate.log_score": np.array([s.base_rate_log_score for s in scores]),
        "base_rate.brier_12": np.array([s.base_rate_brier_12 for s in scores]),
    }
    has_terms = np.array([s.terms_mae["engine"] is not None for s in scores], dtype=bool)
    for m in TERMS_MODELS:
        col[f"{m}.terms_mae"] = np.array(
            [np.nan if s.terms_mae[m] is None else s.terms_mae[m] for s in scores]
        )
    dur = np.array(
        [s.held_36 is not None and s.engine.p_hold_36 is not None for s in scores], dtype=bool
    )
    p_hold = np.array(
        [s.engine.p_hold_36 if d else np.nan for s, d in zip(scores, dur, strict=True)]
    )
    y_hold = np.array([bool(s.held_36) for s in scores])
    col["engine.durability_brier_36"] = np.where(dur, (p_hold - y_hold) ** 2, np.nan)
    if hold_rate is not None:
        col["base_rate.durability_brier_36"] = np.where(dur, (hold_rate - y_hold) ** 2, np.nan)
    else:
        col["base_rate.durability_brier_36"] = np.full(n, np.nan)

    def mean_of(x: F) -> Callable[[NDArray[np.intp]], float | None]:
        def stat(idx: NDArray[np.intp]) -> float | None:
            v = x[idx]
            v = v[np.isfinite(v)]
            return float(v.mean()) if v.size else None

        return stat

    def dur_auc(idx: NDArray[np.intp]) -> float | None:
        m = dur[idx]
        return auc(p_hold[idx][m], y_hold[idx][m])

    blocks: dict[str, dict[str, Any]] = {
        "engine": {},
        "base_rate": {},
        "compromise": {},
        "nash": {},
        "no_change": {},
    }
    cis: dict[str, dict[str, list[float] | None]] = {m: {} for m in blocks}
    for key, x in col.items():
        model, name = key.split(".", 1)
        blocks[model][name] = _num(mean_of(x)(np.arange(n)))
        cis[model][name] = _ci(interval(mean_of(x), draws))
    blocks["engine"]["durability_auc_36"] = dur_auc(np.arange(n))
    cis["engine"]["durability_auc_36"] = _ci(interval(dur_auc, draws))
    blocks["base_rate"]["hold_36_rate"] = hold_rate
    for model, block in blocks.items():
        block["ci"] = cis[model]

    def diff(a: str, b: str) -> dict[str, Any]:
        d = col[a] - col[b]
        return {"mean": _num(mean_of(d)(np.arange(n))), "ci": _ci(interval(mean_of(d), draws))}

    differences = {
        "engine_minus_base_rate": {
            name: diff(f"engine.{name}", f"base_rate.{name}")
            for name in ("log_score", "brier_12", "durability_brier_36")
        },
        **{
            f"engine_minus_{m}": {"terms_mae": diff("engine.terms_mae", f"{m}.terms_mae")}
            for m in TERMS_MODELS[1:]
        },
    }
    return {
        **blocks,
        "differences": differences,
        "n": n,
        "n_negotiated": int(sum(s.negotiated for s in scores)),
        "n_terms": int(has_terms.sum()),
        "n_durability": int(dur.sum()),
        "bootstrap": {"reps": reps, "seed": seed, "level": 0.95},
    }


# ---------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class WarsResult(ResultMixin):
    """``ceasefire bench wars``: per-case scores and the summary."""

    split: str
    cases: list[CaseScore]
    summary: dict[str, Any]
    weibull: Weibull
    train_ids: list[str]
    paths: int
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``ceasefire bench wars --json`` as a dict."""
        return {
            "split": self.split,
            "cases": [c.to_dict() for c in self.cases],
            "summary": self.summary,
            "base_rate_model": {
                "kind": "weibull, left-truncated at the origin, interval-censored by month",
                **self.weibull.to_dict(),
                "fitted_on": self.train_ids,
            },
            "log_floor": LOG_FLOOR,
            "paths": self.paths,
            "seed": self.seed,
            **self.meta,
        }

    def __repr__(self) -> str:
        eng = self.summary.get("engine", {})
        return (
            f"WarsResult(split={self.split!r}, n={len(self.cases)}, "
            f"log_score={eng.get('log_score')!r}, brier_12={eng.get('brier_12')!r})"
        )


def bench_wars(
    split: str = "all",
    *,
    root: str | Path | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
    reps: int = DEFAULT_REPS,
    on_case: Callable[[str], None] | None = None,
) -> WarsResult:
    """Score every case of ``split`` ('train', 'test' or 'all'); see the module docstring.

    ``root``: a directory of cases (default: the registry that ships with ceasefire).
    ``seed`` seeds the engine's Monte Carlo and the bootstrap; ``on_case(id)`` is called
    before each case (progress).
    """
    check_seed(seed)
    check_run_size(paths, None)
    if isinstance(reps, bool) or not isinstance(reps, int) or not 1 <= reps <= 100_000:
        raise InputError(f"reps must be a whole number in [1, 100,000], not {reps!r}")
    selected = cases(split, root)
    if not selected:
        where = "the built-in registry" if root is None else str(root)
        raise InputError(f"no war cases in the {split} split of {where}")
    train = cases("train", root)
    try:
        weibull = base_rate(train)
    except InputError as exc:
        raise InputError(f"train split: {exc.message}") from None
    scores = []
    for case in selected:
        if on_case is not None:
            on_case(case.id)
        scores.append(score_case(case, weibull, paths=paths, seed=seed))
    hold = _hold_rate(train)
    summary = summarize(scores, hold_rate=hold, reps=reps, seed=seed)
    meta: dict[str, Any] = {}
    if split == "all":  # each split's own summary too: one run gives both tables
        meta["summary_by_split"] = {
            name: summarize(
                [c for c in scores if c.split == name], hold_rate=hold, reps=reps, seed=seed
            )
            for name in ("train", "test")
            if any(c.split == name for c in scores)
        }
    return WarsResult(
        split=split,
        cases=scores,
        summary=summary,
        weibull=weibull,
        meta=meta,
        train_ids=[c.id for c in train],
        paths=paths,
        seed=seed,
    )


def case_report(
    case: str | Path,
    *,
    root: str | Path | None = None,
    paths: int = DEFAULT_PATHS,
    seed: int = 0,
) -> tuple[CaseScore, Weibull, list[str]]:
    """One case in detail (``ceasefire backtest CASE``): its scores, month by month.

    ``case``: an id in ``root`` (default: the built-in registry) or a case file's path.
    The base rate is fitted on the train split of ``root``; returns the case's scores, the
    base rate and the ids it was fitted on.
    """
    check_seed(seed)
    check_run_size(paths, None)
    c = load_case(case, root)
    train = cases("train", root)
    try:
        weibull = base_rate(train)
    except InputError as exc:
        raise InputError(f"train split: {exc.message}") from None
    return score_case(c, weibull, paths=paths, seed=seed), weibull, [t.id for t in train]
