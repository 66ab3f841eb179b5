"""Joining the layers: values of fighting on and of settling, and the settlement window.

All values are per-month equivalents on the utility scale: a stream is
discounted over the valuation horizon H and divided by the annuity
A = sum_{tau < H} delta^tau, so that a value of 0.6 means "as good as an
outcome of utility 0.6 held for the whole horizon".

For actor i at month t:

- fighting on:  w_i,t = (1/A) sum_tau delta^tau E[u_i(z^war_{t+tau}) - c_i,t+tau]
                        - E[K_i P_i(removal within H | fight from t)] / A
- settling on z: s_i,t(z) = u_i(z) - E[K_i P_i(removal within H | settle on z at t)] / A
                            - rho_i,t(z)

where the expectations E[.] mix what the simulated paths bring with today's
value held constant (by the ``foresight`` parameter), c are war costs
(casualties, aid budgets), K the punishment a removed leader suffers (only
the regime actor has one) and rho the ratification
penalty of the actor bound by ratification: rho = J sum_fronts
max(0, z_k - E[O_k,t] - tol), land it still holds and would have to cede.

The regime actor's removal hazard under peace follows the same hazard as
under war, with hardliner discontent jumping by ``backlash`` times the
hardliners' utility loss 1 - u_H(z) and then fading, and unrest jumping by
the demobilisation shock (times war dependence, if the bubble has not popped
yet) or carrying the austerity of a popped bubble, both fading.

The ripeness index is G_t = max_z min_{veto i} (s_i,t(z) - w_i,t); the window
is open when G_t > 0. It is found by scoring a scrambled Sobol sample of the
issue box (plus the plans, every actor's ideal point and the status quo) in
one array expression, then refining the best point of every month at once by
a pattern search over coordinate and random directions (tested against brute
force on low-dimensional cases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ..bargaining._spatial import spatial_utility
from ..scenario._quantity import Quantity
from ._sim import Compiled, SimPaths

F = NDArray[np.float64]

__all__ = ["Valuation", "maximize", "value"]

PATH_BLOCK = 512  # paths per block in the settle-risk tables
B_GRID = 41  # backlash grid points for the settle-removal probability


def mean_of(q: Quantity) -> float:
    """Mean of a quantity's Monte Carlo draws (triangular over its range, mode at its value)."""
    if q.range is not None and q.range[1] > q.range[0]:
        return (q.range[0] + q.value + q.range[1]) / 3.0
    return q.value


def discounted_window(x: F, delta: float, months: int, horizon: int) -> F:
    """y_t = sum_{tau < H} delta^tau x_{t + tau} for t < T (axis 0 is time)."""
    y = np.zeros((months, *x.shape[1:]))
    for tau in range(horizon):
        y += delta**tau * x[tau : tau + months]
    return y


@dataclass(frozen=True)
class Valuation:
    """Values of fighting on and settling for every actor and month (per-month units)."""

    compiled: Compiled
    salience: F  # (n, K) used for utilities
    annuity: float
    fight: F  # (T, n) w_i,t
    war_utility: F  # (T, n) discounted mean utility of the war outcome (per month)
    p_fight: F  # (T,) regime actor's removal probability within H if it fights on
    fight_penalty: F  # (T,) E[K P_fight] / A
    b_grid: F  # (G,)
    war_dev: F  # (steps, n, K): E|z_war - x|^q per month, actor and issue
    war_cross: F  # (steps, n): expected number of red lines the war outcome crosses
    p_settle: F  # (T, G) removal probability if it settles with backlash b
    k_settle: F  # (T, G) E[K P]/A for settling
    mean_fronts: F  # (T, F)
    regime: int | None
    hardliners: int | None
    ratifier: int | None
    rat_penalty: float
    rat_tol: float

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

    def _interp(self, table: F, ts: NDArray[np.intp], b: F) -> F:
        """Linear interpolation of table[t, b] (G uniform) for rows ts (B,), b (B, M)."""
        g = self.b_grid
        f = np.clip(b / g[-1] * (len(g) - 1), 0, len(g) - 1 - 1e-12)
        i = f.astype(np.intp)
        w = f - i
        rows = table[ts]  # (B, G)
        lo = np.take_along_axis(rows, i, axis=1)
        hi = np.take_along_axis(rows, i + 1, axis=1)
        return lo * (1 - w) + hi * w

    def settle(self, z: F, ts: NDArray[np.intp]) -> tuple[F, F]:
        """s_i,t(z) for z (B, M, K) at months ts (B,): returns (values (B, M, n), P (B, M))."""
        u = self.utility(z)
        s = u.copy()
        p = np.zeros(z.shape[:-1])
        if self.regime is not None:
            b = self.backlash(u)
            p = self._interp(self.p_settle, ts, b)
            s[..., self.regime] -= self._interp(self.k_settle, ts, b)
        rat = [f for f, fr in enumerate(self.compiled.spec.fronts) if fr.ratify]
        if self.ratifier is not None and rat:
            idx = [self.compiled.front_issue[f] for f in rat]
            held = self.mean_fronts[ts][:, None, rat]  # (B, 1, F)
            ceded = np.clip(z[..., idx] - held - self.rat_tol, 0.0, None).sum(axis=-1)
            s[..., self.ratifier] -= self.rat_penalty * ceded
        return s, p

    def gaps(self, z: F, ts: NDArray[np.intp], actors: NDArray[np.intp]) -> F:
        """s_i,t(z) - w_i,t for the given actors: (B, M, len(actors))."""
        s, _ = self.settle(z, ts)
        return s[..., actors] - self.fight[ts][:, None, actors]


