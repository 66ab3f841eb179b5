"""Maximum-likelihood calibration of the shared dynamics on the train split (pure functions).

``benchmarks/calibrate.py`` runs the engine once per train case and hands the
numbers to these functions; nothing here runs the engine or reads a file, so the
fits have known-answer tests (``tests/test_calibration.py``).

Settlement (``settlement_rate`` lambda, ``settlement_scale`` sigma). On each path p
and month t of a case the engine records G_{p,t}, the max-min perceived gap over
the candidate deals (``Settlement.gap_rows``, utility per month); the monthly
hazard of a deal is h = lambda Phi(G / sigma) (sigma = 0: lambda 1[G > 0]), so

    P(signed by the end of month t) = 1 - mean_p prod_{s <= t} (1 - h_{p,s})

is exact in (lambda, sigma) given G. The log score of the bin that happened (the
month of the negotiated end, or the last bin "none within the window") is the
scoring module's (:func:`ceasefire.validation._scoring.settlement_pmf`,
:func:`~ceasefire.validation._scoring.log_score`, floored at 1e-4), summed over
cases: that is the log-likelihood maximised on a grid (:func:`settlement_loglik`,
:func:`fit_grid`).

Breakdown (``breakdown_base`` h0). A deal with terms z breaks down in a month with
probability h = min(0.5, h0 exp(sum_k beta_k (z_k - 1/2))) (``_value.breakdown_hazard``),
so with only "still held after 12 / 36 months" recorded a case's likelihood is
interval-censored: broke within 12: 1 - (1-h)^12; held 12, broke by 36:
(1-h)^12 - (1-h)^36; held 36: (1-h)^36 (:func:`breakdown_loglik`,
:func:`fit_breakdown`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from ..engine._hazard import acceptance
from ..engine._value import BREAKDOWN_CAP
from ._scoring import LOG_FLOOR, log_score, settlement_pmf

F = NDArray[np.float64]

__all__ = [
    "PROFILE_DROP_1",
    "PROFILE_DROP_2",
    "BreakdownFit",
    "GridFit",
    "HoldRecord",
    "breakdown_loglik",
    "fit_breakdown",
    "fit_grid",
    "p_by_month_from_gaps",
    "settlement_loglik",
]

PROFILE_DROP_1 = 1.920729410347062
"""chi2(1) 95 % quantile / 2: the drop in log-likelihood that bounds a 95 % profile interval."""
PROFILE_DROP_2 = 2.995732273553991
"""chi2(2) 95 % quantile / 2: the drop that bounds a joint 95 % region of two parameters."""


def p_by_month_from_gaps(gaps: F, lam: float, sigma: float, dur: F | None = None) -> F:
    """P(a deal signed by the end of month t) from the gap rows G (paths, months).

    ``dur`` (months,): the duration multiplier of each month (``duration_multiplier``),
    as the engine applies it; None: ones.
    """
    g = np.asarray(gaps, dtype=float)
    rate = lam if dur is None else lam * np.asarray(dur, dtype=float)[: g.shape[1]]
    step = np.minimum(rate * acceptance(g, sigma), 1.0)
    return 1.0 - np.cumprod(1.0 - step, axis=1).mean(axis=0)


def settlement_loglik(
    gaps: Sequence[F],
    bins: Sequence[int],
    windows: Sequence[int],
    lam_grid: F,
    sig_grid: F,
    floor: float = LOG_FLOOR,
    durs: Sequence[F] | None = None,
) -> F:
    """(cases, lambdas, sigmas) log score of each case's outcome bin at each grid point.

    ``durs``: per case, the duration multiplier of each month (None: ones).
    """
    if not len(gaps) == len(bins) == len(windows):
        raise InputError("gaps, bins and windows must have one entry per case")
    if durs is not None and len(durs) != len(gaps):
        raise InputError("durs must have one entry per case")
    lam = np.asarray(lam_grid, dtype=float)
    out = np.empty((len(gaps), lam.size, len(sig_grid)))
    for c, (g, k, w) in enumerate(zip(gaps, bins, windows, strict=True)):
        g = np.asarray(g, dtype=float)[:, :w]
        rate = lam[:, None, None]
        if durs is not None:
            rate = rate * np.asarray(durs[c], dtype=float)[None, None, :w]
        for j, s in enumerate(sig_grid):
            a = acceptance(g, float(s))  # (R, W)
            step = np.minimum(rate * a[None], 1.0)
            surv = np.cumprod(1.0 - step, axis=2).mean(axis=1)  # (L, W)
            for i in range(lam.size):
                pmf = settlement_pmf(np.clip(1.0 - surv[i], 0.0, 1.0), w)
                out[c, i, j] = log_score(pmf, k, floor)
    return out


@dataclass(frozen=True)
class GridFit:
    """The maximum of a summed (cases, lambdas, sigmas) log-likelihood and its uncertainty."""

    lam: float
    sigma: float
    loglik: float
    lam_profile: tuple[float, float]  # 95 % profile-likelihood interval (drop 1.92)
    sigma_profile: tuple[float, float]
    region: tuple[tuple[float, float], tuple[float, float]]  # joint 95 % region's extent (2.996)
    lam_boot: tuple[float, float] | None  # 2.5-97.5 % of the bootstrap refits
    sigma_boot: tuple[float, float] | None
    boot: F  # (B, 2) the bootstrap refits (lambda, sigma)
    profile_lam: F  # (L,) max over sigma of the summed log-likelihood
    profile_sigma: F  # (S,) max over lambda

    def to_dict(self) -> dict[str, object]:
        return {
            "settlement_rate": self.lam,
            "settlement_scale": self.sigma,
            "loglik": self.loglik,
            "settlement_rate_profile_95": list(self.lam_profile),
            "settlement_scale_profile_95": list(self.sigma_profile),
            "joint_region_95": {
                "settlement_rate": list(self.region[0]),
                "settlement_scale": list(self.region[1]),
            },
            "settlement_rate_bootstrap_95": None if self.lam_boot is None else list(self.lam_boot),
            "settlement_scale_bootstrap_95": (
                None if self.sigma_boot is None else list(self.sigma_boot)
            ),
        }


def _span(grid: F, keep: NDArray[np.bool_]) -> tuple[float, float]:
    vals = grid[keep]
    return float(vals.min()), float(vals.max())


def fit_grid(ll: F, lam_grid: F, sig_grid: F, draws: NDArray[np.intp] | None = None) -> GridFit:
    """Maximise the case-summed log-likelihood ``ll`` (C, L, S) on the grid.

    Intervals: each parameter's 95 % profile interval (grid points whose profile is
    within 1.92 of the maximum), the extent of the joint 95 % region (within 3.00),
    and, with ``draws`` (bootstrap case indices, (B, C)), the 2.5-97.5 % range of the
    refits on the resampled cases. Interval ends at a grid edge mean "at least / at
    most this": widen the grid if a report shows one.
    """
    lam_grid = np.asarray(lam_grid, dtype=float)
    sig_grid = np.asarray(sig_grid, dtype=float)
    if ll.ndim != 3 or ll.shape[1:] != (lam_grid.size, sig_grid.size):
        raise InputError(f"log-likelihood shape {ll.shape} does not match the grid")
    tot = ll.sum(axis=0)
    i, j = np.unravel_index(int(np.argmax(tot)), tot.shape)
    best = float(tot[i, j])
    prof_l = tot.max(axis=1)
    prof_s = tot.max(axis=0)
    joint = tot >= best - PROFILE_DROP_2
    boot = np.zeros((0, 2))
    lam_b = sig_b = None
    if draws is not None and draws.size:
        reps = []
        for idx in draws:
            t = ll[idx].sum(axis=0)
            bi, bj = np.unravel_index(int(np.argmax(t)), t.shape)
            reps.append((lam_grid[bi], sig_grid[bj]))
        boot = np.array(reps)
        lo, hi = np.quantile(boot, [0.025, 0.975], axis=0)
        lam_b, sig_b = (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))
    return GridFit(
        lam=float(lam_grid[i]),
        sigma=float(sig_grid[j]),
        loglik=best,
        lam_profile=_span(lam_grid, prof_l >= best - PROFILE_DROP_1),
        sigma_profile=_span(sig_grid, prof_s >= best - PROFILE_DROP_1),
        region=(_span(lam_grid, joint.any(axis=1)), _span(sig_grid, joint.any(axis=0))),
        lam_boot=lam_b,
        sigma_boot=sig_b,
        boot=boot,
        profile_lam=prof_l,
        profile_sigma=prof_s,
    )


# ---------------------------------------------------------------------------------------
# Breakdown of signed deals
# ---------------------------------------------------------------------------------------

H_MAX = BREAKDOWN_CAP  # the engine caps the monthly breakdown hazard here


@dataclass(frozen=True)
class HoldRecord:
    """One signed deal: did it still hold after 12 / 36 months (None: not recorded)?

    ``mult`` is exp(sum_k beta_k (z_k - 1/2)) at the deal's actual terms: its hazard is
    min(0.5, h0 * mult).
    """

    held12: bool | None
    held36: bool | None
    mult: float = 1.0


def _log_diff(a: float, b: float) -> float:
    return math.log(a - b) if a > b else -math.inf


def breakdown_loglik(h0: float, records: Sequence[HoldRecord]) -> float:
    """Interval-censored log-likelihood of the hold records at reference hazard ``h0``."""
    total = 0.0
    for r in records:
        h = min(H_MAX, h0 * r.mult)
        s12, s36 = (1.0 - h) ** 12, (1.0 - h) ** 36
        if r.held12 is False:
            total += _log_diff(1.0, s12)
        elif r.held12 is True and r.held36 is False:
            total += _log_diff(s12, s36)
        elif r.held12 is True and r.held36 is True:
            total += math.log(s36)
        elif r.held12 is True:  # 36 not recorded
            total += math.log(s12)
        elif r.held36 is True:  # 12 not recorded but held 36: it held 12 too
            total += math.log(s36)
        elif r.held36 is False:  # 12 not recorded: broke within 36
            total += _log_diff(1.0, s36)
    return total


@dataclass(frozen=True)
class BreakdownFit:
    h0: float
    loglik: float
    profile: tuple[float, float]  # 95 % profile-likelihood interval
    n: int  # deals with a record
    broke12: int
    broke36: int

    def to_dict(self) -> dict[str, object]:
        return {
            "breakdown_base": self.h0,
            "loglik": self.loglik,
            "profile_95": list(self.profile),
            "deals": self.n,
            "broke_within_12": self.broke12,
            "broke_within_36": self.broke36,
        }


def fit_breakdown(
    records: Sequence[HoldRecord], lo: float = 1e-6, hi: float = H_MAX
) -> BreakdownFit:
    """MLE of the reference breakdown hazard h0 in [lo, hi] and its 95 % profile interval.

    The log-likelihood is unimodal in h0 here (each term is); the maximum is found on a
    log grid and polished by bounded scalar minimisation, the interval's ends by root
    finding on the profile (an end at ``lo`` / ``hi``: the data do not bound it there).
    """
    recs = [r for r in records if r.held12 is not None or r.held36 is not None]
    if not recs:
        raise InputError("the breakdown fit needs at least one deal with a hold record")
    from scipy.optimize import brentq, minimize_scalar  # lazy: scipy.optimize is slow to import

    def nll(x: float) -> float:
        v = breakdown_loglik(math.exp(x), recs)
        return -v if math.isfinite(v) else 1e300

    xs = np.linspace(math.log(lo), math.log(hi), 400)
    vals = np.array([nll(float(x)) for x in xs])
    k = int(np.argmin(vals))
    a, b = xs[max(k - 1, 0)], xs[min(k + 1, xs.size - 1)]
    res = minimize_scalar(nll, bounds=(a, b), method="bounded", options={"xatol": 1e-10})
    x_best = float(res.x) if res.fun <= vals[k] else float(xs[k])
    best = -nll(x_best)

    def drop(x: float) -> float:
        return -nll(x) - (best - PROFILE_DROP_1)

    left = math.log(lo) if drop(math.log(lo)) >= 0 else brentq(drop, math.log(lo), x_best)
    right = math.log(hi) if drop(math.log(hi)) >= 0 else brentq(drop, x_best, math.log(hi))
    return BreakdownFit(
        h0=math.exp(x_best),
        loglik=best,
        profile=(math.exp(left), math.exp(right)),
        n=len(recs),
        broke12=sum(r.held12 is False for r in recs),
        broke36=sum(r.held12 is False or r.held36 is False for r in recs),
    )
