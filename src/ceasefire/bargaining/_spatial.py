"""Layer A: static bargaining models over the issues.

Every function here is vectorised over actors and issues. Shapes: ``n`` actors,
``K`` issues; positions ``x`` (n, K) on [0, 1] (the one-issue helpers accept any
scale), saliences ``s`` (n, K), clout or capability ``c`` (n,).

References
----------
- Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds.) (2006). *The
  European Union Decides*. Cambridge UP. doi:10.1017/CBO9780511492082
  (the compromise model: capability x salience weighted mean).
- Black, D. (1948). On the rationale of group decision-making. *Journal of
  Political Economy* 56(1):23-34. doi:10.1086/256633 (the median voter).
- Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2):155-162.
  doi:10.2307/1907266
- Kalai, E. (1977). Nonsymmetric Nash solutions and replications of
  2-person bargaining. *Int. J. Game Theory* 6(3):129-133. doi:10.1007/BF01774658
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._results import ResultMixin

__all__ = [
    "NashSolution",
    "compromise",
    "nash_bargaining",
    "spatial_utility",
    "weighted_median",
]

FloatArray = NDArray[np.float64]


def spatial_utility(
    z: ArrayLike,
    ideal: ArrayLike,
    salience: ArrayLike,
    *,
    risk: ArrayLike | None = None,
    red_line: ArrayLike | None = None,
    penalty: float = 1.0,
) -> FloatArray:
    """Spatial utility of outcome(s) ``z`` for every actor.

    ``u_a(z) = 1 - sum_k s_ak |z_k - x_ak|^q_a - J * #{k : z_k crosses a's red line on k}``

    Parameters
    ----------
    z : (..., K) outcomes; any leading shape.
    ideal, salience : (n, K); saliences should sum to one per actor.
    risk : (n,) risk exponents q_a (default 1: linear loss).
    red_line : (n, K) with NaN where the actor states none. An outcome crosses
        the red line when it lies beyond it, seen from the actor's ideal.
    penalty : J, utility lost per red line crossed.

    Returns
    -------
    (..., n) utilities.
    """
    zz = np.asarray(z, dtype=float)[..., None, :]  # (..., 1, K)
    x = np.asarray(ideal, dtype=float)
    s = np.asarray(salience, dtype=float)
    dist = np.abs(zz - x)
    if risk is not None:
        q = np.asarray(risk, dtype=float)
        if np.any(q != 1.0):
            dist = dist ** q[:, None]
    u = 1.0 - np.einsum("...nk,nk->...n", dist, s)
    if red_line is not None and penalty:
        r = np.asarray(red_line, dtype=float)
        actors, issues = np.nonzero(~np.isnan(r))
        if actors.size:
            # only the (actor, issue) pairs that state a red line are checked
            rr = r[actors, issues]
            up = x[actors, issues] <= rr  # crossing means going above the line
            zk = np.asarray(z, dtype=float)[..., issues]
            crossed = np.where(up, zk > rr + 1e-12, zk < rr - 1e-12)  # (..., lines)
            u = u.copy()
            for j, a in enumerate(actors):  # a handful of stated red lines, not a hot loop
                u[..., a] -= penalty * crossed[..., j]
    return u


def _weights(salience: ArrayLike, capability: ArrayLike | None) -> FloatArray:
    s = np.asarray(salience, dtype=float)
    if capability is None:
        return s
    c = np.asarray(capability, dtype=float)
    return s * (c[:, None] if s.ndim == 2 else c)


def compromise(
    positions: ArrayLike, salience: ArrayLike, capability: ArrayLike | None = None
) -> FloatArray | float:
    """The compromise model: the capability x salience weighted mean of positions.

    Works per issue: ``positions`` and ``salience`` of shape (n,) or (n, K).
    Returns a float for (n,) input, else (K,). Actors with zero weight on an
    issue do not count on it; an issue where every weight is zero gets the
    plain mean.
    """
    x = np.asarray(positions, dtype=float)
    w = _weights(salience, capability)
    tot = w.sum(axis=0)
    safe = np.where(tot > 0, tot, 1.0)
    out = np.where(tot > 0, (w * x).sum(axis=0) / safe, x.mean(axis=0))
    return float(out) if x.ndim == 1 else out


def weighted_median(
    positions: ArrayLike, salience: ArrayLike, capability: ArrayLike | None = None
) -> FloatArray | float:
    """The weighted median: the position where cumulative capability x salience passes one half.

    Positions are sorted on each issue and weights cumulated; the forecast is
    the first position whose cumulative weight reaches half of the total. When
    the cumulative weight equals one half exactly (an even split, to 1e-12 of
    the total), the forecast is the midpoint between that position and the
    next one held by an actor with positive weight (the middle of the interval
    of weighted medians), so the result depends neither on the order of the
    actors nor on actors without weight. With no weight at all, the plain
    median of the positions. This is the one weighted median of ceasefire:
    the "median" model, BDM's per-round forecast and the DEU benchmark use it.
    """
    x = np.asarray(positions, dtype=float)
    one = x.ndim == 1
    w = _weights(salience, capability)
    if one:
        x, w = x[:, None], w[:, None]
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    ws = np.take_along_axis(w, order, axis=0)
    cum = np.cumsum(ws, axis=0)
    half = cum[-1] / 2.0
    tol = 1e-12 * np.maximum(cum[-1], 1.0)
    idx = np.argmax(cum >= half - tol, axis=0)  # first index reaching half
    cols = np.arange(x.shape[1])
    med = xs[idx, cols]
    exact = np.abs(cum[idx, cols] - half) <= tol
    # at an exact split, average with the next position that carries weight: an actor
    # with zero weight does not count, wherever it stands
    after = (np.arange(x.shape[0])[:, None] > idx) & (ws > 0)
    nxt = np.argmax(after, axis=0)
    med = np.where(exact & after.any(axis=0), (med + xs[nxt, cols]) / 2.0, med)
    zero = cum[-1] <= 0
    med = np.where(zero, np.median(x, axis=0), med)
    return float(med[0]) if one else med


@dataclass(frozen=True, repr=False)
class NashSolution(ResultMixin):
    """The asymmetric Nash bargaining point.

    ``point``: the outcome (K,); ``gains``: u_a(point) - d_a per actor;
    ``feasible``: whether some outcome gives every actor at least its
    disagreement utility. When none does, ``point`` is the outcome that
    maximises the smallest weighted shortfall (the least-bad compromise) and
    ``feasible`` is False.
    """

    point: FloatArray
    gains: FloatArray
    feasible: bool

    def to_dict(self) -> dict[str, Any]:
        """``{"point": [...], "gains": [...], "feasible": bool}``."""
        return {
            "point": [float(v) for v in self.point],
            "gains": [float(v) for v in self.gains],
            "feasible": bool(self.feasible),
        }


def nash_bargaining(
    ideal: ArrayLike,
    salience: ArrayLike,
    weights: ArrayLike,
    disagreement: ArrayLike,
    *,
    risk: ArrayLike | None = None,
    red_line: ArrayLike | None = None,
    penalty: float = 1.0,
    lower: ArrayLike | None = None,
    upper: ArrayLike | None = None,
    candidates: ArrayLike | None = None,
    n_starts: int = 8,
    seed: int = 0,
) -> NashSolution:
    """The asymmetric Nash bargaining solution over the multi-issue box.

    Maximises ``sum_a w_a log(u_a(z) - d_a)`` over ``z`` in the box
    ``[lower, upper]`` (default the unit box) subject to ``u_a(z) >= d_a``.

    Solved globally in two steps: a scrambled Sobol sample of the box (plus any
    ``candidates``, the actors' ideal points and the weighted compromise) is
    scored in one array expression, then the best ``n_starts`` feasible points
    are refined with L-BFGS-B. Deterministic for a given ``seed``.

    With one actor at 0 and one at 1 on a single issue, linear utilities and
    ``d = 0``, the solution is ``z = w_2 / (w_1 + w_2)`` (tested).
    """
    x = np.asarray(ideal, dtype=float)
    s = np.asarray(salience, dtype=float)
    w = np.asarray(weights, dtype=float)
    d = np.asarray(disagreement, dtype=float)
    _, k = x.shape
    lo = np.zeros(k) if lower is None else np.asarray(lower, dtype=float)
    hi = np.ones(k) if upper is None else np.asarray(upper, dtype=float)
    w = w / w.sum()

    def util(z: FloatArray) -> FloatArray:
        return spatial_utility(z, x, s, risk=risk, red_line=red_line, penalty=penalty)

    # lazy: scipy.optimize and scipy.stats cost ~1 s CPU to import (CLI start-up)
    from scipy.optimize import minimize
    from scipy.stats import qmc

    m = max(256, min(8192, 2 ** int(np.ceil(np.log2(64 * k + 1)))))
    sob = qmc.Sobol(d=k, scramble=True, seed=seed).random(m)
    extra = [x, np.atleast_2d(compromise(x, s, w))]
    if candidates is not None:
        extra.append(np.atleast_2d(np.asarray(candidates, dtype=float)))
    pts = np.vstack([lo + sob * (hi - lo), *extra])
    pts = np.clip(pts, lo, hi)
    gains = util(pts) - d  # (m, n)
    worst = gains.min(axis=1)
    feasible = worst > 0

    if not feasible.any():
        # No point strictly better than disagreement for all: the status-quo-like
        # boundary case (some point with all gains == 0) or infeasibility.
        best = int(np.argmax(worst))

        def neg_min(z: FloatArray) -> float:
            return -float(np.min(util(z) - d))

        res = minimize(
            neg_min,
            pts[best],
            method="Nelder-Mead",
            options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000},
        )
        z = np.clip(res.x, lo, hi)
        if -neg_min(z) < worst[best]:
            z = pts[best]
        g = util(z) - d
        return NashSolution(point=z, gains=g, feasible=bool(g.min() >= -1e-9))

    score = np.where(feasible, (w * np.log(np.where(gains > 0, gains, 1.0))).sum(axis=1), -np.inf)
    starts = pts[np.argsort(-score)[:n_starts]]

    def neg_obj(z: FloatArray) -> float:
        g = util(z) - d
        if np.any(g <= 0):
            return 1e6 - float(np.sum(np.minimum(g, 0.0)))
        return -float(np.sum(w * np.log(g)))

    best_z, best_val = starts[0], neg_obj(starts[0])
    for z0 in starts:
        res = minimize(neg_obj, z0, method="L-BFGS-B", bounds=list(zip(lo, hi, strict=True)))
        res2 = minimize(
            neg_obj,
            res.x,
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 2000},
        )
        for cand in (res.x, np.clip(res2.x, lo, hi)):
            val = neg_obj(cand)
            if val < best_val:
                best_z, best_val = cand, val
    best_z = np.clip(best_z, lo, hi)
    return NashSolution(point=best_z, gains=util(best_z) - d, feasible=True)