def value(
    c: Compiled, sim: SimPaths, salience: F | None = None, *, base: Valuation | None = None
) -> Valuation:
    """Compute every actor's values of fighting on and of settling from simulated paths.

    ``salience`` replaces the scenario's (for "what if this issue were out of
    play"); ``base``, a valuation of the same paths, lends its regime tables,
    which do not depend on saliences.
    """
    sc, spec, sw = c.scenario, c.spec, c.switches
    sal = sc.salience if salience is None else salience
    t_n, h_n, delta = c.months, c.horizon, c.discount
    annuity = float(sum(delta**tau for tau in range(h_n)))
    p = sim.params
    n_act = len(sc.actors)

    # E[u_a(z_war)] is linear in the saliences: 1 - sum_k s_ak E|z_k - x_ak|^q_a - J E[red
    # lines crossed]. The expectations are tabulated once per simulation, in path blocks.
    war_dev, war_cross = (base.war_dev, base.war_cross) if base is not None else war_tables(c, sim)
    flow = 1.0 - np.einsum("tak,ak->ta", war_dev, sal) - sc.penalty * war_cross  # (steps, n)
    cost = np.zeros((c.steps, n_act))
    for actor, q in spec.war_cost.items():
        cost[:, sc.actor_index(actor)] += mean_of(q)
    for actor, q in spec.aid_cost.items():
        cost[:, sc.actor_index(actor)] += mean_of(q) * c.levers["aid"]
    # Foresight f: each actor expects the discounted stream f * (what the paths bring)
    # + (1 - f) * (today's value held for the horizon): leaders learn the war's costs
    # largely by feeling them.
    fs = float(p["foresight"].mean())

    def expected(x: F) -> F:
        return (fs * discounted_window(x, delta, t_n, h_n) + (1 - fs) * annuity * x[:t_n]) / annuity

    war_utility = expected(flow)
    fight = war_utility - expected(cost)

    roles = spec.roles
    regime = sc.actor_index(roles.regime) if roles.regime else None
    hard = sc.actor_index(roles.hardliners) if roles.hardliners else None
    ratifier = sc.actor_index(roles.ratifier) if roles.ratifier else None
    punish = p["punishment"] if sw.leader_survival else np.zeros(c.paths)

    if base is not None:
        fight = fight - base.fight_penalty[:, None] * (np.arange(n_act) == base.regime)
        return replace(base, salience=sal, fight=fight, war_utility=war_utility)

    # fight: removal within H from each month t, path by path
    lam = sim.hazard  # (N, steps)
    cum = np.concatenate([np.zeros((c.paths, 1)), np.cumsum(lam, axis=1)], axis=1)
    fsp = p["foresight"][:, None]
    big_lam = fsp * (cum[:, h_n : h_n + t_n] - cum[:, :t_n]) + (1 - fsp) * h_n * lam[:, :t_n]
    removed = 1.0 - np.exp(-big_lam)
    p_fight = removed.mean(axis=0)
    fight_penalty = (punish[:, None] * removed).mean(axis=0) / annuity
    if regime is not None:
        fight[:, regime] -= fight_penalty

    # settle: removal within H after settling at month t with backlash b (a grid)
    b_grid = np.linspace(0.0, 1.0, B_GRID)
    p_settle = np.zeros((t_n, B_GRID))
    k_settle = np.zeros((t_n, B_GRID))
    # Paths are processed in blocks so that memory stays bounded at 10^5 paths.
    for lo in range(0, c.paths, PATH_BLOCK):
        blk = slice(lo, min(lo + PATH_BLOCK, c.paths))
        removed_s = _settle_removal(c, sim, blk, b_grid)  # (n, T, G)
        p_settle += removed_s.sum(axis=0)
        k_settle += (punish[blk, None, None] * removed_s).sum(axis=0)
    p_settle /= c.paths
    k_settle /= c.paths * annuity
    if regime is None:
        k_settle = np.zeros_like(k_settle)

    return Valuation(
        compiled=c,
        salience=sal,
        annuity=annuity,
        fight=fight,
        war_utility=war_utility,
        p_fight=p_fight,
        fight_penalty=fight_penalty,
        b_grid=b_grid,
        war_dev=war_dev,
        war_cross=war_cross,
        p_settle=p_settle,
        k_settle=k_settle,
        mean_fronts=sim.fronts[:, :t_n].mean(axis=0),
        regime=regime,
        hardliners=hard,
        ratifier=ratifier,
        rat_penalty=float(p["ratification_penalty"].mean()),
        rat_tol=float(p["ratification_tolerance"].mean()),
    )


