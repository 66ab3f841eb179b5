"""Layer B: the war, the economy and the regime, month by month, N paths at once.

State per path (arrays of shape (N,); no Python loop over paths):

- battlefield: combat power M_A, M_B relax toward sustainable levels M*_A, M*_B;
  contest share theta = M_A^m / (M_A^m + M_B^m); each front's side-A-held share
  O_j moves by kappa_j (theta - 1/2 + troops_j (chi - chi_0)) scaled by
  (1 - O)^eta for advances and O^eta for retreats (diminishing returns);
- economy (side A): revenue 1 - a_sigma sigma - a_S S; the fiscal buffer B
  drains by buffer_rate (spending - revenue); the bubble pops, for good, once
  B falls below its floor;
- regime (side A's leader): unrest U relaxes toward
  U* = U_base - boom dep (1 - popped) + austerity popped; hardliner discontent H
  relaxes toward its base and rises with territory lost; the monthly removal
  hazard is 1 - exp(-lambda), lambda = exp(g0 + gH H + gU U - gPhi Phi).

Everything random comes from one ``numpy.random.Generator``; parameters with
an uncertainty range are drawn once per path (triangular, mode at the stated
value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..scenario._levers import check_levers, knot_path
from ..scenario._registry import LEVERS, PARAMETERS

if TYPE_CHECKING:
    from ..scenario._engine import EngineSpec
    from ..scenario._quantity import Quantity
    from ..scenario._scenario import Scenario

SIM_BLOCK = 4096  # paths simulated together

__all__ = ["Compiled", "SimPaths", "Switches", "compile_scenario", "lever_paths", "simulate"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class Switches:
    """Mechanisms that a counterfactual can switch off."""

    leader_survival: bool = True  # punishment K and the settlement backlash
    war_economy: bool = True  # boom that suppresses unrest and the demobilisation shock
    hardliners: bool = True  # hardliner discontent in the removal hazard


@dataclass(frozen=True)
class Compiled:
    """A scenario's engine inputs as arrays, ready to simulate."""

    scenario: Scenario
    spec: EngineSpec
    months: int  # T: months reported
    horizon: int  # H: months valued from each month
    paths: int
    discount: float
    levers: dict[str, F]  # name -> (T + H,)
    lever_ref: dict[str, float]  # scenario baseline at month 0 (power is normalised there)
    front_issue: list[int]
    outcome: list[tuple[int, str, float, float]]
    switches: Switches = field(default_factory=Switches)

    @property
    def steps(self) -> int:
        return self.months + self.horizon


def lever_paths(
    spec: EngineSpec, steps: int, overrides: Mapping[str, object] | None = None
) -> dict[str, F]:
    """Monthly lever paths: the scenario's baselines, then ``overrides``.

    An override is a number (held constant from month 0) or a sequence of monthly
    values (the last one held to the end).
    """
    out: dict[str, F] = {}
    for name in LEVERS:
        base = spec.levers.get(name)
        if base is None:
            out[name] = np.zeros(steps)
        elif base.path:
            out[name] = knot_path(base.path, steps)
        else:
            out[name] = np.full(steps, base.value)
    for name, val in check_levers(overrides).items():
        arr = np.atleast_1d(np.asarray(val, dtype=float))
        if arr.size >= steps:
            out[name] = arr[:steps].copy()
        else:
            out[name] = np.concatenate([arr, np.full(steps - arr.size, arr[-1])])
        out[name] = np.clip(out[name], 0.0, 1.0)
    return out


def compile_scenario(
    sc: Scenario,
    *,
    paths: int | None = None,
    horizon: int | None = None,
    levers: dict[str, object] | None = None,
    switches: Switches | None = None,
) -> Compiled:
    spec = sc.engine_spec
    months = int(horizon) if horizon is not None else spec.horizon_months
    steps = 2 * months
    base = lever_paths(spec, steps)
    return Compiled(
        scenario=sc,
        spec=spec,
        months=months,
        horizon=months,
        paths=int(paths) if paths is not None else spec.paths,
        discount=spec.discount.value,
        levers=lever_paths(spec, steps, levers),
        lever_ref={k: float(v[0]) for k, v in base.items()},
        front_issue=[sc.issue_ids.index(f.issue) for f in spec.fronts],
        outcome=[
            (sc.issue_ids.index(iid), om.lever, om.at_zero, om.at_one)
            for iid, om in spec.outcome.items()
        ],
        switches=switches or Switches(),
    )


def with_switches(c: Compiled, switches: Switches) -> Compiled:
    return replace(c, switches=switches)


def with_levers(c: Compiled, levers: dict[str, object]) -> Compiled:
    return replace(c, levers=lever_paths(c.spec, c.steps, levers))


