"""Scores of probabilistic war-ending forecasts, and the duration base rate (pure functions).

Everything here is a pure function of numbers: no scenario, no engine, no files.
``docs/validation.md`` states each definition; the tests check known answers.

Timing. A forecast is ``p_by_month``: ``F[t]`` = P(a negotiated end, settlement or
ceasefire, by the end of month t after the origin), non-decreasing. Over a case's
window of W months it gives a distribution over W + 1 bins: month 0 .. W-1, and a last
bin "no negotiated end within the window" (:func:`settlement_pmf`). The log score is
the natural log of the probability of the bin that happened, floored at
:data:`LOG_FLOOR` (:func:`log_score`); the Brier score of "settled within 12 months"
is ``(F[11] - y)**2`` (:func:`brier`).

Durability. For the cases that settled, the Brier score and the AUC (Mann-Whitney) of
"the deal still held 36 months later" (:func:`auc`).

Base rate. A Weibull duration model of the time from a war's start to its negotiated
end, fitted by maximum likelihood (:func:`fit_weibull`); its forecast for a war of age
``a`` months at the origin is ``F[t] = 1 - S(a + t + 1) / S(a)``.

Intervals. Percentile bootstrap over cases, one set of resamples shared by every score
so that paired differences use the same resamples (:func:`resample`, :func:`interval`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import InputError

F = NDArray[np.float64]

__all__ = [
    "LOG_FLOOR",
    "Spell",
    "Weibull",
    "auc",
    "brier",
    "fit_weibull",
    "interval",
    "log_score",
    "resample",
    "settlement_pmf",
    "terms_mae",
]

LOG_FLOOR = 1e-4
"""Probabilities below this count as this in the log score (log(1e-4) = -9.21): one
case the model called impossible costs a bounded, stated amount, not -infinity."""

_MONOTONE_TOL = 1e-9


def settlement_pmf(p_by_month: ArrayLike, window: int) -> F:
    """P(the first negotiated end falls in month t) for t < window, then P(none in window).

    ``p_by_month[t]`` is cumulative (P by the end of month t) and must be non-decreasing
    within [0, 1]; at least ``window`` months are needed (later months are ignored).
    Returns ``window + 1`` probabilities summing to one.
    """
    if window < 1:
        raise InputError(f"window must be >= 1 month, got {window}")
    cum = np.asarray(p_by_month, dtype=float)
    if cum.ndim != 1:
        raise InputError(f"p_by_month must be one-dimensional, got shape {cum.shape}")
    if cum.size < window:
        raise InputError(f"p_by_month has {cum.size} months; the window needs {window}")
    cum = cum[:window]
    if not np.isfinite(cum).all() or cum.min() < -_MONOTONE_TOL or cum.max() > 1 + _MONOTONE_TOL:
        raise InputError("p_by_month must hold probabilities in [0, 1]")
    if (np.diff(cum) < -_MONOTONE_TOL).any():
        raise InputError("p_by_month must be non-decreasing (it is cumulative)")
    cum = np.maximum.accumulate(np.clip(cum, 0.0, 1.0))
    pmf = np.diff(np.concatenate([[0.0], cum]))
    return np.append(pmf, 1.0 - cum[-1])


def log_score(pmf: ArrayLike, outcome_bin: int, floor: float = LOG_FLOOR) -> float:
    """ln max(pmf[outcome_bin], floor): the log probability of what happened (higher is better)."""
    p = np.asarray(pmf, dtype=float)
    if not 0 <= outcome_bin < p.size:
        raise InputError(f"outcome bin {outcome_bin} is outside 0..{p.size - 1}")
    return math.log(max(float(p[outcome_bin]), floor))


def brier(p: float, happened: bool) -> float:
    """(p - y)**2 for one binary event: 0 is perfect, 0.25 is a coin flip, 1 is sure and wrong."""
    if not 0.0 <= p <= 1.0:
        raise InputError(f"a probability must lie in [0, 1], got {p}")
    return (float(p) - (1.0 if happened else 0.0)) ** 2


def auc(scores: ArrayLike, labels: ArrayLike) -> float | None:
    """Area under the ROC curve, by Mann-Whitney: P(score of a positive > score of a negative).

    Ties count one half. ``None`` when either class is empty (the AUC is undefined).
    """
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    pos, neg = s[y], s[~y]
    if pos.size == 0 or neg.size == 0:
        return None
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def terms_mae(predicted: dict[str, float], actual: dict[str, float]) -> float | None:
    """Mean |predicted - actual| over the issues of ``actual`` (None if it has none)."""
    if not actual:
        return None
    missing = [k for k in actual if k not in predicted]
    if missing:
        raise InputError(f"no predicted value for issue(s) {', '.join(missing)}")
    return float(np.mean([abs(predicted[k] - v) for k, v in actual.items()]))


# ---------------------------------------------------------------------------------------
# The Weibull duration base rate
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spell:
    """One war as the base rate sees it, in months.

    ``age``: the war's age at the forecast origin (origin - start). The war is followed
    from the origin for ``followed`` months; ``ended`` says whether a negotiated end came
    in month ``followed - 1`` of that span (then the end lies in the interval
    (age + followed - 1, age + followed]) or the war is censored at ``age + followed``.
    """

    age: float
    followed: int
    ended: bool


@dataclass(frozen=True)
class Weibull:
    """S(x) = exp(-(x / scale) ** shape), x in months since the war began."""

    shape: float
    scale: float
    n: int = 0
    events: int = 0
    loglik: float = float("nan")

    def log_survival(self, x: ArrayLike) -> F:
        xa = np.maximum(np.asarray(x, dtype=float), 0.0)
        return -((xa / self.scale) ** self.shape)

    def p_by_month(self, age: float, window: int) -> F:
        """P(negotiated end by the end of month t | the war is alive at ``age``), t < window."""
        t = np.arange(1, window + 1, dtype=float)
        return -np.expm1(self.log_survival(age + t) - self.log_survival(age))

    def to_json(self) -> dict[str, float | int]:
        return {
            "shape": self.shape,
            "scale_months": self.scale,
            "n": self.n,
            "events": self.events,
            "loglik": self.loglik,
        }


def _weibull_nll(params: F, age: F, stop: F, ended: NDArray[np.bool_]) -> float:
    k, lam = math.exp(params[0]), math.exp(params[1])
    ls_entry = -((age / lam) ** k)
    ls_stop = -((stop / lam) ** k)
    ls_before = -((np.maximum(stop - 1.0, 0.0) / lam) ** k)
    # an end in (stop - 1, stop]: log(S(stop - 1) - S(stop)); censored: log S(stop)
    with np.errstate(divide="ignore"):
        ll_event = ls_before + np.log(-np.expm1(ls_stop - ls_before))
    ll = np.where(ended, ll_event, ls_stop) - ls_entry  # left truncation at the origin
    total = float(ll.sum())
    return -total if math.isfinite(total) else 1e300


def fit_weibull(spells: Sequence[Spell]) -> Weibull:
    """Maximum-likelihood Weibull fit, left-truncated at each war's age at its origin.

    Each spell contributes [S(a+m) - S(a+m+1)] / S(a) if the negotiated end came in month
    m after the origin (interval-censored to its month), or S(a+c) / S(a) if the war was
    still without one after c months (right-censored). Needs at least one end.
    """
    if not spells:
        raise InputError("the base rate needs at least one war to fit")
    age = np.array([s.age for s in spells], dtype=float)
    stop = age + np.array([s.followed for s in spells], dtype=float)
    ended = np.array([s.ended for s in spells], dtype=bool)
    if (age < 0).any() or (stop <= age).any():
        raise InputError("each war needs age >= 0 and at least one month followed")
    if not ended.any():
        raise InputError("the base rate needs at least one war that ended by negotiation")
    from scipy.optimize import minimize

    start = np.array([0.0, math.log(max(float(np.mean(stop)), 1.0))])
    best = None
    for k0 in (-0.5, 0.0, 0.5):  # a few starts: the likelihood is smooth but can be flat
        res = minimize(
            _weibull_nll,
            start + np.array([k0, 0.0]),
            args=(age, stop, ended),
            method="Nelder-Mead",
            options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
        )
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    return Weibull(
        shape=math.exp(best.x[0]),
        scale=math.exp(best.x[1]),
        n=len(spells),
        events=int(ended.sum()),
        loglik=-float(best.fun),
    )


# ---------------------------------------------------------------------------------------
# Bootstrap over cases
# ---------------------------------------------------------------------------------------


def resample(n: int, reps: int, seed: int) -> NDArray[np.intp]:
    """(reps, n) case indices drawn with replacement; the same seed gives the same draws."""
    if reps < 1:
        raise InputError(f"bootstrap replicates must be >= 1, got {reps}")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    return rng.integers(0, n, size=(reps, n)) if n > 0 else np.zeros((reps, 0), dtype=np.intp)


def interval(
    stat: Callable[[NDArray[np.intp]], float | None],
    draws: NDArray[np.intp],
    level: float = 0.95,
) -> tuple[float, float] | None:
    """Percentile interval of ``stat(indices)`` over the bootstrap draws.

    Replicates where the statistic is undefined (None or NaN, e.g. an AUC with one
    class) are dropped; None when the statistic is undefined on every replicate.
    """
    vals = []
    for idx in draws:
        v = stat(idx)
        if v is not None and math.isfinite(v):
            vals.append(v)
    if not vals:
        return None
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(np.array(vals), [a, 1.0 - a])
    return float(lo), float(hi)
