"""Bueno de Mesquita's expected-utility challenge model (one issue at a time).

This is an independent, vectorised implementation of the model as Scholz,
Calbert & Smith (2011, *Journal of Theoretical Politics* 23(4):510–531,
doi:10.1177/0951629811418142; ICAART 2011) reconstructed it from Bueno de
Mesquita (1994, "Political forecasting: an expected utility method", in
*European Community Decision Making*, Yale UP).  Every pairwise quantity is an
``(n, n)`` array (row ``i`` = challenger, column ``j`` = target); the vote
tensor is ``(n, n, n)``.  There is no Python loop over actor pairs.

Model (positions ``x`` rescaled to ``[0, 1]``; ``w_k = c_k s_k``)
------------------------------------------------------------------
* Votes of actor ``k`` in a contest of ``i`` against ``j``:
  ``v_k(i, j) = w_k (|x_k - x_j| - |x_k - x_i|)``.
* Probability that ``i`` beats ``j`` (``prob``):
  ``"net"`` (default) ``P_ij = max(Σ_k v_k(i, j), 0) / Σ_k |v_k(i, j)|``;
  ``"share"`` ``P_ij = Σ_k max(v_k(i, j), 0) / Σ_k |v_k(i, j)|`` (so
  ``P_ij + P_ji = 1``).  ``P_ij = 1/2`` when ``x_i = x_j`` (no contest).
* Utilities of ``i`` (risk exponent ``r_i``, distance ``d_ij = |x_i - x_j|``,
  ``μ`` the weighted median)::

      U^s = 2 - 4 (1/2 - d_ij/2)^r_i           success
      U^f = 2 - 4 (1/2 + d_ij/2)^r_i           failure
      U^b = 2 - 4 (1/2 - (|x_i-μ| + d_ij)/4)^r_i   status quo improves
      U^w = 2 - 4 (1/2 + (|x_i-μ| + d_ij)/4)^r_i   status quo worsens
      U^sq = 2 - 4 (1/2)^r_i                    status quo

* Expected utility of ``i`` challenging ``j``::

      EU_ij = s_j (P_ij U^s + (1-P_ij) U^f) + (1-s_j) U^s
              - Q U^sq - (1-Q) (T U^b + (1-T) U^w)

  ``s_j`` (salience rescaled to ``[0, 1]``) is the chance that ``j`` resists.
* Risk: ``EU`` is first computed with every ``r_i = 1``.  Actor ``i``'s
  *security sum* is ``S_i = Σ_{j≠i} EU_ji`` (what the others expect from
  challenging ``i``), ``R_i = (2 S_i - max S - min S) / (max S - min S)`` and
  ``r_i = (1 - R_i/3) / (1 + R_i/3)``, so ``R_i ∈ [-1, 1]`` and
  ``r_i ∈ [1/2, 2]``.  ``EU`` is then recomputed with these ``r_i``.
* Offers: ``i`` challenges ``j`` when ``EU_ij > 0`` and ``x_i ≠ x_j``.  Seen
  from the target ``j`` (``E_i = EU_ij > 0``, ``E_j = EU_ji``):

  - ``E_j > 0`` (*conflict*): if ``E_i > E_j`` the challenger wins and ``j``
    moves to ``x_i``; otherwise the offer is void for ``j`` (the mirror offer
    from ``j`` to ``i`` is resolved at ``i``).
  - ``E_j ≤ 0`` and ``|E_j| ≥ E_i`` (*capitulation*): ``j`` moves to ``x_i``.
  - ``E_j ≤ 0`` and ``|E_j| < E_i`` (*compromise*): ``j`` moves the fraction
    ``|E_j / E_i|`` of the way toward ``x_i``.

  Each actor takes at most one offer per round (see below) and all actors
  move simultaneously.  The weighted median and mean are read after each
  round.

Choices the paper leaves open
-----------------------------
Each row: what we do, the alternative, why.

1. **Whose expected utility enters the security sum.**  ``S_i = Σ_j EU_ji``,
   the others' expected utility of challenging ``i`` (i's exposure), as
   Scholz et al. read BDM.  Alternative: ``Σ_j EU_ij``, i's own expected
   utility of challenging others.  We follow the reconstruction because the
   risk exponent is meant to reveal how much an actor left itself open to
   attack by the position it chose.
2. **Risk exponent bound.**  ``R_i`` lies in ``[-1, 1]`` by construction
   (min–max scaling), so ``r_i ∈ [1/2, 2]`` needs no clipping; when all
   ``S_i`` are equal (e.g. two actors, symmetric data) ``R_i = 0``, ``r_i = 1``.
   We still clip ``R`` to ``[-1, 1]`` against rounding.  Alternative: an
   unbounded ``r_i = exp(R_i)``; rejected, it is not in the sources.
3. **Which offer an actor accepts when it gets several** (``accept``).
   ``"strongest"`` (default): the offer whose sender has the highest ``EU``
   (the most pressing threat), then the one that moves it least.
   ``"nearest"``: the offer that moves it least (an actor's utility falls
   with distance, so it prefers the smallest concession), then the highest
   ``EU``.  Remaining ties: the mean of the tied new positions (order-free
   and symmetric under reflection of the scale).  The default is the reading
   of a public reimplementation of Scholz et al. and, with ``prob="net"``,
   tracks their Table 2 mean most closely (largest gap 0.24 over rounds 1–8,
   against 0.35 for net/nearest, 0.49 for share/nearest, 2.7 for
   share/strongest); see ``docs/bdm.md``.
4. **How conflicts are resolved.**  Winner-takes-all: the side with the
   larger expected utility wins and the loser adopts the winner's position.
   Alternative: the loser moves by the probability of losing (an expected
   outcome).  Winner-takes-all is Scholz et al.'s reading of the octant chart.
5. **Simultaneous moves.**  All offers in a round are computed from the same
   positions and applied at once, so the result does not depend on actor
   order.  Alternative: sequential (Gauss–Seidel) updating, which does.
6. **Which μ enters U^b, U^w.**  The weighted median (BDM's predicted
   outcome).  Alternative: the weighted mean.  Irrelevant for the default
   ``Q = 1``.
7. **When to stop** (``rounds``, ``tol``).  A fixed number of rounds (default
   8, the horizon of Scholz et al.'s Table 2); with ``tol`` set, stop earlier
   once no actor moves more than ``tol`` (on the ``[0, 1]`` scale).
   Alternative: BDM's rule of stopping once the expected gain of another
   round falls below the cost of negotiating, which needs a discount rate the
   paper does not give.
8. **Forecast read-out** (``window``).  The mean of the weighted medians of
   the last ``window`` position sets (default 1: the median after the last
   round).  The dynamics can settle into a cycle (the emission case has
   period 2, the median alternating near 7.2 and 10), in which case the last
   median depends on the parity of ``rounds``; ``window=2`` averages such a
   cycle out.  Alternative: stop at the first repeated state; not done
   because positions move continuously and rarely repeat exactly.
9. **Median tie rule.**  Sort by position; the median is the first position
   where the cumulative weight ``c s`` exceeds half the total.  If the
   cumulative weight equals exactly half (to 1e-12 relative) at position
   ``a``, every point between ``a`` and the next position ``b`` is a median
   and we return ``(a + b) / 2``.  Actors at the same position are pooled.
10. **Scale.**  Positions are mapped to ``[0, 1]`` by ``scale = (lo, hi)``,
    by default the min and max of the input positions, and mapped back.
    Salience is divided by ``salience_scale``; by default 100 if any
    salience exceeds 1, else 1.  Capability enters only through ratios, so
    its scale is irrelevant.
11. **Contest with oneself / same position.**  Never a challenge
    (``EU_ii`` and ``EU_ij`` with ``x_i = x_j`` are 0 by the formulas and are
    masked out).
12. **Randomness.**  None; the model is deterministic.
13. **Probability of success** (``prob``).  Scholz et al. write it as the
    share of the votes that favour ``i`` (``"share"``).  A public
    reimplementation found that only the net form (``"net"``, default)
    reproduced their numbers, and on the emission case it also keeps the
    mean trajectory closest to their Table 2, so it is the default.
14. **Reading Scholz et al.'s Table 2.**  Their round 1 is the input state
    (its mean 7.4 is the input's 7.39), so their round ``t + 1`` is our
    ``rounds[t]``.  Their round-1 median 8.4 is not the weighted median of
    the input positions (7.0); their median rule is unpublished, so we keep
    BDM's plain weighted median and compare medians only loosely (tests and
    ``docs/bdm.md`` state what matches).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import InputError
from .._results import ResultMixin

#: The memory one BDM round may use: its vote arrays are n x n x n.
MAX_BDM_BYTES = 2 * 2**30

__all__ = ["BDMIssuesResult", "BDMModel", "BDMResult", "bdm", "bdm_issues", "weighted_median"]

FloatArray = NDArray[np.float64]
Accept = Literal["nearest", "strongest"]
Prob = Literal["net", "share"]


def weighted_median(x: ArrayLike, weight: ArrayLike) -> float:
    """Weighted median (1-D Condorcet winner) with the tie rule of choice 9."""
    xs = np.asarray(x, dtype=float)
    ws = np.asarray(weight, dtype=float)
    order = np.argsort(xs, kind="stable")
    xs, ws = xs[order], ws[order]
    ux, inv = np.unique(xs, return_inverse=True)
    uw = np.bincount(inv, weights=ws, minlength=ux.size)
    cum = np.cumsum(uw)
    half = cum[-1] / 2.0
    tied = np.isclose(cum, half, rtol=1e-12, atol=0.0)
    k = int(np.argmax((cum > half) | tied))
    if tied[k] and k + 1 < ux.size:
        return float((ux[k] + ux[k + 1]) / 2.0)
    return float(ux[k])


def weighted_mean(x: ArrayLike, weight: ArrayLike) -> float:
    """Capability × salience weighted mean."""
    return float(np.average(np.asarray(x, dtype=float), weights=np.asarray(weight, dtype=float)))


@dataclass(frozen=True, repr=False)
class BDMResult(ResultMixin):
    """Outcome of :func:`bdm` on one issue, on the caller's scale.

    ``rounds[0]`` is the input; ``rounds[t]`` the positions after ``t``
    bargaining rounds.  ``median[t]`` and ``mean[t]`` belong to
    ``rounds[t]``; ``median`` is the per-round forecast and ``forecast`` is
    ``median[-1]``.  ``risk[t]`` holds the risk exponents used in round
    ``t + 1``.
    """

    rounds: list[FloatArray]
    median: list[float]
    mean: list[float]
    forecast: float
    risk: list[FloatArray] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def per_round_forecast(self) -> list[float]:
        """The forecast (weighted median) after each round, input first."""
        return list(self.median)

    def to_dict(self) -> dict[str, Any]:
        """Rounds, per-round median and mean, forecast, risk exponents and parameters."""
        return {
            "model": "bdm",
            "forecast": float(self.forecast),
            "rounds": [[float(v) for v in r] for r in self.rounds],
            "median": [float(v) for v in self.median],
            "mean": [float(v) for v in self.mean],
            "risk": [[float(v) for v in r] for r in self.risk],
            "params": dict(self.params),
        }


class BDMModel:
    """BDM expected-utility model; parameters are keyword-only, stored as given."""

    def __init__(
        self,
        *,
        rounds: int = 8,
        q: float = 1.0,
        t: float = 1.0,
        prob: Prob = "net",
        accept: Accept = "strongest",
        tol: float | None = None,
        window: int = 1,
        scale: tuple[float, float] | None = None,
        salience_scale: float | None = None,
    ) -> None:
        if int(rounds) != rounds or rounds < 0:
            raise InputError(f"rounds must be a non-negative integer, got {rounds!r}")
        if not 0.0 <= q <= 1.0 or not 0.0 <= t <= 1.0:
            raise InputError(f"q and t must lie in [0, 1], got q={q!r}, t={t!r}")
        if accept not in ("nearest", "strongest"):
            raise InputError(f"accept must be 'nearest' or 'strongest', got {accept!r}")
        if prob not in ("net", "share"):
            raise InputError(f"prob must be 'net' or 'share', got {prob!r}")
        if int(window) != window or window < 1:
            raise InputError(f"window must be a positive integer, got {window!r}")
        if tol is not None and tol < 0:
            raise InputError(f"tol must be >= 0, got {tol!r}")
        if scale is not None and not scale[1] > scale[0]:
            raise InputError(f"scale must be (lo, hi) with hi > lo, got {scale!r}")
        if salience_scale is not None and not salience_scale > 0:
            raise InputError(f"salience_scale must be > 0, got {salience_scale!r}")
        self.rounds = rounds
        self.q = q
        self.t = t
        self.prob = prob
        self.accept = accept
        self.tol = tol
        self.window = window
        self.scale = scale
        self.salience_scale = salience_scale

    def params(self) -> dict[str, Any]:
        """The parameters exactly as given."""
        return {
            "rounds": self.rounds,
            "q": self.q,
            "t": self.t,
            "prob": self.prob,
            "accept": self.accept,
            "tol": self.tol,
            "window": self.window,
            "scale": self.scale,
            "salience_scale": self.salience_scale,
        }

    # -- pieces of one round (all on the [0, 1] scale) ---------------------

    def win_probability(self, x: FloatArray, w: FloatArray) -> FloatArray:
        """``P[i, j]``: probability that ``i`` beats ``j`` in a vote of all actors."""
        n = x.shape[0]
        if n**3 * 8 * 4 > MAX_BDM_BYTES:
            raise InputError(
                f"BDM with {n:,} actors needs about {n**3 * 32 / 2**30:,.1f} GiB (four n x n x n "
                f"arrays of 8 bytes); the limit is {MAX_BDM_BYTES / 2**30:.0f} GiB "
                f"(about {round((MAX_BDM_BYTES / 32) ** (1 / 3))} actors)"
            )
        dist = np.abs(x[:, None] - x[None, :])  # dist[k, m] = |x_k - x_m|
        votes = w[:, None, None] * (dist[:, None, :] - dist[:, :, None])  # [k, i, j]
        if self.prob == "net":
            pro = np.clip(votes.sum(axis=0), 0.0, None)
        else:
            pro = np.clip(votes, 0.0, None).sum(axis=0)
        total = np.abs(votes).sum(axis=0)
        out = np.full_like(pro, 0.5)
        np.divide(pro, total, out=out, where=total > 0)
        return out

    def expected_utility(
        self, x: FloatArray, s: FloatArray, prob: FloatArray, r: FloatArray, mu: float
    ) -> FloatArray:
        """``EU[i, j]``: expected utility to ``i`` of challenging ``j``."""
        d = np.abs(x[:, None] - x[None, :])
        rr = r[:, None]
        u_s = 2.0 - 4.0 * (0.5 - 0.5 * d) ** rr
        u_f = 2.0 - 4.0 * (0.5 + 0.5 * d) ** rr
        spread = 0.25 * (np.abs(x - mu)[:, None] + d)
        u_b = 2.0 - 4.0 * np.clip(0.5 - spread, 0.0, None) ** rr
        u_w = 2.0 - 4.0 * (0.5 + spread) ** rr
        u_sq = 2.0 - 4.0 * 0.5**rr
        sj = s[None, :]
        eu = sj * (prob * u_s + (1.0 - prob) * u_f) + (1.0 - sj) * u_s
        eu = eu - self.q * u_sq - (1.0 - self.q) * (self.t * u_b + (1.0 - self.t) * u_w)
        eu[d == 0.0] = 0.0  # no contest with oneself or an actor at the same position
        return np.asarray(eu, dtype=float)

    @staticmethod
    def risk_exponent(eu1: FloatArray) -> FloatArray:
        """``r_i`` from the security sums ``S_i = Σ_j EU_ji`` computed with ``r = 1``."""
        sec = eu1.sum(axis=0) - np.diag(eu1)
        lo, hi = sec.min(), sec.max()
        if not hi - lo > 1e-12 * max(1.0, abs(hi)):
            return np.ones_like(sec)
        big_r = np.clip((2.0 * sec - hi - lo) / (hi - lo), -1.0, 1.0)
        return np.asarray((1.0 - big_r / 3.0) / (1.0 + big_r / 3.0), dtype=float)

    def step(self, x: FloatArray, w: FloatArray, s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """One bargaining round: new positions and the risk exponents used."""
        n = x.size
        mu = weighted_median(x, w)
        prob = self.win_probability(x, w)
        r = self.risk_exponent(self.expected_utility(x, s, prob, np.ones(n), mu))
        eu = self.expected_utility(x, s, prob, r, mu)
        e_i = eu  # e_i[i, j]: challenger i's EU against target j
        e_j = eu.T  # e_j[i, j]: target j's EU against challenger i
        offer = e_i > 0.0
        conflict_won = offer & (e_j > 0.0) & (e_i > e_j)
        yielding = offer & (e_j <= 0.0)
        capitulate = yielding & (-e_j >= e_i)
        frac = np.where(conflict_won | capitulate, 1.0, 0.0)
        compromise = yielding & ~capitulate
        ratio = np.divide(-e_j, e_i, out=np.zeros_like(e_i), where=compromise)
        frac = np.where(compromise, ratio, frac)
        valid = conflict_won | yielding
        # new position of target j if it accepts i's offer: x_j + frac (x_i - x_j)
        new = x[None, :] + frac * (x[:, None] - x[None, :])
        move = np.abs(new - x[None, :])
        inf = np.inf
        if self.accept == "nearest":
            key1 = np.where(valid, move, inf)
            key2 = np.where(valid, -e_i, inf)
        else:
            key1 = np.where(valid, -e_i, inf)
            key2 = np.where(valid, move, inf)
        best1 = key1.min(axis=0)
        cand = valid & np.isclose(key1, best1[None, :], rtol=1e-12, atol=1e-15)
        best2 = np.where(cand, key2, inf).min(axis=0)
        cand &= np.isclose(key2, best2[None, :], rtol=1e-12, atol=1e-15)
        count = cand.sum(axis=0)
        total = np.where(cand, new, 0.0).sum(axis=0)
        x_new = np.where(count > 0, total / np.maximum(count, 1), x)
        return np.asarray(x_new, dtype=float), r

    # -- driver ------------------------------------------------------------

    def run(self, position: ArrayLike, capability: ArrayLike, salience: ArrayLike) -> BDMResult:
        """Run the model on one issue; positions on any numeric scale."""
        x0 = np.asarray(position, dtype=float)
        c = np.asarray(capability, dtype=float)
        s_raw = np.asarray(salience, dtype=float)
        if x0.ndim != 1 or x0.size == 0 or c.shape != x0.shape or s_raw.shape != x0.shape:
            raise InputError(
                "position, capability and salience must be 1-D and of equal, non-zero length; "
                f"got shapes {x0.shape}, {c.shape}, {s_raw.shape}"
            )
        if not (np.isfinite(x0).all() and np.isfinite(c).all() and np.isfinite(s_raw).all()):
            raise InputError("position, capability and salience must be finite")
        if (c < 0).any() or (s_raw < 0).any() or not (c * s_raw).sum() > 0:
            raise InputError("capability and salience must be >= 0 with a positive c·s total")
        s_scale = self.salience_scale
        if s_scale is None:
            s_scale = 100.0 if s_raw.max() > 1.0 else 1.0
        s = s_raw / s_scale
        if s.max() > 1.0 + 1e-12:
            raise InputError(f"salience exceeds salience_scale={s_scale!r}")
        w = c * s
        lo, hi = self.scale if self.scale is not None else (float(x0.min()), float(x0.max()))
        span = hi - lo
        if (x0 < lo - 1e-12 * max(1.0, abs(span))).any() or (x0 > hi + 1e-12 * abs(span)).any():
            raise InputError(f"positions lie outside scale {self.scale!r}")

        rounds = [x0.copy()]
        risk: list[FloatArray] = []
        if span > 0:
            x = (x0 - lo) / span
            for _ in range(int(self.rounds)):
                x_next, r = self.step(x, w, s)
                risk.append(r)
                moved = float(np.abs(x_next - x).max())
                x = x_next
                rounds.append(lo + x * span)
                if self.tol is not None and moved <= self.tol:
                    break
        else:  # everybody at one point: nothing to bargain over
            rounds.extend(x0.copy() for _ in range(int(self.rounds)))
        median = [weighted_median(p, w) for p in rounds]
        mean = [weighted_mean(p, w) for p in rounds]
        return BDMResult(
            rounds=rounds,
            median=median,
            mean=mean,
            forecast=float(np.mean(median[-min(int(self.window), len(median)) :])),
            risk=risk,
            params=self.params(),
        )


def bdm(
    position: ArrayLike,
    capability: ArrayLike,
    salience: ArrayLike,
    *,
    rounds: int = 8,
    q: float = 1.0,
    t: float = 1.0,
    prob: Prob = "net",
    accept: Accept = "strongest",
    tol: float | None = None,
    window: int = 1,
    scale: tuple[float, float] | None = None,
    salience_scale: float | None = None,
) -> BDMResult:
    """Run the BDM challenge model on one issue (see the module docstring)."""
    model = BDMModel(
        rounds=rounds,
        q=q,
        t=t,
        prob=prob,
        accept=accept,
        tol=tol,
        window=window,
        scale=scale,
        salience_scale=salience_scale,
    )
    return model.run(position, capability, salience)


@dataclass(frozen=True)
class BDMIssuesResult:
    """Outcome of :func:`bdm_issues`.

    ``forecast`` has shape ``(K,)``; ``rounds[t]`` maps issue name to the
    forecast (weighted median) after ``t`` rounds, input first.  An issue
    that stopped early (``tol``) repeats its last value.
    """

    forecast: FloatArray
    rounds: list[dict[str, float]]
    issues: list[str]
    results: list[BDMResult]

    def forecast_dict(self) -> dict[str, float]:
        """``{issue: forecast}``."""
        return {k: float(v) for k, v in zip(self.issues, self.forecast, strict=True)}


def bdm_issues(
    positions: ArrayLike,
    capability: ArrayLike,
    salience: ArrayLike,
    *,
    issues: Sequence[str] | None = None,
    scales: Sequence[tuple[float, float] | None] | None = None,
    rounds: int = 8,
    q: float = 1.0,
    t: float = 1.0,
    prob: Prob = "net",
    accept: Accept = "strongest",
    tol: float | None = None,
    window: int = 1,
    salience_scale: float | None = None,
) -> BDMIssuesResult:
    """Apply :func:`bdm` issue by issue.

    ``positions`` and ``salience`` have shape ``(n, K)``; ``capability`` is
    ``(n,)`` (or ``(n, K)`` for issue-specific capability).  ``issues`` names
    the columns (default ``"0"``, ``"1"``, ...); ``scales`` gives each
    issue's ``(lo, hi)`` or ``None`` for the observed range.
    """
    pos = np.asarray(positions, dtype=float)
    sal = np.asarray(salience, dtype=float)
    cap = np.asarray(capability, dtype=float)
    if pos.ndim != 2 or sal.shape != pos.shape:
        raise InputError(
            f"positions and salience must both be (n, K); got {pos.shape}, {sal.shape}"
        )
    n, k = pos.shape
    if cap.shape == (n,):
        cap = np.repeat(cap[:, None], k, axis=1)
    if cap.shape != (n, k):
        raise InputError(f"capability must be (n,) or (n, K); got {cap.shape} for n={n}, K={k}")
    names = [str(i) for i in range(k)] if issues is None else [str(v) for v in issues]
    if len(names) != k or len(set(names)) != k:
        raise InputError(f"issues must be {k} distinct names, got {names!r}")
    scl: list[tuple[float, float] | None] = [None] * k if scales is None else list(scales)
    if len(scl) != k:
        raise InputError(f"scales must have {k} entries, got {len(scl)}")
    results = [
        bdm(
            pos[:, m],
            cap[:, m],
            sal[:, m],
            rounds=rounds,
            q=q,
            t=t,
            prob=prob,
            accept=accept,
            tol=tol,
            window=window,
            scale=scl[m],
            salience_scale=salience_scale,
        )
        for m in range(k)
    ]
    horizon = max(len(res.median) for res in results)
    per_round = [
        {
            name: float(res.median[min(step, len(res.median) - 1)])
            for name, res in zip(names, results, strict=True)
        }
        for step in range(horizon)
    ]
    forecast = np.array([res.forecast for res in results], dtype=float)
    return BDMIssuesResult(forecast=forecast, rounds=per_round, issues=names, results=results)