def draw(q: Quantity, rng: np.random.Generator, n: int) -> F:
    """n draws of a quantity: triangular over its range with the mode at its value."""
    if q.range is not None and q.range[1] > q.range[0]:
        return rng.triangular(q.range[0], q.value, q.range[1], size=n)
    return np.full(n, q.value)


def draw_parameters(c: Compiled, rng: np.random.Generator) -> dict[str, F]:
    """One value per path for every parameter (triangular over its range, if any)."""
    n = c.paths
    out: dict[str, F] = {}
    for name in PARAMETERS:
        v = c.spec.param(name)
        rg = c.spec.param_range(name)
        if rg is not None and rg[1] > rg[0]:
            out[name] = rng.triangular(rg[0], v, rg[1], size=n)
        else:
            out[name] = np.full(n, v)
    return out


@dataclass(frozen=True)
class SimPaths:
    """Simulated paths; every array has a leading path axis N and a month axis."""

    z_war: F  # (N, steps, K) de facto outcome on each issue
    fronts: F  # (N, steps, F)
    theta: F  # (N, steps)
    popped: NDArray[np.bool_]  # (N, steps)
    hardliners: F  # (N, steps)
    unrest: F  # (N, steps)
    hazard: F  # (N, steps): lambda, the monthly removal intensity at war
    params: dict[str, F]  # per-path parameter draws

    def subset(self, idx: slice) -> SimPaths:
        """The paths ``idx`` only (for batch-means Monte Carlo errors)."""
        return SimPaths(
            z_war=self.z_war[idx],
            fronts=self.fronts[idx],
            theta=self.theta[idx],
            popped=self.popped[idx],
            hardliners=self.hardliners[idx],
            unrest=self.unrest[idx],
            hazard=self.hazard[idx],
            params={k: v[idx] for k, v in self.params.items()},
        )


def simulate(c: Compiled, rng: np.random.Generator) -> SimPaths:
    """Simulate ``c.paths`` paths for ``c.steps`` months (vectorised over paths)."""
    sc, spec, sw = c.scenario, c.spec, c.switches
    n, steps, k = c.paths, c.steps, len(sc.issues)
    p = draw_parameters(c, rng)
    dep = p["war_dependence"] if sw.war_economy else np.zeros(n)
    g_h = p["hazard_hardliners"] if sw.hardliners else np.zeros(n)

    # status quo per path (issue ranges drawn like parameters)
    n_f = len(spec.fronts)
    sq = np.stack([draw(issue.status_quo, rng, n) for issue in sc.issues], axis=1)
    zeros = np.zeros((n, 0))
    kappa = np.stack([draw(fr.kappa, rng, n) for fr in spec.fronts], axis=1) if n_f else zeros
    troops = (
        np.stack(
            [draw(fr.troops, rng, n) if fr.troops else np.zeros(n) for fr in spec.fronts], axis=1
        )
        if n_f
        else zeros
    )
    eps = rng.standard_normal((steps, 5, n))
    eps_front = rng.standard_normal((steps, n, n_f)) if n_f else np.zeros((steps, n, 0))

    out = [
        np.empty((n, steps, k)),
        np.empty((n, steps, n_f)),
        np.empty((n, steps)),
        np.empty((n, steps), dtype=bool),
        np.empty((n, steps)),
        np.empty((n, steps)),
        np.empty((n, steps)),
    ]
    # Paths are independent and every random number is drawn above, so the dynamics run
    # in blocks of paths (arrays that stay in cache) without changing a single number.
    for lo in range(0, n, SIM_BLOCK):
        blk = slice(lo, min(lo + SIM_BLOCK, n))
        res = _dynamics(
            c,
            {name: v[blk] for name, v in p.items()},
            dep[blk],
            g_h[blk],
            sq[blk],
            kappa[blk],
            troops[blk],
            eps[:, :, blk],
            eps_front[:, blk],
        )
        for arr, r in zip(out, res, strict=True):
            arr[blk] = np.moveaxis(r, 0, 1)
    return SimPaths(
        z_war=out[0],
        fronts=out[1],
        theta=out[2],
        popped=out[3],
        hardliners=out[4],
        unrest=out[5],
        hazard=out[6],
        params=p,
    )


