"""The settlement-window analysis: ripeness over time, acceptance, stalling, risks, levers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from .._results import ResultMixin
from ..scenario._registry import (
    DEFAULT_LEVER_GRID,
    LEVERS,
    TALKS_RELIEF_LEVERS,
    check_run_size,
    check_seed,
)
from ._hazard import Settlement, deal_candidates, settlement_hazard
from ._sim import (
    TAIL_MONTHS,
    Compiled,
    Switches,
    compile_scenario,
    lever_paths,
    simulate,
    with_switches,
)
from ._value import breakdown_hazard, expected_levers
from ._window import Valuation, candidates, lp_weights, maxmin, nash_point, value

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario._scenario import Scenario

F = NDArray[np.float64]

__all__ = [
    "COUNTERFACTUALS",
    "LeverSearch",
    "WindowAnalysis",
    "analyze_window",
    "first_open",
    "ripeness_path",
    "search_levers",
]

COUNTERFACTUALS: dict[str, Switches] = {
    "no_leader_survival": Switches(leader_survival=False),
    "no_war_economy": Switches(war_economy=False),
    "no_hardliners": Switches(hardliners=False),
}


def first_open(g: F) -> int | None:
    idx = np.flatnonzero(g > 0)
    return int(idx[0]) if idx.size else None


def _seed_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed))


def ripeness_path(
    c: Compiled, seed: int, *, cand: F | None = None, dw_from: Valuation | None = None
) -> tuple[Valuation, F, F]:
    """Simulate, value, and solve the window for every month: (valuation, G (T,), z* (T, K)).

    ``dw_from`` lends its belief derivative (counterfactuals of the same paths).
    """
    sim = simulate(c, _seed_rng(seed))
    v = value(c, sim, dw_from=dw_from)
    veto = np.flatnonzero(c.scenario.veto)
    ts = np.arange(c.months)
    z, g = maxmin(v, veto, ts, candidates(v) if cand is None else cand)
    return v, g, z


@dataclass(repr=False)
class WindowAnalysis(ResultMixin):
    """Everything the engine says about the settlement window of one scenario run."""

    scenario: Scenario
    compiled: Compiled
    valuation: Valuation
    seed: int
    ripeness: F  # (T,)
    ripeness_se: F | None  # (T,) Monte Carlo standard error of G_t (batch means)
    best_point: F  # (T, K): the z that attains G_t
    plan_values: F  # (T, P, n): s_i,t(plan)
    plan_removal: F  # (P,): regime actor's removal probability if it settles on plan at 0
    predicted_deal: F | None
    stalling: dict[str, bool]
    blocking: dict[str, bool]
    talk_value: dict[str, float]
    counterfactuals: dict[str, dict[str, Any]]
    issue_contribution: dict[str, float]
    settlement: Settlement
    plan_hold: F  # (P, 2): P(plan holds 12 / 36 months once signed)
    timings: dict[str, float] = field(default_factory=dict)

    # ----- derived -----------------------------------------------------------
    @property
    def months(self) -> list[int]:
        return list(range(self.compiled.months))

    @property
    def window_open(self) -> NDArray[np.bool_]:
        return self.ripeness > 0

    @property
    def first_window_month(self) -> int | None:
        return first_open(self.ripeness)

    @property
    def calendar(self) -> list[str]:
        """Calendar month of every reported month (month 0 = the scenario's as-of month)."""
        return calendar_months(self.scenario, self.compiled.months)

    @property
    def median_month(self) -> int | None:
        return self.settlement.median_month(0)

    @property
    def accepts_by_month(self) -> NDArray[np.bool_]:
        """(T, P, n): actor i accepts plan p at month t."""
        return self.plan_values >= self.valuation.fight[:, None, :]

    def plan_reservation(self) -> F:
        """(P, n) reservation at month 0 such that utility - reservation = s - w."""
        sc = self.scenario
        u = self.valuation.utility(sc.proposal_matrix)  # (P, n)
        return u - self.plan_values[0] + self.valuation.fight[0][None, :]

    # ----- output ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The engine's part of the ``run --json`` contract, as plain data."""
        out: dict[str, Any] = {"plans": [{} for _ in self.scenario.proposals]}
        self.extend_json(out)
        return out

    def extend_json(self, out: dict[str, Any]) -> None:
        sc = self.scenario
        acc = self.accepts_by_month
        for p, rec in enumerate(out["plans"]):
            rec["accepts_by_month"] = {
                a: [bool(x) for x in acc[:, p, i]] for i, a in enumerate(sc.actor_ids)
            }
            rec["first_month_all_veto_accept"] = first_open(
                np.where(acc[:, p][:, sc.veto].all(axis=1), 1.0, -1.0)
            )
            rec["p_hold_12"] = float(self.plan_hold[p, 0])
            rec["p_hold_36"] = float(self.plan_hold[p, 1])
            rec["share_paths_all_veto_accept"] = [
                float(x) for x in self.settlement.plan_share[0, :, p]
            ]
        v = self.valuation
        regime = v.regime
        out["months"] = self.months
        out["ripeness"] = {
            "G": [float(x) for x in self.ripeness],
            "window_open": [bool(x) for x in self.window_open],
        }
        if self.ripeness_se is not None:
            out["ripeness"]["G_se"] = [float(x) for x in self.ripeness_se]
        out["first_window_month"] = self.first_window_month
        out["regime_risk"] = {
            "actor": sc.actor_ids[regime] if regime is not None else None,
            "fight": float(v.p_fight[0]),
            "settle": {pid: float(self.plan_removal[p]) for p, pid in enumerate(sc.proposal_ids)},
        }
        if v.outcome is not None:  # regime type x how the war ends (docs/model.md §4.3.1)
            loss = v.outcome.loss(sc.proposal_matrix)
            out["regime_risk"]["regime_type"] = v.outcome.kind
            out["regime_risk"]["plan_loss"] = {
                pid: float(loss[p]) for p, pid in enumerate(sc.proposal_ids)
            }
        lb = v.leader_b
        if lb is not None:  # the other belligerent's leader (docs/model.md §4.3.2)
            t_r = len(self.ripeness)
            out["leader_b_risk"] = {
                "actor": sc.actor_ids[lb.actor],
                "regime_type": lb.outcome.kind,
                "war_removal": lb.q,
                "fight": float(1.0 - (1.0 - lb.q) ** t_r),
                "settle": {
                    pid: float(x)
                    for pid, x in zip(sc.proposal_ids, lb.removal(sc.proposal_matrix), strict=True)
                },
                "plan_loss": {
                    pid: float(x)
                    for pid, x in zip(
                        sc.proposal_ids, lb.outcome.loss(sc.proposal_matrix), strict=True
                    )
                },
            }
        out["stalling"] = self.stalling
        out["blocking"] = self.blocking
        out["talk_value"] = self.talk_value
        st = self.settlement
        med = self.median_month
        signed = bool(np.isfinite(st.terms_mean[0]).all())
        out["settlement"] = {
            "p_by_month": [float(x) for x in st.p_by_month[0]],
            "p_se": [float(x) for x in st.p_se[0]],
            "median_month": med,
            "calendar": self.calendar,
            "p_open": [float(x) for x in st.p_open[0]],
            "terms_q10": dict(zip(sc.issue_ids, map(float, st.terms_q[0, 0]), strict=True))
            if signed
            else None,
            "terms_q90": dict(zip(sc.issue_ids, map(float, st.terms_q[0, 2]), strict=True))
            if signed
            else None,
            "settlement_rate": float(self.compiled.spec.param("settlement_rate")),
            "settlement_scale": float(self.compiled.spec.param("settlement_scale")),
        }
        out["predicted_deal"] = {
            "month": med,
            "calendar": self.calendar[med] if med is not None else None,
            "terms": dict(zip(sc.issue_ids, map(float, st.terms_mean[0]), strict=True))
            if signed
            else {},
            "p_hold_12": float(st.hold12[0]) if signed else None,
            "p_hold_36": float(st.hold36[0]) if signed else None,
            "nash_point_first_window": None
            if self.predicted_deal is None
            else {k: float(x) for k, x in zip(sc.issue_ids, self.predicted_deal, strict=True)},
        }
        out["counterfactuals"] = self.counterfactuals
        out["issue_contribution"] = self.issue_contribution
        out["levers"] = {
            name: [float(x) for x in self.compiled.levers[name][: self.compiled.months]]
            for name in LEVERS
        }
        out["value_of_fighting"] = {
            a: [float(x) for x in v.fight[:, i]] for i, a in enumerate(sc.actor_ids)
        }
        out["engine"] = {
            "paths": self.compiled.paths,
            "horizon": self.compiled.months,
            "simulated_months": self.compiled.steps,
            "discount": self.compiled.discount,
        }

    def ripeness_frame(self) -> pd.DataFrame:
        """Month-by-month ripeness, window state and lever values."""
        import pandas as pd

        df = pd.DataFrame({"month": self.months, "G": self.ripeness, "open": self.window_open})
        for name in LEVERS:
            df[name] = self.compiled.levers[name][: self.compiled.months]
        return df


Progress = Callable[[str, int], None]
"""A progress callback: ``progress(step, total)`` is called as each of ``total`` steps starts
(the engine prints nothing; the CLI draws the bar)."""


@contextmanager
def _progress(progress: Progress | None, total: int) -> Iterator[Callable[[str], None]]:
    if progress is None:
        yield lambda desc: None
    else:
        yield lambda desc: progress(desc, total)


def calendar_months(sc: Scenario, months: int) -> list[str]:
    """ "YYYY-MM" of months 0 .. months-1 counted from the scenario's as-of month."""
    y, m = sc.as_of.year, sc.as_of.month - 1
    return [f"{y + (m + t) // 12:04d}-{(m + t) % 12 + 1:02d}" for t in range(months)]


def analyze_window(
    sc: Scenario,
    *,
    seed: int = 0,
    paths: int | None = None,
    horizon: int | None = None,
    levers: dict[str, Any] | None = None,
    progress: Progress | None = None,
    tail: int | None = None,
) -> WindowAnalysis:
    """Run the engine on ``sc`` and analyse the settlement window (see docs/model.md)."""

    c = compile_scenario(
        sc, paths=paths, horizon=horizon, levers=levers, tail=TAIL_MONTHS if tail is None else tail
    )
    veto = np.flatnonzero(sc.veto)
    with _progress(progress, 6 + len(COUNTERFACTUALS)) as step:
        step("baseline paths")
        sim = simulate(c, _seed_rng(seed))
        v = value(c, sim)
        cand = candidates(v)
        ts = np.arange(c.months)
        step("settlement window")
        zstar, g = maxmin(v, veto, ts, cand)
        g_se = _batch_se(c, sim, v, veto, zstar)
        # plans at every month
        pm = sc.proposal_matrix
        t_n = c.months
        vals, _ = v.settle(np.broadcast_to(pm, (t_n, *pm.shape)), ts)
        _, pr = v.settle(pm[None], np.array([0]))
        # predicted deal at the first open month
        step("settlement hazard")
        dc = deal_candidates(sc.proposal_matrix, sc.ideal, sc.status_quo, None)
        settlement = settlement_hazard(v.paths, dc, len(sc.proposals), month_best=zstar)
        hz = breakdown_hazard(c, pm, v.breakdown_base)
        plan_hold = np.stack([(1 - hz) ** 12, (1 - hz) ** 36], axis=1)
        fo = first_open(g)
        deal = None
        if fo is not None:
            deal = nash_point(v, veto, sc.clout[veto], np.array([fo]), zstar[fo : fo + 1])[0]
        step("stalling")
        blocking, stalling, talk_value = _stalling(c, v, g, cand, seed)
        step("issue contributions")
        contrib = _contributions(c, sim, v, g[0], cand)
        cfs: dict[str, dict[str, Any]] = {}
        for name, sw in COUNTERFACTUALS.items():
            step(f"counterfactual {name}")
            _, g_cf, _ = ripeness_path(with_switches(c, sw), seed, cand=cand, dw_from=v)
            cfs[name] = {
                "G0": float(g_cf[0]),
                "first_window_month": first_open(g_cf),
                "delta_G0": float(g_cf[0] - g[0]),
            }
        step("done")
    return WindowAnalysis(
        scenario=sc,
        compiled=c,
        valuation=v,
        seed=seed,
        ripeness=g,
        ripeness_se=g_se,
        best_point=zstar,
        plan_values=vals,
        plan_removal=pr[0],
        predicted_deal=deal,
        stalling=stalling,
        blocking=blocking,
        talk_value=talk_value,
        counterfactuals=cfs,
        issue_contribution=contrib,
        settlement=settlement,
        plan_hold=plan_hold,
    )


MC_BATCHES = 10


def _batch_se(c: Compiled, sim: Any, v: Valuation, veto: NDArray[np.intp], zstar: F) -> F | None:
    """Monte Carlo standard error of G_t by batch means, to first order.

    The paths are split into ``MC_BATCHES`` batches. G_t = max_z min_i g_i,t(z) moves,
    to first order, by sum_i lambda_i dg_i,t(z*_t), with lambda the LP's dual weights
    of the veto players' constraints at the optimum z*_t (the envelope theorem for a
    max-min); each batch's G_t is so estimated from its own values at z*_t, and the
    standard error is the batches' standard deviation over sqrt(batches). Where the
    LP does not apply (risk exponents other than 1) the weights fall on the binding
    player alone. Needs at least 20 paths per batch.
    """
    per = c.paths // MC_BATCHES
    if per < 20:
        return None
    ts = np.arange(c.months)
    full = v.gaps(zstar[:, None, :], ts, veto)[:, 0]  # (T, V)
    lam = np.zeros_like(full)
    for t in ts:
        weights = lp_weights(v, veto, int(t))
        if weights is None or not np.isfinite(weights).all() or weights.sum() <= 0:
            lam[t, np.argmin(full[t])] = 1.0
        else:
            lam[t] = np.clip(weights, 0.0, None) / np.clip(weights, 0.0, None).sum()
    gs = []
    for b in range(MC_BATCHES):
        vb = value(c, sim, base=v, rows=slice(b * per, (b + 1) * per))
        gb = vb.gaps(zstar[:, None, :], ts, veto)[:, 0]
        gs.append(((gb - full) * lam).sum(axis=1))
    return np.std(np.array(gs), axis=0, ddof=1) / np.sqrt(MC_BATCHES)


def _stalling(
    c: Compiled, v: Valuation, g: F, cand: F, seed: int
) -> tuple[dict[str, bool], dict[str, bool], dict[str, float]]:
    """Who blocks the window at month 0, whether talks pay them, and so who stalls.

    A veto player blocks when the window is shut but would open without its
    consent (the others share a zone of agreement it refuses). Talks pay an
    actor when suspending part of the pressure while talks run (``talks_relief``
    for ``talks_months``) raises its value of fighting on. A participant in
    talks that blocks and for whom talks pay is stalling.
    """
    sc = c.scenario
    veto = np.flatnonzero(sc.veto)
    t0 = np.array([0])
    blocking: dict[str, bool] = {}
    for i in veto:
        others = np.array([j for j in veto if j != i], dtype=np.intp)
        if g[0] > 0 or others.size == 0:
            blocking[sc.actor_ids[i]] = False
            continue
        _, g_others = maxmin(v, others, t0, cand)
        blocking[sc.actor_ids[i]] = bool(g_others[0] > 0)
    relief = float(c.spec.param("talks_relief"))
    months = round(c.spec.param("talks_months"))
    talk_value: dict[str, float] = {}
    if relief > 0 and months > 0:
        cut = {}
        for name in TALKS_RELIEF_LEVERS:
            path = c.levers[name].copy()
            path[:months] *= 1.0 - relief
            cut[name] = path
        full = {name: c.levers[name] for name in LEVERS}
        full.update(cut)
        # talks are a course an actor chooses now: it values them knowing what they bring
        talk_path = lever_paths(c.spec, c.steps, full)
        c2 = replace(c, levers=talk_path, baseline=talk_path)
        v2 = value(c2, simulate(c2, _seed_rng(seed)), dw_from=v)
        diff = v2.fight[0] - v.fight[0]
    else:
        diff = np.zeros(len(sc.actors))
    for idx, a in enumerate(sc.actor_ids):
        talk_value[a] = float(diff[idx])
    participants = set(c.spec.talks.participants)
    stalling = {
        a: bool(a in participants and blocking.get(a, False) and talk_value[a] > 1e-9)
        for a in sc.actor_ids
        if sc.veto[sc.actor_index(a)] or a in participants
    }
    return blocking, stalling, talk_value


def _contributions(c: Compiled, sim: Any, v0: Valuation, g0: float, cand: F) -> dict[str, float]:
    """Each issue's contribution to G_0: G_0 minus G_0 with the issue taken out of play."""
    sc = c.scenario
    veto = np.flatnonzero(sc.veto)
    out: dict[str, float] = {}
    for k, iid in enumerate(sc.issue_ids):
        sal = sc.salience.copy()
        sal[:, k] = 0.0
        tot = sal.sum(axis=1, keepdims=True)
        sal = np.where(tot > 0, sal / np.where(tot > 0, tot, 1.0), sal)
        v = value(c, sim, salience=sal, base=v0)
        _, gk = maxmin(v, veto, np.array([0]), cand)
        out[iid] = float(g0 - gk[0])
    return out


# -----------------------------------------------------------------------------
# Lever search
# -----------------------------------------------------------------------------


@dataclass(repr=False)
class LeverSearch(ResultMixin):
    """Grid search over levers for the cheapest setting that opens the window."""

    grid: list[dict[str, Any]]
    cheapest: dict[str, Any] | None
    baseline_first_window_month: int | None
    months: int

    def to_dict(self) -> dict[str, Any]:
        """The grid, the cheapest setting and the baseline first window month."""
        return {
            "months": self.months,
            "baseline_first_window_month": self.baseline_first_window_month,
            "cheapest": self.cheapest,
            "grid": self.grid,
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.grid)


def search_levers(
    sc: Scenario,
    *,
    seed: int = 0,
    paths: int = 300,
    horizon: int | None = None,
    levels: dict[str, list[float]] | None = None,
    fixed: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> LeverSearch:
    """Try every combination of lever levels (held from month 0); report first window months.

    The cost of a setting is sum_l lever_cost_l * level_l (``engine.lever_cost``,
    default 1 each); the cheapest setting is the lowest-cost one whose window
    opens within the horizon (ties: the earlier opening).
    """
    check_seed(seed)
    check_run_size(paths, horizon)
    grid_levels = levels or {name: list(v) for name, v in DEFAULT_LEVER_GRID.items()}
    spec = sc.engine_spec
    costs = {
        name: (spec.lever_cost[name].value if name in spec.lever_cost else 1.0) for name in LEVERS
    }
    base_c = compile_scenario(sc, paths=paths, horizon=horizon, levers=fixed)
    _, g0, _ = ripeness_path(base_c, seed)
    names = list(grid_levels)
    combos = np.array(np.meshgrid(*[grid_levels[n] for n in names], indexing="ij"))
    combos = combos.reshape(len(names), -1).T
    rows: list[dict[str, Any]] = []
    cand = None
    with _progress(progress, len(combos)) as step:
        for combo in combos:
            lv: dict[str, Any] = dict(fixed or {})
            lv.update({n: float(x) for n, x in zip(names, combo, strict=True)})
            c = compile_scenario(sc, paths=paths, horizon=horizon, levers=lv)
            if cand is None:
                v0 = value(c, simulate(c, _seed_rng(seed)))
                cand = candidates(v0, n_sobol=512)
            _, g, _ = ripeness_path(c, seed, cand=cand)
            cost = float(sum(costs[n] * float(x) for n, x in zip(names, combo, strict=True)))
            rows.append(
                {
                    **{n: float(x) for n, x in zip(names, combo, strict=True)},
                    "cost": cost,
                    "G0": float(g[0]),
                    "first_window_month": first_open(g),
                }
            )
            step("lever grid")
    opening = [r for r in rows if r["first_window_month"] is not None]
    cheapest = min(opening, key=lambda r: (r["cost"], r["first_window_month"])) if opening else None
    return LeverSearch(
        grid=rows,
        cheapest=cheapest,
        baseline_first_window_month=first_open(g0),
        months=base_c.months,
    )


# -----------------------------------------------------------------------------
# Forecasts as of a month (a forecaster's record)
# -----------------------------------------------------------------------------


def month_index(sc: Scenario, ym: str) -> int:
    """Months from the scenario's as-of month to ``ym`` ("YYYY-MM"); must not be negative."""

    try:
        y, m = (int(x) for x in ym.split("-"))
    except ValueError:
        raise InputError(f"--as-of {ym!r}: expected YYYY-MM") from None
    k = (y - sc.as_of.year) * 12 + (m - sc.as_of.month)
    if k < 0 or not 1 <= m <= 12:
        raise InputError(f"--as-of {ym}: must be a month from the scenario's as-of date on")
    return k


def forecast_as_of(
    sc: Scenario,
    month: int,
    *,
    levers: dict[str, Any] | None = None,
    seed: int = 0,
    paths: int | None = None,
    horizon: int | None = None,
) -> dict[str, Any]:
    """What the model says at ``month`` (from the scenario's as-of), knowing history up to it.

    ``levers`` is realised history (a lever file). The actors at ``month`` know it up to
    then and expect the scenario's baseline shifted by that month's deviation from it
    afterwards; months after ``month`` in the file are not used. The forecast is
    P(a deal by the end of each month from ``month`` on | no deal before ``month``); the
    engine does not condition its paths on the front lines actually observed.
    """

    t_n = int(horizon) if horizon is not None else sc.engine_spec.horizon_months
    full = compile_scenario(sc, paths=paths, horizon=month + t_n, levers=levers)
    known: dict[str, object] = dict(expected_levers(full, month))
    c = compile_scenario(sc, paths=paths, horizon=month + t_n, levers=known)
    v, _g, z = ripeness_path(c, seed)
    cand = deal_candidates(sc.proposal_matrix, sc.ideal, sc.status_quo, None)
    st = settlement_hazard(v.paths, cand, len(sc.proposals), month_best=z)
    p = st.p_by_month[0]
    before = p[month - 1] if month > 0 else 0.0
    cond = (p[month:] - before) / max(1.0 - before, 1e-12)
    cal = calendar_months(sc, month + t_n)[month:]
    med = next((i for i, x in enumerate(cond) if x >= 0.5), None)
    return {
        "as_of": cal[0],
        "month": month,
        "calendar": cal,
        "p_by_month": [float(x) for x in cond],
        "p_within_12": float(cond[min(11, len(cond) - 1)]),
        "median_month": None if med is None else month + med,
        "median_calendar": None if med is None else cal[med],
    }
