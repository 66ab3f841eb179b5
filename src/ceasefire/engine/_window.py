"""Joining the layers: values of fighting on and of settling, and the settlement window.

All values are per-month equivalents on the utility scale over an infinite
discounted horizon (``_value.py``): a value of 0.6 means "as good as an outcome
of utility 0.6 held forever". This module averages the per-path values over
paths (one world) for the diagnostics that are stated on expected values: the
ripeness index G_t = max_z min_{veto i} (s_i,t(z) - w_i,t), its first positive
month (``first_window_month``), plan acceptance, stalling and counterfactuals.
The settlement hazard itself is computed per path (``_hazard.py``).

For actor i at month t (averaged over paths):

- fighting on:  w_i,t = E[LSM value of fighting on] (+ the belief correction
  for side a and side b);
- settling on z: s_i,t(z) = ((1 - delta) u_i(z) + delta h(z) w_i,t) / (1 - delta + delta h(z))
                            - E[punishment after settling on z at t] - rho_i,t(z)

where h(z) is the deal's monthly breakdown probability, the punishment term
applies to the regime actor only (its leader's discounted expected punishment
K P(removal), with hardliner discontent jumping by ``backlash`` times the
hardliners' utility loss 1 - u_H(z); with a regime type, also the removal at the
settlement and the cost of removal that depend on how the deal ends the war for
it, ``_value.py``) and rho the ratification penalty of the
actor bound by ratification: rho = J sum_fronts max(0, z_k - E[O_k,t] - tol),
land it still holds and would have to cede.

G_t is found by scoring a scrambled Sobol sample of the issue box (plus the
plans, every actor's ideal point and the status quo) in one array expression,
then refining the best point of every month at once by a pattern search over
coordinate and random directions (tested against brute force on
low-dimensional cases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ..bargaining._spatial import spatial_utility
from ._sim import Compiled, SimPaths
from ._value import (
    PathValues,
    RegimeOutcome,
    SideLeader,
    breakdown_hazard,
    dev_tables,
    discount_back,
    interp_b,
    path_values,
    settle_mix,
)

F = NDArray[np.float64]

__all__ = ["Valuation", "maximize", "value"]


@dataclass(frozen=True)
class Valuation:
    """Values of fighting on and settling for every actor and month (per-month units)."""

    compiled: Compiled
    salience: F  # (n, K) used for utilities
    fight: F  # (T, n) w_i,t (perceived, averaged over paths)
    p_fight: F  # (T,) regime actor's removal probability within T months if it fights on
    b_grid: F  # (G,)
    p_settle: F  # (T, G) removal probability within T months if it settles with backlash b
    k_settle: F  # (T, G) discounted expected punishment if it settles with backlash b
    mean_fronts: F  # (T, F)
    breakdown_base: float
    regime: int | None
    hardliners: int | None
    ratifier: int | None
    rat_penalty: float
    rat_tol: float
    paths: PathValues
    outcome: RegimeOutcome | None = None  # regime type x how the war ends (_value.py)
    leader_b: SideLeader | None = None  # the other belligerent's leader (_value.py)

    # -------------------------------------------------------------------------
    def utility(self, z: F) -> F:
        sc = self.compiled.scenario
        return spatial_utility(
            z, sc.ideal, self.salience, risk=sc.risk, red_line=sc.red_line, penalty=sc.penalty
        )

    def backlash(self, u: F) -> F:
        """The hardliners' utility loss 1 - u_H(z), the settlement backlash's driver."""
        if self.hardliners is None or not self.compiled.switches.hardliners:
            return np.zeros(u.shape[:-1])
        return np.clip(1.0 - u[..., self.hardliners], 0.0, None)

    def hazard(self, z: F) -> F:
        """Monthly breakdown probability of deals z (..., K)."""
        return breakdown_hazard(self.compiled, z, self.breakdown_base)

    def settle(
        self, z: F, ts: NDArray[np.intp], actors: NDArray[np.intp] | None = None
    ) -> tuple[F, F]:
        """s_i,t(z) for z (B, M, K) at months ts (B,): returns (values (B, M, n), P (B, M)).

        With ``actors``, only those actors' values are computed (columns in that order).
        """
        sc = self.compiled.scenario
        n = len(sc.actors)
        act = np.arange(n) if actors is None else np.asarray(actors)
        need = list(
            dict.fromkeys(
                [*act.tolist(), *([self.hardliners] if self.hardliners is not None else [])]
            )
        )
        u_need = spatial_utility(
            z,
            sc.ideal[need],
            self.salience[need],
            risk=sc.risk[need],
            red_line=sc.red_line[need],
            penalty=sc.penalty,
        )
        pos = {a: i for i, a in enumerate(need)}
        u = u_need[..., [pos[a] for a in act.tolist()]]
        h = self.hazard(z)
        s = settle_mix(u, h[..., None], self.fight[ts][:, None, act], self.compiled.discount)
        p = np.zeros(z.shape[:-1])
        if self.regime is not None:
            if self.hardliners is not None and self.compiled.switches.hardliners:
                b = np.clip(1.0 - u_need[..., pos[self.hardliners]], 0.0, None)
            else:
                b = np.zeros(z.shape[:-1])
            p = interp_b(self.p_settle[ts], b, self.b_grid)
            kk = interp_b(self.k_settle[ts], b, self.b_grid)
            if self.outcome is not None:
                kk, p = self.outcome.adjust(kk, p, self.outcome.loss(z), per_row=False)
            if self.regime in pos and self.regime in act:
                j = int(np.flatnonzero(act == self.regime)[0])
                s[..., j] -= kk
        lb = self.leader_b
        if lb is not None and lb.actor in act:
            j = int(np.flatnonzero(act == lb.actor)[0])
            s[..., j] -= lb.settle_cost(z, per_row=False)
        rat = [f for f, fr in enumerate(self.compiled.spec.fronts) if fr.ratify]
        if self.ratifier is not None and rat and self.ratifier in act:
            idx = [self.compiled.front_issue[f] for f in rat]
            held = self.mean_fronts[ts][:, None, rat]  # (B, 1, F)
            ceded = np.clip(z[..., idx] - held - self.rat_tol, 0.0, None).sum(axis=-1)
            j = int(np.flatnonzero(act == self.ratifier)[0])
            s[..., j] -= self.rat_penalty * ceded
        return s, p

    def gaps(self, z: F, ts: NDArray[np.intp], actors: NDArray[np.intp]) -> F:
        """s_i,t(z) - w_i,t for the given actors: (B, M, len(actors))."""
        s, _ = self.settle(z, ts, actors)
        return s - self.fight[ts][:, None, actors]


def value(
    c: Compiled,
    sim: SimPaths,
    salience: F | None = None,
    *,
    base: Valuation | None = None,
    rows: slice | None = None,
    dw_from: Valuation | None = None,
) -> Valuation:
    """Every actor's values of fighting on and of settling, averaged over the paths ``rows``.

    ``salience`` replaces the scenario's (for "what if this issue were out of
    play"); ``base``, a valuation of the same paths with the scenario's saliences,
    lends its per-path values when only ``rows`` change.
    """
    sc, spec = c.scenario, c.spec
    sal = sc.salience if salience is None else salience
    if base is not None and salience is None:
        pv = base.paths
    elif base is not None and salience is not None:
        # E[u_a(z_war)] is linear in the saliences: only the expected-value diagnostics
        # (G_t at other saliences) use this, from the mean deviation tables
        dev = dev_tables(c, sim)
        dflow = -np.einsum("tak,ak->ta", dev, sal - base.salience)
        dfight = discount_back(dflow[None], c.discount)[0, : c.months]
        return replace(base, salience=sal, fight=base.fight + dfight)
    else:
        assert sim.noise is not None, "value() needs the simulation's random numbers"
        pv = path_values(c, sim, sim.noise, sal, dw_from=dw_from.paths if dw_from else None)
    sel = rows if rows is not None else slice(None)
    roles = spec.roles
    regime = sc.actor_index(roles.regime) if roles.regime else None
    p = sim.params
    return Valuation(
        compiled=c,
        salience=sal,
        fight=pv.fight_y[sel].mean(axis=0),
        p_fight=pv.p_fight[sel].mean(axis=0),
        b_grid=pv.b_grid,
        p_settle=pv.rem_table[sel].mean(axis=0),
        k_settle=(
            pv.pun_table[sel].mean(axis=0)
            if regime is not None
            else np.zeros((c.months, len(pv.b_grid)))
        ),
        mean_fronts=pv.fronts[sel].mean(axis=0),
        breakdown_base=float(p["breakdown_base"][0]),
        regime=regime,
        hardliners=sc.actor_index(roles.hardliners) if roles.hardliners else None,
        ratifier=sc.actor_index(roles.ratifier) if roles.ratifier else None,
        rat_penalty=float(p["ratification_penalty"].mean()),
        rat_tol=float(p["ratification_tolerance"].mean()),
        paths=pv,
        outcome=(
            pv.regime_outcome.subset(sel)
            if pv.regime_outcome is not None and regime is not None
            else None
        ),
        leader_b=pv.leader_b.subset(sel) if pv.leader_b is not None else None,
    )


# -----------------------------------------------------------------------------
# Global maximisation over the issue box, vectorised across months
# -----------------------------------------------------------------------------


def candidates(v: Valuation, n_sobol: int = 1024, seed: int = 0) -> F:
    """Sobol points of the box plus plans, ideal points, the status quo and their midpoints."""
    sc = v.compiled.scenario
    k = len(sc.issues)
    from scipy.stats import qmc  # lazy: scipy.stats costs ~0.8 s CPU to import

    sob = qmc.Sobol(d=k, scramble=True, seed=seed).random(n_sobol)
    anchors = np.vstack([sc.proposal_matrix, sc.ideal, sc.status_quo[None, :]])
    mids = (anchors[:, None, :] + anchors[None, :, :]) / 2.0
    return np.vstack([sob, anchors, mids.reshape(-1, k)])


def maximize(
    objective: Callable[[F, NDArray[np.intp]], F],
    start: F,
    ts: NDArray[np.intp],
    *,
    step: float = 0.1,
    tol: float = 1e-4,
    max_iter: int = 150,
    seed: int = 0,
) -> tuple[F, F]:
    """Pattern search from ``start`` (B, K), one problem per row, all rows at once.

    ``objective(z (B, D, K), ts) -> (B, D)``. Tries coordinate and random
    directions; a row that finds no improvement halves its step. Returns
    (argmax (B, K), max (B,)).
    """
    b, k = start.shape
    rng = np.random.default_rng(seed)
    eye = np.eye(k)
    z = start.copy()
    best = objective(z[:, None, :], ts)[:, 0]
    h = np.full(b, step)
    for _ in range(max_iter):
        active = h > tol
        if not active.any():
            break
        rnd = rng.standard_normal((2 * k, k))
        rnd /= np.linalg.norm(rnd, axis=1, keepdims=True)
        dirs = np.vstack([eye, -eye, rnd])  # (D, K)
        trial = np.clip(z[:, None, :] + h[:, None, None] * dirs[None], 0.0, 1.0)
        vals = objective(trial, ts)
        j = np.argmax(vals, axis=1)
        top = vals[np.arange(b), j]
        better = active & (top > best + 1e-13)
        z[better] = trial[better, j[better]]
        best[better] = top[better]
        h = np.where(better, h * 1.5, h * 0.5)
        h = np.minimum(h, 0.5)
    return z, best


def maxmin(v: Valuation, actors: NDArray[np.intp], ts: NDArray[np.intp], cand: F) -> tuple[F, F]:
    """max_z min_{i in actors} (s_i,t(z) - w_i,t) for each month in ts: (z (B, K), G (B,))."""

    def obj(z: F, t: NDArray[np.intp]) -> F:
        return v.gaps(z, t, actors).min(axis=-1)

    vals = obj(np.broadcast_to(cand, (len(ts), *cand.shape)), ts)  # (B, M)
    start = cand[np.argmax(vals, axis=1)]
    best = vals.max(axis=1)
    for b, t in enumerate(ts):
        z_lp = lp_maxmin(v, actors, int(t))
        if z_lp is not None:
            val = obj(z_lp[None, None, :], np.array([t]))[0, 0]
            if val > best[b]:
                start[b], best[b] = z_lp, val
    z, g = maximize(obj, start, ts, step=0.02)
    if len(ts) > 1:
        # the objective is not concave (punishment tables, breakdown mixing): every month's
        # optimum seeds every other month, then the best seed is polished again
        cross = obj(np.broadcast_to(z, (len(ts), *z.shape)), ts)  # (B, B)
        # only earlier months seed a month: nothing after t may move G_t (no look-ahead)
        cross = np.where(ts[None, :] <= ts[:, None], cross, -np.inf)
        j = np.argmax(cross, axis=1)
        better = cross[np.arange(len(ts)), j] > g + 1e-12
        if better.any():
            z2, g2 = maximize(obj, z[j][better], ts[better], step=0.02)
            z[better], g[better] = z2, g2
    return z, g


def nash_point(
    v: Valuation, actors: NDArray[np.intp], weights: F, ts: NDArray[np.intp], start: F
) -> F:
    """Nash bargaining point inside the window: argmax sum_i w_i log(s_i - w_i)."""
    wn = weights / weights.sum()

    def obj(z: F, t: NDArray[np.intp]) -> F:
        g = v.gaps(z, t, actors)
        ok = (g > 0).all(axis=-1)
        return np.where(ok, (wn * np.log(np.where(g > 0, g, 1.0))).sum(axis=-1), -np.inf)

    z, _ = maximize(obj, start, ts, step=0.05, tol=1e-6)
    return z


# -----------------------------------------------------------------------------
# Exact max-min by linear programming (linear losses), polished on the true objective
# -----------------------------------------------------------------------------


def lp_maxmin(v: Valuation, actors: NDArray[np.intp], t: int) -> F | None:
    """Solve max_z min_i (s_i,t(z) - w_i,t) as a linear programme, or None if it does not apply."""
    sol = _lp_solve(v, actors, t)
    return None if sol is None else sol[0]


def lp_weights(v: Valuation, actors: NDArray[np.intp], t: int) -> F | None:
    """The LP's dual weights of the actors' constraints at month t (they sum to 1).

    G_t moves, to first order, by sum_i lambda_i d(s_i,t - w_i,t) when the values
    move: the weights say which veto players hold the window shut (or open).
    """
    sol = _lp_solve(v, actors, t)
    return None if sol is None else sol[1]


def _lp_solve(v: Valuation, actors: NDArray[np.intp], t: int) -> tuple[F, F] | None:
    """The LP behind :func:`lp_maxmin`: returns (z, dual weights of the actors' rows).

    With linear losses (risk exponent 1) every u_i(z) = 1 - sum_k s_ik |z_k - x_ik| is
    concave and piecewise linear; |.| becomes a pair of inequalities on an auxiliary
    variable e_ik. The leader's expected punishment after settling, E[K P]/A, is a
    function of the hardliners' loss b(z) = sum_k s_Hk |z_k - x_Hk| tabulated on a grid:
    the LP bounds it below by every secant of that table (exact where the table is
    convex, conservative where it is not). Ratification ceded land is max(0, .), a pair
    of inequalities. Stated red lines of the actors in the problem are hard bounds.
    The regime-type terms (removal and its cost by how the deal ends the war, §4.3.1)
    and the other belligerent's leader's removal cost (§4.3.2) are left out of the LP:
    its point is a seed only. The caller evaluates the true
    objective at the LP point and polishes it.
    """
    from scipy.optimize import linprog

    c_ = v.compiled
    sc = c_.scenario
    if np.any(sc.risk != 1.0):
        return None
    k = len(sc.issues)
    x, sal = sc.ideal, v.salience
    reg, hard, rat = v.regime, v.hardliners, v.ratifier
    use_reg = reg is not None and reg in actors
    use_hard = use_reg and hard is not None and c_.switches.hardliners
    rat_fronts = [f for f, fr in enumerate(c_.spec.fronts) if fr.ratify]
    use_rat = rat is not None and rat in actors and bool(rat_fronts)
    e_actors = list(dict.fromkeys([*actors.tolist(), *([hard] if use_hard else [])]))
    n_e = len(e_actors) * k
    # variable layout: [z (k) | e (n_e) | r (len rat_fronts) | kappa | s]
    iz, ie = 0, k
    ir = ie + n_e
    n_r = len(rat_fronts) if use_rat else 0
    ik = ir + n_r
    i_s = ik + 1
    nv = i_s + 1
    rows: list[F] = []
    rhs: list[float] = []

    def row() -> F:
        return np.zeros(nv)

    for a_pos, a in enumerate(e_actors):
        for j in range(k):
            col = ie + a_pos * k + j
            r1 = row()  # z - e <= x
            r1[iz + j], r1[col] = 1.0, -1.0
            rows.append(r1)
            rhs.append(x[a, j])
            r2 = row()  # -z - e <= -x
            r2[iz + j], r2[col] = -1.0, -1.0
            rows.append(r2)
            rhs.append(-x[a, j])
    w = v.fight[t]
    # settling is worth a (u - w) + w - punishment - ratification, a = (1 - d) / (1 - d + d h):
    # exact for a breakdown hazard that does not depend on the terms (h at the status quo)
    d_ = c_.discount
    h0 = float(v.hazard(sc.status_quo[None])[0])
    a_mix = (1 - d_) / (1 - d_ + d_ * h0)
    actor_rows = []
    for a in actors:
        actor_rows.append(len(rows))
        a_pos = e_actors.index(int(a))
        r = row()  # s + sum s_aj e_aj [+ kappa] [+ J sum r] <= 1 - w_a
        r[i_s] = 1.0
        r[ie + a_pos * k : ie + (a_pos + 1) * k] = a_mix * sal[a]
        if use_reg and a == reg:
            r[ik] = 1.0
        if use_rat and a == rat:
            r[ir : ir + n_r] = v.rat_penalty
        rows.append(r)
        rhs.append(a_mix * (1.0 - w[a]))
    if use_reg:
        table = v.k_settle[t]
        g = v.b_grid
        slopes = np.diff(table) / np.diff(g)
        for j, slope in enumerate(slopes):
            r = row()  # table_j + slope (b - g_j) <= kappa
            r[ik] = -1.0
            if use_hard:
                h_pos = e_actors.index(int(hard))  # type: ignore[arg-type]
                r[ie + h_pos * k : ie + (h_pos + 1) * k] = slope * sal[hard]
            rows.append(r)
            rhs.append(slope * g[j] - table[j])
        if not use_hard:
            r = row()
            r[ik] = -1.0
            rows.append(r)
            rhs.append(-table[0])
    if use_rat:
        held = v.mean_fronts[t, rat_fronts]
        for m, f in enumerate(rat_fronts):
            r = row()  # z_k - r_m <= held + tol
            r[iz + c_.front_issue[f]], r[ir + m] = 1.0, -1.0
            rows.append(r)
            rhs.append(held[m] + v.rat_tol)
    bounds: list[tuple[float | None, float | None]] = (
        [(0.0, 1.0)] * k + [(0.0, None)] * (n_e + n_r) + [(None, None), (None, None)]
    )
    for a in actors:
        for j in range(k):
            line = sc.red_line[a, j]
            if not np.isnan(line):
                lo, hi = bounds[iz + j]
                assert lo is not None and hi is not None  # z is boxed in [0, 1]
                bounds[iz + j] = (lo, min(hi, line)) if x[a, j] <= line else (max(lo, line), hi)
    cost = np.zeros(nv)
    cost[i_s] = -1.0
    res = linprog(cost, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds, method="highs")
    if not res.success:
        return None
    duals = -np.asarray(res.ineqlin.marginals)[actor_rows]
    return np.clip(res.x[:k], 0.0, 1.0), duals