def _dynamics(
    c: Compiled,
    p: dict[str, F],
    dep: F,
    g_h: F,
    sq: F,
    kappa: F,
    troops: F,
    eps: F,
    eps_front: F,
) -> tuple[F, F, F, NDArray[np.bool_], F, F, F]:
    """The monthly dynamics of one block of paths; returns month-major arrays."""
    spec = c.spec
    n, k = sq.shape
    steps = c.steps
    n_f = len(spec.fronts)
    weight = np.array([fr.weight.value if fr.weight else 1.0 for fr in spec.fronts])
    wsum = weight.sum() if n_f else 1.0
    lev = c.levers
    ref = c.lever_ref

    m_exp = p["contest_exponent"]
    theta0 = np.clip(p["theta0"], 1e-6, 1 - 1e-6)
    m_a = np.ones(n)
    m_b0 = ((1 - theta0) / theta0) ** (1.0 / m_exp)
    m_b = m_b0.copy()
    o = sq[:, c.front_issue].copy() if n_f else np.zeros((n, 0))
    buffer = p["buffer0"].copy()
    popped = buffer < p["buffer_floor"]
    u_target = (
        p["unrest_base"] - p["unrest_boom"] * dep * (~popped) + p["unrest_austerity"] * popped
    )
    unrest = u_target.copy()
    hard = p["hardliner_base"].copy()
    aid0 = ref["aid"]

    # recorded month-major (contiguous writes), returned path-major
    z_war = np.empty((steps, n, k))
    fronts = np.empty((steps, n, n_f))
    theta_out = np.empty((steps, n))
    popped_out = np.empty((steps, n), dtype=bool)
    hard_out = np.empty((steps, n))
    unrest_out = np.empty((steps, n))
    hazard_out = np.empty((steps, n))
    for t in range(steps):
        sig, stk, aid, chi = (
            lev["sanctions"][t],
            lev["strikes"][t],
            lev["aid"][t],
            lev["foreign_troops"][t],
        )
        theta = m_a**m_exp / (m_a**m_exp + m_b**m_exp)
        # record the state at the start of month t
        z = sq.copy()
        if n_f:
            z[:, c.front_issue] = o
        for j, name, at0, at1 in c.outcome:
            z[:, j] = at0 + (at1 - at0) * lev[name][t]
        z_war[t] = z
        fronts[t] = o
        theta_out[t] = theta
        popped_out[t] = popped
        hard_out[t] = hard
        unrest_out[t] = unrest
        hazard_out[t] = np.exp(
            p["hazard_base"]
            + g_h * hard
            + p["hazard_unrest"] * unrest
            - p["hazard_repression"] * p["repression"]
        )
        # ---- battlefield
        supply = (
            1.0
            - p["economy_effect"] * popped
            - p["sanctions_supply"] * (sig - ref["sanctions"])
            - p["strike_effect"] * (stk - ref["strikes"])
            + p["troop_effect"] * (chi - ref["foreign_troops"])
        )
        star_a = np.maximum(supply, 0.05) * np.exp(
            -p["fatigue_a"] * t + p["force_noise"] * eps[t, 0]
        )
        aid_term = (1 - p["aid_share"]) + p["aid_share"] * (aid / aid0 if aid0 > 0 else aid)
        star_b = m_b0 * aid_term * np.exp(-p["fatigue_b"] * t + p["force_noise"] * eps[t, 1])
        m_a = m_a + p["force_adjustment"] * (star_a - m_a)
        m_b = m_b + p["force_adjustment"] * (star_b - m_b)
        if n_f:
            drift = kappa * (theta[:, None] - 0.5 + troops * (chi - ref["foreign_troops"]))
            eta = p["diminishing_returns"][:, None]
            step = np.where(drift > 0, drift * (1 - o) ** eta, drift * o**eta)
            new_o = np.clip(o + step + p["front_noise"][:, None] * eps_front[t], 0.0, 1.0)
            # setbacks are the battlefield trend turning against side A, not month-to-month noise
            setback = np.maximum(0.0, -(step * weight).sum(axis=1) / wsum)
            o = new_o
        else:
            setback = np.zeros(n)
        # ---- economy
        revenue = 1.0 - p["revenue_sanctions"] * sig - p["revenue_strikes"] * stk
        buffer = (
            buffer
            - p["buffer_rate"] * (p["war_spending"] - revenue)
            + p["buffer_noise"] * eps[t, 2]
        )
        popped = popped | (buffer < p["buffer_floor"])
        # ---- regime
        u_target = (
            p["unrest_base"] - p["unrest_boom"] * dep * (~popped) + p["unrest_austerity"] * popped
        )
        unrest = (
            unrest + p["unrest_adjustment"] * (u_target - unrest) + p["unrest_noise"] * eps[t, 3]
        )
        hard = (
            hard
            + p["hardliner_decay"] * (p["hardliner_base"] - hard)
            + p["hardliner_setback"] * setback
            + p["hardliner_noise"] * eps[t, 4]
        )
    return z_war, fronts, theta_out, popped_out, hard_out, unrest_out, hazard_out