def war_tables(c: Compiled, sim: SimPaths) -> tuple[F, F]:
    """E|z_war_k - x_ak|^q_a (steps, n, K) and E[red lines crossed] (steps, n) over paths."""
    sc = c.scenario
    x, q = sc.ideal, sc.risk
    dev = np.zeros((c.steps, *x.shape))
    cross = np.zeros((c.steps, x.shape[0]))
    zero_sal = np.zeros_like(x)
    for lo in range(0, c.paths, PATH_BLOCK):
        z = sim.z_war[lo : lo + PATH_BLOCK]  # (n, steps, K)
        d = np.abs(z[:, :, None, :] - x)  # (n, steps, actors, K)
        if np.any(q != 1.0):
            d = d ** q[:, None]
        dev += d.sum(axis=0)
        # red lines: 1 - u with zero salience is exactly the number crossed
        cross += (1.0 - spatial_utility(z, x, zero_sal, red_line=sc.red_line, penalty=1.0)).sum(
            axis=0
        )
    return dev / c.paths, cross / c.paths


def _settle_removal(c: Compiled, sim: SimPaths, blk: slice, b_grid: F) -> F:
    """Removal probability within H after settling at month t with backlash b, per path.

    The hazard factorises into a part that depends on (path, month, tau) and one
    that depends on (path, tau, backlash), so the sum over tau is a batched matrix
    product: tot[n, t, g] = sum_tau A[n, t, tau] B[n, tau, g]. Returns (n, T, G).
    """
    sw, t_n, h_n = c.switches, c.months, c.horizon
    p = {k: v[blk] for k, v in sim.params.items()}
    n = len(p["backlash"])
    backlash = p["backlash"] if sw.leader_survival else np.zeros(n)
    dep = p["war_dependence"] if sw.war_economy else np.zeros(n)
    g_h = p["hazard_hardliners"] if sw.hardliners else np.zeros(n)
    tau = np.arange(h_n, dtype=float)[None, None, :]  # (1, 1, H)
    col = (slice(None), None, None)
    hb = p["hardliner_base"][col]
    h_t = sim.hardliners[blk, :t_n, None]  # (n, T, 1)
    popped = sim.popped[blk, :t_n, None].astype(float)
    r_h = (1.0 - p["hardliner_decay"])[col] ** tau
    r_rec = (1.0 - p["recovery_rate"])[col] ** tau
    r_dem = (1.0 - p["demobilisation_decay"])[col] ** tau
    hh = hb + (h_t - hb) * r_h  # (n, T, H) without the backlash jump
    uu = (
        p["unrest_base"][col]
        + p["unrest_austerity"][col] * popped * r_rec
        + (p["unrest_demobilisation"] * dep)[col] * (1.0 - popped) * r_dem
    )
    const = (p["hazard_base"] - p["hazard_repression"] * p["repression"])[col]
    a_part = np.exp(const + g_h[col] * hh + p["hazard_unrest"][col] * uu)  # (n, T, H)
    r_b = (1.0 - p["backlash_decay"])[:, None] ** np.arange(h_n, dtype=float)[None, :]
    b_part = np.exp((g_h * backlash)[:, None, None] * r_b[:, :, None] * b_grid[None, None, :])
    return 1.0 - np.exp(-np.matmul(a_part, b_part))


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
    return maximize(obj, start, ts, step=0.02)


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
    The caller evaluates the true objective at the LP point and polishes it.
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
    actor_rows = []
    for a in actors:
        actor_rows.append(len(rows))
        a_pos = e_actors.index(int(a))
        r = row()  # s + sum s_aj e_aj [+ kappa] [+ J sum r] <= 1 - w_a
        r[i_s] = 1.0
        r[ie + a_pos * k : ie + (a_pos + 1) * k] = sal[a]
        if use_reg and a == reg:
            r[ik] = 1.0
        if use_rat and a == rat:
            r[ir : ir + n_r] = v.rat_penalty
        rows.append(r)
        rhs.append(1.0 - w[a])
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
