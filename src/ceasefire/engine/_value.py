"""Per-path values on an infinite horizon: fighting on, settling, beliefs, breakable deals.

Every value is a per-month equivalent on the utility scale: a stream x_t is
worth V_t = (1 - delta) sum_tau delta^tau x_{t+tau}, so that holding an outcome
of utility u forever is worth u.

**Infinite horizon.** The simulation runs the reported months T plus a tail;
the last simulated month closes the recursion with a stationary continuation,
V_{L-1} = x_{L-1} (that month's flow held forever), and
V_t = (1 - delta) x_t + delta V_{t+1} below it. The removal of the regime
actor's leader costs K utility-months, so its discounted expected punishment is
P_t = (1 - delta) K q_t + delta (1 - q_t) P_{t+1}, q_t = 1 - exp(-lambda_t), closed
by the stationary P = (1 - delta) K q / (1 - delta (1 - q)).

**State-conditional values (least-squares Monte Carlo).** On each path the
realised discounted value Y_{p,t,i} of fighting on from month t is regressed,
month by month and world by world, on the path's state at t (held share of the
fronts and its square, contest share, bubble popped, fiscal buffer, unrest,
hardliner discontent); the fitted value w_{p,t,i} = E[Y | state_{p,t}] is actor
i's value of fighting on, conditional on what has happened on that path and on
nothing after t (Longstaff & Schwartz 2001).

**No look-ahead.** An actor at month t knows the lever values up to t. It
expects the scenario's baseline lever path (a forecast stated as of the
scenario's date) shifted by today's deviation from it:
E_t[l_s] = b_s + (l_t - b_t). When a user's lever path differs from that
expectation after t, the continuation from month t is simulated again from
each path's realised state at t under the expected levers, with the same
random numbers; otherwise the realised continuation is that simulation.

**Beliefs and learning** (Slantchev 2003; Smith & Stam 2004; Wagner 2000;
Reiter 2009). Side a's prior optimism mu_a0 is an extra monthly drift of the
fronts in its favour. Each month it reads the front's trend with noise
sigma (``belief_noise``: the fog of war) and updates by Bayes' rule with a
prior worth n0 months of evidence (``belief_strength``):
mu_{a,t} = (n0 mu_a0 + sum_{s<t} y_{a,s}) / (n0 + t), y_{a,s} ~ N(0, sigma^2) since
the simulated world has no extra drift. Its perceived value of fighting is the
LSM value plus a first-order correction, w~_{a,t} = w_{a,t} + mu_{a,t} dw_a/dmu
(side b: minus, its optimism drifts the fronts its way), with dw/dmu estimated
by a second simulation with the fronts drifting by epsilon more a month (same
random numbers), regressed the same way and evaluated at the realised state.

**Breakable deals** (Fortna 2003, 2004; Powell 2006). A deal z breaks down in a
month with probability h(z) = min(0.5, h0 exp(sum_k beta_k (z_k - 1/2))), with h0
the shared ``breakdown_base`` and beta_k the scenario's ``engine.breakdown``
(guarantees and foreign troops lower it, an expected shift of power raises it).
Settling is then worth S = ((1 - delta) u(z) + delta h W) / (1 - delta + delta h),
the value of peace while it holds mixed with renewed war, valued at today's
value of fighting W. The deal holds 12 months with probability (1 - h)^12.

**Regime type and how the war ends** (Goemans 2000; Chiozza & Goemans 2011; Debs &
Goemans 2010; Croco 2011). When the scenario states ``roles.regime_type``, a deal z is
classified for the regime actor R by its loss
l(z) = clip((u_R(q) - u_R(z)) / (u_R(q) - u_R(worst)), 0, 1), with u_R its policy utility
(no red-line penalty), q the status quo it fights from and "worst" the corner of the issue
box farthest from its ideal: l = 0 for a win or a draw (terms at least as good as q; its
own maximal plan is a win by construction), 1/2 is a moderate loss, 1 a disastrous one.
At the settlement the leader is removed at once with probability pi(type, l), and what
removal then costs is K sigma(type, l) (both piecewise linear through l = 0, 1/2, 1;
``removal_*`` and ``punishment_scale_*`` parameters), so the tables become
P' = sigma (pi (1 - delta) K + (1 - pi) P) and R' = pi + (1 - pi) R. At war removal costs
K sigma_war (sigma_war = ``punishment_scale_democracy`` for a democracy, 1 otherwise).
Without a regime type none of this applies and the numbers are the mechanism's above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ..bargaining._spatial import spatial_utility
from ..scenario._engine import REGIME_TYPES
from . import _kernel
from ._sim import (
    Compiled,
    Noise,
    SimPaths,
    Switches,
    initial_state,
    run_from,
    state_at,
    world_values,
)

F = NDArray[np.float64]

__all__ = [
    "BREAKDOWN_CAP",
    "REGIME_TYPES",
    "PathValues",
    "RegimeOutcome",
    "SideLeader",
    "breakdown_hazard",
    "outcome_class",
    "path_values",
    "regime_outcome",
    "settle_mix",
    "side_leader",
]

B_GRID = 21  # backlash grid of the post-settlement removal tables
H_GRID = 41  # hardliner-discontent grid of the post-settlement removal tables
H_RANGE = (-1.0, 7.0)  # fixed (a grid fitted to the paths would let later months move earlier ones)
SETTLE_TAIL = 240  # months of post-settlement hazard before its stationary closure
DRIFT_EPS = 0.002  # front drift of the belief-derivative simulation (share/month)
RIDGE = 1e-8


def discount_back(x: F, delta: float) -> F:
    """V_t = (1 - delta) x_t + delta V_{t+1}, V_{last} = x_{last} (axis 1 is time)."""
    y = np.empty_like(x)
    y[:, -1] = x[:, -1]
    for t in range(x.shape[1] - 2, -1, -1):
        y[:, t] = (1 - delta) * x[:, t] + delta * y[:, t + 1]
    return y


def punishment_back(lam: F, k: F, delta: float) -> F:
    """Discounted expected punishment (per-month units) from each month, removal intensity lam."""
    q = 1.0 - np.exp(-lam)
    kk = (1 - delta) * k[:, None] * np.ones_like(q)
    out = np.empty_like(q)
    out[:, -1] = kk[:, -1] * q[:, -1] / (1 - delta * (1 - q[:, -1]))
    for t in range(q.shape[1] - 2, -1, -1):
        out[:, t] = kk[:, t] * q[:, t] + delta * (1 - q[:, t]) * out[:, t + 1]
    return out


BREAKDOWN_CAP = 0.5  # the monthly breakdown hazard of a signed deal is capped here


def breakdown_hazard(c: Compiled, z: F, base: F | float) -> F:
    """Monthly breakdown probability of deals z (..., K); ``base`` broadcasts against z[..., 0]."""
    sc = c.scenario
    expo = np.zeros(z.shape[:-1])
    for iid, q in c.spec.breakdown.items():
        expo = expo + q.value * (z[..., sc.issue_ids.index(iid)] - 0.5)
    return np.minimum(BREAKDOWN_CAP, np.asarray(base) * np.exp(expo))


def settle_mix(u: F, h: F, w: F, delta: float) -> F:
    """Value of settling: peace worth u while it holds, renewed war worth w after a breakdown."""
    return ((1 - delta) * u + delta * h * w) / (1 - delta + delta * h)


@dataclass(frozen=True)
class RegimeOutcome:
    """How a settlement ends the war for the regime actor, and what that does to its leader.

    Per row (R = worlds x paths): ``jump`` the removal probability at the settlement and
    ``scale`` the share of K that removal then costs, at the loss anchors 0, 1/2, 1;
    ``war_scale`` the share of K that removal costs at war; ``k`` the scenario's K.
    """

    regime: int
    kind: str
    ideal: F  # (K,)
    salience: F  # (K,)
    risk: float
    u_q: float  # policy utility of the status quo
    u_min: float  # policy utility of the worst corner of the issue box
    jump: F  # (R, 3)
    scale: F  # (R, 3)
    war_scale: F  # (R,)
    k: F  # (R,)
    delta: float  # the monthly discount factor

    def utility(self, z: F) -> F:
        d = np.abs(np.asarray(z, dtype=float) - self.ideal)
        return 1.0 - (self.salience * d**self.risk).sum(axis=-1)

    def loss(self, z: F) -> F:
        """l(z) in [0, 1] for deals z (..., K): 0 win or draw, 1/2 moderate, 1 disastrous loss."""
        span = self.u_q - self.u_min
        if span <= 1e-12:
            return np.zeros(np.shape(z)[:-1])
        return np.clip((self.u_q - self.utility(z)) / span, 0.0, 1.0)

    def subset(self, sel: slice | NDArray[np.intp], paths: int | None = None) -> RegimeOutcome:
        """The rows ``sel``; with ``paths``, one row per world (rows are world-major)."""

        def take(a: F) -> F:
            if paths is not None:
                return a.reshape(-1, paths, *a.shape[1:])[:, 0][sel]
            return a[sel]

        return replace(
            self,
            jump=take(self.jump),
            scale=take(self.scale),
            war_scale=take(self.war_scale),
            k=take(self.k),
        )

    def _at(self, loss: F, lead: int | None) -> tuple[F, F, F]:
        """(removal probability, share of K it costs, K) at the deals' losses.

        ``lead`` axes between this object's rows and ``loss``'s own (the rows come first);
        None: the rows averaged into one (a valuation of one world, whose parameters are
        the same on every path).
        """
        jump, scale, k = self.jump, self.scale, self.k
        if lead is None:
            jump, scale, k = jump.mean(axis=0), scale.mean(axis=0), k.mean()
        else:
            extra = [1] * lead
            jump = jump.reshape(len(jump), *extra, 3)
            scale = scale.reshape(len(scale), *extra, 3)
            k = k.reshape(len(k), *extra)
        return _anchor(jump, loss), _anchor(scale, loss), k

    def adjust(self, pun: F, rem: F, loss: F, *, per_row: bool) -> tuple[F, F]:
        """Punishment and removal tables after settling on deals of loss ``loss``.

        ``pun`` and ``rem`` were computed with the scenario's K. With ``per_row`` their
        leading axis is this object's rows; without, the rows are averaged into one.
        ``loss`` broadcasts against the tables' trailing axes.
        """
        p, sg, k = self._at(loss, pun.ndim - 1 if per_row else None)
        return sg * (p * (1 - self.delta) * k + (1 - p) * pun), p + (1 - p) * rem

    def affine(self, loss: F) -> tuple[F, F]:
        """(a, b) with the punishment after settling = a + b * pun (the table's value).

        One per row of this object and entry of ``loss``: shapes (rows, *loss.shape).
        The same numbers as :meth:`adjust` with ``per_row``, split so that a kernel can
        apply them to its own interpolation of the table.
        """
        p, sg, k = self._at(loss, np.ndim(loss))
        return sg * p * (1 - self.delta) * k, sg * (1 - p)

    def removal_cost(self, loss: F, *, per_row: bool) -> F:
        """Per-month equivalent of the removal cost at a settlement alone (no table):
        :meth:`adjust` with zero tables; (rows, *loss.shape) with ``per_row``."""
        p, sg, k = self._at(loss, np.ndim(loss) if per_row else None)
        return sg * (p * (1 - self.delta) * k)


def _anchor(vals: F, loss: F) -> F:
    """Piecewise-linear interpolation of vals (..., 3) at loss 0, 1/2, 1."""
    lo = np.where(loss <= 0.5, vals[..., 0], vals[..., 1])
    hi = np.where(loss <= 0.5, vals[..., 1], vals[..., 2])
    f = np.where(loss <= 0.5, loss * 2.0, loss * 2.0 - 1.0)
    return lo + (hi - lo) * f


def outcome_class(loss: float) -> str:
    """Goemans' (2000) outcome categories for a settlement of loss ``loss``."""
    if loss <= 0.0:
        return "win or draw"
    if loss < 0.75:
        return "moderate loss"
    return "disastrous loss"


def regime_outcome(c: Compiled) -> RegimeOutcome | None:
    """The regime-type mechanism of ``c``, or None (no regime actor or no regime type)."""
    sc, roles = c.scenario, c.spec.roles
    if roles.regime is None or roles.regime_type is None:
        return None
    wv = world_values(c)
    k = wv["punishment"] if c.switches.leader_survival else np.zeros(c.worlds)
    return _outcome(c, sc.actor_index(roles.regime), roles.regime_type, k, wv)


def _outcome(c: Compiled, r: int, kind: str, k: F, wv: dict[str, F]) -> RegimeOutcome:
    """Goemans' anchors for actor ``r`` of regime type ``kind`` with K ``k`` per world."""
    sc = c.scenario

    def rows(x: F) -> F:
        return np.repeat(x, c.paths, axis=0)

    one = np.ones(c.worlds)
    zero = np.zeros(c.worlds)
    jump = np.stack(
        [zero, wv[f"removal_moderate_{kind}"], wv[f"removal_disastrous_{kind}"]], axis=-1
    )
    if kind == "democracy":
        d = wv["punishment_scale_democracy"]
        scale, war = np.stack([d, d, d], axis=-1), d
    elif kind == "mixed":
        scale, war = np.stack([wv["punishment_scale_mixed_draw"], one, one], axis=-1), one
    else:
        scale, war = np.stack([one, one, one], axis=-1), one
    x = sc.ideal[r].astype(float)
    sal = sc.salience[r].astype(float)
    q = float(sc.risk[r])
    worst = np.where(x > 0.5, 0.0, 1.0)
    u = 1.0 - (sal * np.abs(np.stack([sc.status_quo, worst]) - x) ** q).sum(axis=-1)
    return RegimeOutcome(
        regime=r,
        kind=kind,
        ideal=x,
        salience=sal,
        risk=q,
        u_q=float(u[0]),
        u_min=float(u[1]),
        jump=rows(jump),
        scale=rows(scale),
        war_scale=rows(war),
        k=rows(k),
        delta=c.discount,
    )


@dataclass(frozen=True)
class SideLeader:
    """The other belligerent's leader as a second regime actor (docs/model.md §4.3.2).

    ``outcome`` holds Goemans' anchors for this actor (its loss from a deal, the removal
    jump at the settlement and the share of its K that removal costs); ``q`` the monthly
    removal probability while the war goes on (elections); ``war_cost`` (R,) its
    per-month equivalent, ``(1 - delta) K' q / (1 - delta (1 - q))`` with K' the war-time
    share of K, subtracted from the actor's value of fighting on.
    """

    actor: int
    outcome: RegimeOutcome
    q: float
    war_cost: F  # (R,)

    def settle_cost(self, z: F, *, per_row: bool) -> F:
        """Per-month equivalent of the removal cost after settling on deals z (..., K)."""
        return self.outcome.removal_cost(self.outcome.loss(z), per_row=per_row)

    def removal(self, z: F) -> F:
        """The removal probability at a settlement on deals z (..., K), world-averaged."""
        ro = self.outcome
        return _anchor(ro.jump.mean(axis=0), ro.loss(z))

    def subset(self, sel: slice | NDArray[np.intp], paths: int | None = None) -> SideLeader:
        """The rows ``sel``; with ``paths``, one row per world (rows are world-major)."""
        wc = self.war_cost.reshape(-1, paths)[:, 0][sel] if paths else self.war_cost[sel]
        return replace(self, outcome=self.outcome.subset(sel, paths), war_cost=wc)


def side_leader(c: Compiled) -> SideLeader | None:
    """The scenario's second regime actor (``roles.leader_b``), or None."""
    lb = c.spec.roles.leader_b
    if lb is None:
        return None
    wv = world_values(c)
    if not c.switches.leader_survival:
        k = np.zeros(c.worlds)
    elif lb.punishment is not None:
        k = np.full(c.worlds, float(lb.punishment))
    else:
        k = wv["punishment"]
    ro = _outcome(c, c.scenario.actor_index(lb.actor), lb.regime_type, k, wv)
    q, d = float(lb.war_removal), c.discount
    war_cost = ro.war_scale * ro.k * (1 - d) * q / (1 - d * (1 - q)) if q > 0 else 0 * ro.k
    return SideLeader(actor=ro.regime, outcome=ro, q=q, war_cost=war_cost)


def expected_levers(c: Compiled, t: int) -> dict[str, F]:
    """What an actor at month t expects every lever to be: baseline shifted by today's deviation."""
    out = {}
    for name, path in c.levers.items():
        base = c.baseline.get(name, path)
        out[name] = np.concatenate([path[:t], base[t:] + (path[t] - base[t])])
    return out


def _rerun_months(c: Compiled, t_n: int) -> NDArray[np.bool_]:
    """(t_n,) whether, at month t, the expected levers differ from the realised ones.

    The same test as ``np.allclose(expected_levers(c, t)[k][t:], c.levers[k][t:])`` for
    every lever and month (the same arithmetic: base[s] + (path[t] - base[t]) against
    path[s]), for all months at once.
    """
    out = np.zeros(t_n, dtype=bool)
    for name, path in c.levers.items():
        base = np.asarray(c.baseline.get(name, path), dtype=float)
        path = np.asarray(path, dtype=float)
        m = min(t_n, len(path))
        exp = base[None, :] + (path[:m] - base[:m])[:, None]  # (t, s): expected at t for s
        close = np.abs(exp - path[None, :]) <= 1e-8 + 1e-5 * np.abs(path[None, :])
        later = np.arange(len(path))[None, :] >= np.arange(m)[:, None]
        out[:m] |= (~close & later).any(axis=1)
    return out


@dataclass(frozen=True)
class PathValues:
    """Per-path values (rows R = worlds x paths, months T, actors n)."""

    compiled: Compiled
    fight: F  # (R, T, n) perceived value of fighting on
    fight_true: F  # (R, T, n) LSM value without the belief correction
    fight_y: F  # (R, T, n) realised discounted value plus the belief correction (its mean over
    # a world's paths equals the LSM values' mean: least squares with an intercept)
    belief: F  # (R, T, 2) posterior optimism of side a and side b
    dw_dmu: F  # (R, T, n) value derivative wrt an extra front drift toward side a
    pun_table: F  # (R, T, B) regime actor's discounted punishment after settling, by backlash
    rem_table: F  # (R, T, B) its removal probability within T months after settling
    p_fight: F  # (R, T) its removal probability within T months when fighting on
    fronts: F  # (R, T, F)
    breakdown_base: F  # (R,)
    punishment: F  # (R,)
    b_grid: F  # (B,)
    r2: F  # (T, n) in-sample R^2 of the LSM regressions (world 0)
    regime_outcome: RegimeOutcome | None = None  # regime type x how the war ends (or None)
    leader_b: SideLeader | None = None  # the other belligerent's leader (or None)


def _features(c: Compiled, sim: SimPaths, cols: slice) -> F:
    weight = np.array([fr.weight.value if fr.weight else 1.0 for fr in c.spec.fronts])
    if weight.size:
        ow = (sim.fronts[:, cols] * weight).sum(axis=-1) / weight.sum()
    else:
        ow = np.zeros(sim.theta[:, cols].shape)
    return np.stack(
        [
            ow,
            ow**2,
            sim.theta[:, cols],
            sim.popped[:, cols].astype(float),
            sim.buffer[:, cols],
            sim.unrest[:, cols],
            sim.hardliners[:, cols],
        ],
        axis=-1,
    )


def _flows(c: Compiled, sim: SimPaths, t0: int, levers: dict[str, F], sal: F) -> F:
    """Monthly utility flows of fighting on (R, steps - t0, n), from month t0."""
    sc, spec = c.scenario, c.spec
    # Only the fronts differ between paths; the other issues follow the levers (or stay at
    # the status quo), the same on every path: u = u_fronts + u_others - 1.
    fi = list(c.front_issue)
    oi = [k for k in range(len(sc.issues)) if k not in fi]

    def part(z: F, idx: list[int]) -> F:
        return spatial_utility(
            z,
            sc.ideal[:, idx],
            sal[:, idx],
            risk=sc.risk,
            red_line=sc.red_line[:, idx],
            penalty=sc.penalty,
        )

    u = part(sim.z_war[:, :, fi], fi) if fi else np.ones((*sim.z_war.shape[:2], len(sc.actors)))
    if oi:
        u = u + part(sim.z_war[0][:, oi], oi)[None] - 1.0
    cost = np.zeros((c.steps - t0, len(sc.actors)))
    for actor, q in spec.war_cost.items():
        cost[:, sc.actor_index(actor)] += q.value
    for actor, q in spec.aid_cost.items():
        cost[:, sc.actor_index(actor)] += q.value * levers["aid"][t0:]
    return u - cost[None]


def dev_tables(c: Compiled, sim: SimPaths) -> F:
    """Mean over paths of |z_war_k - x_ak|^q_a per month, actor and issue: (steps, n, K)."""
    sc = c.scenario
    x, q = sc.ideal, sc.risk
    out = np.empty((c.steps, *x.shape))
    fi = list(c.front_issue)
    oi = [k for k in range(len(sc.issues)) if k not in fi]
    for idx, z in ((fi, sim.z_war[:, :, fi]), (oi, sim.z_war[:1][:, :, oi])):
        if not idx:
            continue
        d = np.abs(z[:, :, None, :] - x[:, idx])
        if np.any(q != 1.0):
            d = d ** q[:, None]
        out[:, :, idx] = d.mean(axis=0)
    return out


def _targets(
    c: Compiled, sim: SimPaths, t0: int, levers: dict[str, F], sal: F, k: F, keep: int
) -> F:
    """Realised discounted values of fighting on from the first ``keep`` months of ``sim``.

    (R, keep, n). Through the compiled kernel where numba is installed.
    """
    if USE_NUMBA and _kernel.targets_available():
        return _targets_kernel(c, sim, t0, levers, sal, k, keep)
    y = discount_back(_flows(c, sim, t0, levers, sal), c.discount)
    reg = c.spec.roles.regime
    if reg is not None:
        y[..., c.scenario.actor_index(reg)] -= punishment_back(sim.hazard, k, c.discount)
    return y[:, :keep]


USE_NUMBA = True  # the compiled target kernel when numba is installed (tests compare both)


def _targets_kernel(
    c: Compiled, sim: SimPaths, t0: int, levers: dict[str, F], sal: F, k: F, keep: int
) -> F:
    sc, spec = c.scenario, c.spec
    r, m = sim.z_war.shape[:2]
    n_a = len(sc.actors)
    fi = list(c.front_issue)
    oi = [j for j in range(len(sc.issues)) if j not in fi]
    if oi:
        u_oth = spatial_utility(
            sim.z_war[0][:, oi],
            sc.ideal[:, oi],
            sal[:, oi],
            risk=sc.risk,
            red_line=sc.red_line[:, oi],
            penalty=sc.penalty,
        )
    else:
        u_oth = np.zeros((m, n_a))
    cost = np.zeros((c.steps - t0, n_a))
    for actor, q in spec.war_cost.items():
        cost[:, sc.actor_index(actor)] += q.value
    for actor, q in spec.aid_cost.items():
        cost[:, sc.actor_index(actor)] += q.value * levers["aid"][t0:]
    rl = sc.red_line[:, fi]
    l_act, l_iss = np.nonzero(~np.isnan(rl)) if sc.penalty else (np.zeros(0, int),) * 2
    l_rr = rl[l_act, l_iss]
    l_up = sc.ideal[:, fi][l_act, l_iss] <= l_rr
    reg_name = spec.roles.regime
    reg = sc.actor_index(reg_name) if reg_name is not None else -1
    q_rem = 1.0 - np.exp(-sim.hazard) if reg >= 0 else np.zeros((r, m))
    out = np.empty((r, min(keep, m), n_a))
    _kernel.targets(
        sim.z_war,
        np.array(fi, dtype=np.int64),
        np.ascontiguousarray(sc.ideal[:, fi]),
        np.ascontiguousarray(sal[:, fi]),
        np.asarray(sc.risk, dtype=float),
        bool(np.any(sc.risk != 1.0)),
        l_act.astype(np.int64),
        l_iss.astype(np.int64),
        l_rr.astype(float),
        l_up,
        float(sc.penalty),
        np.ascontiguousarray(u_oth),
        bool(oi),
        cost,
        np.ascontiguousarray(q_rem),
        (1 - c.discount) * k,
        reg,
        float(c.discount),
        out,
    )
    return out


class _Lsm:
    """Month-by-month, world-by-world least squares of Y on standardised state features."""

    def __init__(self, x: F, y: F, worlds: int) -> None:
        r, t, f = x.shape
        n = r // worlds
        xw = x.reshape(worlds, n, t, f)
        self.mu = xw.mean(axis=1, keepdims=True)
        sd = xw.std(axis=1, keepdims=True)
        self.sd = np.where(sd > 1e-9, sd, np.inf)
        xs = self._design(xw)
        yw = y.reshape(worlds, n, t, -1)
        xtx = np.einsum("wntf,wntg->wtfg", xs, xs) + RIDGE * n * np.eye(f + 1)
        xty = np.einsum("wntf,wntk->wtfk", xs, yw)
        self.beta = np.linalg.solve(xtx, xty)
        self.worlds = worlds
        fit = np.einsum("wntf,wtfk->wntk", xs, self.beta)
        res = ((yw - fit) ** 2).sum(axis=1)
        tot = ((yw - yw.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
        self.r2 = np.where(tot > 1e-15, 1 - res / np.where(tot > 1e-15, tot, 1.0), 1.0)[0]

    def _design(self, xw: F) -> F:
        z = (xw - self.mu) / self.sd
        return np.concatenate([np.ones((*z.shape[:-1], 1)), z], axis=-1)

    def predict(self, x: F) -> F:
        r, t, f = x.shape
        xs = self._design(x.reshape(self.worlds, r // self.worlds, t, f))
        return np.einsum("wntf,wtfk->wntk", xs, self.beta).reshape(r, t, -1)


def _fight_values(
    c: Compiled, sim: SimPaths, noise: Noise, sal: F, k: F, drift: float = 0.0
) -> tuple[F, F, F, _Lsm]:
    """Realised targets Y (R, T, n), features X (R, T, F), removal probability and the LSM."""
    t_n = c.months
    p = dict(sim.params)
    if drift:
        p["_drift"] = np.full(c.rows, drift)

        sim = run_from(c, p, initial_state(c, p), 0, noise, c.levers)
    y = _targets(c, sim, 0, c.levers, sal, k, t_n).copy()
    cum = np.concatenate([np.zeros((c.rows, 1)), np.cumsum(sim.hazard, axis=1)], axis=1)
    end = np.minimum(np.arange(t_n) + t_n, c.steps)  # removal within T months (or the tail)
    p_rem = 1.0 - np.exp(-(cum[:, end] - cum[:, :t_n]))
    rerun = _rerun_months(c, t_n)
    for t in range(t_n):
        if rerun[t]:
            lev = expected_levers(c, t)
            cont = run_from(c, p, state_at(sim, t), t, noise, lev)
            y[:, t] = _targets(c, cont, t, lev, sal, k, 1)[:, 0]
            cc = np.cumsum(cont.hazard[:, :t_n], axis=1)
            p_rem[:, t] = 1.0 - np.exp(-cc[:, -1])
    x = _features(c, sim, slice(0, t_n))
    return y, x, p_rem, _Lsm(x, y, c.worlds)


# The other side's outside support by default (a belief may name its own levers): side A's
# actor (the Kremlin) expects Western aid to side B to end; side B's, side A's foreign troops.
SUPPORT_LEVERS = {"side_a": ("aid",), "side_b": ("foreign_troops",)}


def support_months(c: Compiled) -> list[tuple[int, float, tuple[str, ...]]]:
    """(actor index, months it expects the other side's support to last, the levers) of
    each belligerent that states such a belief."""
    sc, spec = c.scenario, c.spec
    out = []
    for role in ("side_a", "side_b"):
        actor = getattr(spec.roles, role)
        b = spec.beliefs.get(actor)
        if b is not None and b.support_months is not None:
            levers = tuple(b.support_levers) if b.support_levers else SUPPORT_LEVERS[role]
            out.append((sc.actor_index(actor), float(b.support_months.value), levers))
    return out


def _without_support(
    paths: dict[str, F], levers: tuple[str, ...], months: float, t: int
) -> dict[str, F]:
    """``paths`` with ``levers`` at 0 from month max(months, t) on (copies)."""
    lev = {k: v.copy() for k, v in paths.items()}
    start = max(math.ceil(months), t)
    for name in levers:
        lev[name][start:] = 0.0
    return lev


def _support_values(
    c: Compiled, sim: SimPaths, noise: Noise, sal: F, k: F, x: F, p: dict[str, F]
) -> list[tuple[int, F, F, F]]:
    """For each side that states ``support_months`` S: its values under that belief.

    The paths are simulated again with the other side's support at 0 from month S (common
    random numbers); the holder's value at month t is regressed on that simulation's state
    and evaluated at the realised state (``fit_b``), with the realised-path analogue
    ``y_b`` (same mean). Where the lever paths differ from the baseline (a lever file),
    each such month continues from the realised state under the believed paths, as the
    values without the belief do. Learning: nothing refutes the belief before month S;
    after it, each month the support goes on counts as evidence, and the belief's weight
    is ``omega_t = n0 / (n0 + max(0, t - S))`` (n0 ``belief_strength``). Returns (actor,
    fit_b (R, T), y_b (R, T), omega (R, T)) per holder.
    """
    t_n = c.months
    out = []
    for a_idx, months, names in support_months(c):
        # the realised paths, as for the values without the belief: at every month that
        # is not re-simulated below they are what an actor then expects from then on
        lev0 = _without_support(c.levers, names, months, 0)
        sim_b = run_from(c, p, initial_state(c, p), 0, noise, lev0)
        y_b = _targets(c, sim_b, 0, lev0, sal, k, t_n)[..., a_idx].copy()
        x_b = _features(c, sim_b, slice(0, t_n))
        rerun = _rerun_months(c, t_n)
        for t in range(t_n):
            if rerun[t]:
                lev = _without_support(expected_levers(c, t), names, months, t)
                cont = run_from(c, p, state_at(sim, t), t, noise, lev)
                y_b[:, t] = _targets(c, cont, t, lev, sal, k, 1)[:, 0, a_idx]
                x_b[:, t] = x[:, t]
        fit_b = _Lsm(x_b, y_b[..., None], c.worlds).predict(x)[..., 0]
        n0 = p["belief_strength"][:, None]
        late = np.maximum(0.0, np.arange(t_n, dtype=float)[None, :] - months)
        den = n0 + late
        omega = np.where(den > 0, n0 / np.where(den > 0, den, 1.0), 1.0)
        out.append((a_idx, fit_b, y_b, omega))
    return out


def path_values(
    c: Compiled,
    sim: SimPaths,
    noise: Noise,
    sal: F | None = None,
    dw_from: PathValues | None = None,
) -> PathValues:
    """Every actor's per-path values of fighting on, and the regime's settlement tables.

    ``dw_from``, the path values of the same paths under other switches or levers, lends
    its belief derivative dw/dmu (so a counterfactual needs no second simulation: the
    derivative is held at the baseline's, a first-order approximation).
    """
    sc, spec, sw = c.scenario, c.spec, c.switches
    sal = sc.salience if sal is None else sal
    p = sim.params
    t_n, n_act = c.months, len(sc.actors)
    k = p["punishment"] if sw.leader_survival else np.zeros(c.rows)
    ro = regime_outcome(c)
    if ro is not None:
        k = k * ro.war_scale  # what removal at war costs this regime type's leader
    y, x, p_rem, lsm = _fight_values(c, sim, noise, sal, k)
    fit = lsm.predict(x)

    # beliefs and learning
    roles = spec.roles
    sides = [sc.actor_index(roles.side_a), sc.actor_index(roles.side_b)]
    wv = world_values(c)
    mu0 = np.zeros((c.rows, 2))
    for j, actor in enumerate((roles.side_a, roles.side_b)):
        b = spec.beliefs.get(actor)
        key = f"optimism.{actor}"
        vals = c.world_inputs.get(key, np.full(c.worlds, b.optimism.value if b else 0.0))
        mu0[:, j] = np.repeat(vals, c.paths)
    n0 = p["belief_strength"][:, None, None]
    sig = p["belief_noise"][:, None, None]
    obs = np.concatenate(
        [np.zeros((c.rows, 1, 2)), np.cumsum(sig * sim.eps_obs[:, : t_n - 1], axis=1)], axis=1
    )
    tt = np.arange(t_n, dtype=float)[None, :, None]
    denom = n0 + tt
    belief = np.where(denom > 0, (n0 * mu0[:, None, :] + obs) / np.where(denom > 0, denom, 1), 0)
    belief = np.where(denom > 0, belief, mu0[:, None, :])
    corr = np.zeros_like(fit)
    corr_y = np.zeros_like(fit)
    dw = np.zeros_like(fit)
    if np.any(mu0 != 0) and dw_from is not None:
        dw = dw_from.dw_dmu
        for j, sign in ((0, 1.0), (1, -1.0)):
            corr[..., sides[j]] = sign * belief[..., j] * dw[..., sides[j]]
        corr_y = corr.copy()
    elif np.any(mu0 != 0):
        y_eps, _, _, lsm_eps = _fight_values(c, sim, noise, sal, k, drift=DRIFT_EPS)
        dw = (lsm_eps.predict(x) - fit) / DRIFT_EPS
        dy = (y_eps - y) / DRIFT_EPS  # per path (common random numbers); same mean as dw
        for j, sign in ((0, 1.0), (1, -1.0)):
            corr[..., sides[j]] = sign * belief[..., j] * dw[..., sides[j]]
            corr_y[..., sides[j]] = sign * belief[..., j] * dy[..., sides[j]]
    fight = fit + corr
    fight_y = y + corr_y
    # beliefs about how long the other side's outside support lasts (support_months)
    for a_idx, fit_b, y_b, omega in _support_values(c, sim, noise, sal, k, x, p):
        fight[..., a_idx] += omega * (fit_b - fit[..., a_idx])
        fight_y[..., a_idx] += omega * (y_b - y[..., a_idx])

    pun, rem, b_grid = _settle_tables(c, sim, wv)
    del n_act
    lb = side_leader(c)
    if lb is not None and lb.q > 0:  # the second leader's removal risk while fighting on
        for arr in (fight, fit, fight_y):
            arr[..., lb.actor] -= lb.war_cost[:, None]
    return PathValues(
        compiled=c,
        fight=fight,
        fight_true=fit,
        fight_y=fight_y,
        belief=belief,
        dw_dmu=dw,
        pun_table=pun,
        rem_table=rem,
        p_fight=p_rem,
        fronts=sim.fronts[:, :t_n],
        breakdown_base=p["breakdown_base"],
        punishment=k,
        b_grid=b_grid,
        r2=lsm.r2,
        regime_outcome=ro,
        leader_b=lb,
    )


def _settle_tables(c: Compiled, sim: SimPaths, wv: dict[str, F]) -> tuple[F, F, F]:
    """Regime actor's punishment and removal risk after settling at (path, month), by backlash.

    After a settlement at month t, hardliner discontent relaxes from H_t to its base
    and jumps by ``backlash`` times the hardliners' utility loss b (fading at
    ``backlash_decay``); unrest carries the austerity of a popped bubble (fading at
    ``recovery_rate``) or the demobilisation shock (times war dependence, fading at
    ``demobilisation_decay``). The hazard path depends on the path only through
    (H_t, popped_t), so it is tabulated per world on a grid of H and interpolated.
    """
    sw, t_n, delta = c.switches, c.months, c.discount
    w_n = c.worlds
    b_grid = np.linspace(0.0, 1.0, B_GRID)
    hs = sim.hardliners[:, :t_n]
    h_lo, h_hi = H_RANGE
    h_grid = np.linspace(h_lo, h_hi, H_GRID)

    pun_tab = np.empty((w_n, H_GRID, 2, B_GRID))
    rem_tab = np.empty((w_n, H_GRID, 2, B_GRID))
    # a few worlds at a time: each world's grid is (H, 2, B, tau), 3 MB a temporary
    for lo in range(0, w_n, TABLE_WORLDS):
        ws = slice(lo, min(lo + TABLE_WORLDS, w_n))
        pun_tab[ws], rem_tab[ws] = _tables_block(
            {name: v[ws] for name, v in wv.items()}, sw, t_n, delta, h_grid, b_grid
        )
    # interpolate per row and month
    world = np.repeat(np.arange(w_n), c.paths)[:, None]
    f = np.clip((hs - h_lo) / (h_hi - h_lo) * (H_GRID - 1), 0, H_GRID - 1 - 1e-9)
    i = f.astype(np.intp)
    wgt = (f - i)[..., None]
    pp = sim.popped[:, :t_n].astype(np.intp)

    def interp(tab: F) -> F:
        return tab[world, i, pp] * (1 - wgt) + tab[world, i + 1, pp] * wgt

    return interp(pun_tab), interp(rem_tab), b_grid


def interp_b(table: F, b: F, b_grid: F) -> F:
    """table (..., B) at backlash b (..., M) on a uniform grid: (..., M)."""
    g = len(b_grid)
    f = np.clip(b / b_grid[-1] * (g - 1), 0, g - 1 - 1e-12)
    i = f.astype(np.intp)
    w = f - i
    lo = np.take_along_axis(table, i, axis=-1)
    hi = np.take_along_axis(table, i + 1, axis=-1)
    return lo * (1 - w) + hi * w


TABLE_WORLDS = 2  # worlds per block of the settlement tables (cache-sized temporaries)


def _tables_block(
    wv: dict[str, F], sw: Switches, t_n: int, delta: float, h_grid: F, b_grid: F
) -> tuple[F, F]:
    """The punishment and removal tables (W, H, 2, B) of a block of worlds."""
    w_n = len(wv["punishment"])

    def col(name: str) -> F:
        return wv[name][:, None, None, None, None]

    zeros = np.zeros(w_n)
    k = wv["punishment"] if sw.leader_survival else zeros
    backlash = wv["backlash"] if sw.leader_survival else zeros
    dep = wv["war_dependence"] if sw.war_economy else zeros
    g_h = wv["hazard_hardliners"] if sw.hardliners else zeros
    tau = np.arange(SETTLE_TAIL, dtype=float)[None, None, None, None, :]
    hg = h_grid[None, :, None, None, None]
    pop = np.array([0.0, 1.0])[None, None, :, None, None]
    bg = b_grid[None, None, None, :, None]
    hb = col("hardliner_base")
    hh = hb + (hg - hb) * (1 - col("hardliner_decay")) ** tau
    hh = hh + (backlash[:, None, None, None, None] * bg) * (1 - col("backlash_decay")) ** tau
    uu = (
        col("unrest_base")
        + col("unrest_austerity") * pop * (1 - col("recovery_rate")) ** tau
        + (col("unrest_demobilisation") * dep[:, None, None, None, None])
        * (1 - pop)
        * (1 - col("demobilisation_decay")) ** tau
    )
    lam = np.exp(
        col("hazard_base")
        - col("hazard_repression") * col("repression")
        + g_h[:, None, None, None, None] * hh
        + col("hazard_unrest") * uu
    )  # (W, H, 2, B, tau)
    q = 1.0 - np.exp(-lam)
    surv = np.cumprod(np.concatenate([np.ones_like(q[..., :1]), 1 - q], axis=-1), axis=-1)
    disc = delta ** np.arange(SETTLE_TAIL + 1, dtype=float)
    q_end = q[..., -1]
    stat = q_end / (1 - delta * (1 - q_end))
    kk = (1 - delta) * k[:, None, None, None]
    pun_tab = kk * ((disc[:-1] * q * surv[..., :-1]).sum(axis=-1) + disc[-1] * surv[..., -1] * stat)
    rem_tab = 1.0 - surv[..., min(t_n, SETTLE_TAIL)]
    return pun_tab, rem_tab
