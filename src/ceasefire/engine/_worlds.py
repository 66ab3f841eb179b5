"""A batch of worlds through the engine at once (contract 4 of the wave-2 plan).

A *world* is one setting of the analyst's uncertain engine inputs (parameters,
beliefs); its *paths* are the war's randomness. The engine simulates worlds x
paths as one array with a leading world axis: every world sees the same path
noise (common random numbers, so differences between worlds are the inputs'
alone, and a world's answer does not depend on how worlds are batched).

Outputs (arrays with a leading world axis W; T months reported):

- ``G0`` and ``G`` (W, T): ripeness on expected values, max over a candidate set
  of deals (plans, ideal points, status quo, Sobol points) of the worst veto
  player's gain; a lower bound to the searched G_t of ``analyze_window``;
- ``first_window_month``: first month with G_t > 0 (NaN = never);
- ``p_by_month`` (W, T), ``p_se`` (W, T), ``p_settle_12``: the settlement hazard;
- ``C1`` .. ``C7``: the article's claims, per world (with ``claims=True``);
- ``plan:<id>``: every veto player accepts the plan at month 0.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import InputError
from ..bargaining._spatial import spatial_utility
from ..scenario._registry import LEVERS, PARAMETERS
from ._analysis import ripeness_path
from ._hazard import deal_candidates, settlement_hazard
from ._sim import Switches, compile_scenario, lever_paths, simulate
from ._value import PathValues, breakdown_hazard, interp_b, path_values, settle_mix

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["WORLD_INPUTS", "evaluate_worlds"]

F = NDArray[np.float64]
FREEZE = ("turkey", "trump", "china", "brazil")


def WORLD_INPUTS(sc: Scenario) -> list[str]:
    """The input names :func:`evaluate_worlds` takes for ``sc``."""
    spec = sc.engine_spec
    beliefs = [f"optimism.{a}" for a in (spec.roles.side_a, spec.roles.side_b)]
    return [*PARAMETERS, *beliefs]


class _Mean:
    """Expected values per world from path values: gaps of candidate deals at every month."""

    def __init__(self, pv: PathValues) -> None:
        c = pv.compiled
        self.c, self.pv = c, pv
        w, n = c.worlds, c.paths
        t = c.months
        self.fight = pv.fight_y.reshape(w, n, t, -1).mean(axis=1)  # (W, T, n)
        self.kset = pv.pun_table.reshape(w, n, t, -1).mean(axis=1)  # (W, T, B)
        self.rem = pv.rem_table.reshape(w, n, t, -1).mean(axis=1)
        self.p_fight = pv.p_fight.reshape(w, n, t).mean(axis=1)  # (W, T)
        self.fronts = pv.fronts.reshape(w, n, t, -1).mean(axis=1)  # (W, T, F)
        self.base = pv.breakdown_base.reshape(w, n)[:, 0]

    def gaps(self, cand: F, actors: NDArray[np.intp]) -> tuple[F, F]:
        """(W, T, C, A) gaps s - w of the actors for every candidate, and P(removal) (W, T, C)."""
        c = self.c
        sc, spec = c.scenario, c.spec
        roles = spec.roles
        u = spatial_utility(
            cand, sc.ideal, sc.salience, risk=sc.risk, red_line=sc.red_line, penalty=sc.penalty
        )
        h = breakdown_hazard(c, cand[None], self.base[:, None])  # (W, C)
        fa = self.fight[..., actors]  # (W, T, A)
        s = settle_mix(u[None, None][..., actors], h[:, None, :, None], fa[:, :, None], c.discount)
        hard = sc.actor_index(roles.hardliners) if roles.hardliners else None
        b = (
            np.clip(1.0 - u[:, hard], 0.0, None)
            if hard is not None and c.switches.hardliners
            else np.zeros(len(cand))
        )
        bb = np.broadcast_to(b, (*self.kset.shape[:2], len(cand)))
        p_rem = interp_b(self.rem, bb, self.pv.b_grid)
        pun = interp_b(self.kset, bb, self.pv.b_grid)
        ro = self.pv.regime_outcome
        if ro is not None:
            per_world = ro.subset(slice(None), paths=c.paths)
            pun, p_rem = per_world.adjust(pun, p_rem, ro.loss(cand), per_row=True)
        act = list(actors)
        if roles.regime and sc.actor_index(roles.regime) in act:
            j = act.index(sc.actor_index(roles.regime))
            s[..., j] -= pun
        lb = self.pv.leader_b
        if lb is not None and lb.actor in act:
            cost = lb.subset(slice(None), paths=c.paths).settle_cost(cand, per_row=True)
            s[..., act.index(lb.actor)] -= cost[:, None, :]  # (W, 1, C): the same every month
        rat_f = [f for f, fr in enumerate(spec.fronts) if fr.ratify]
        if roles.ratifier and sc.actor_index(roles.ratifier) in act and rat_f:
            j = act.index(sc.actor_index(roles.ratifier))
            idx = [c.front_issue[f] for f in rat_f]
            held = self.fronts[:, :, None, rat_f]  # (W, T, 1, F)
            tol = spec.param("ratification_tolerance")
            ceded = np.clip(cand[None, None][..., idx] - held - tol, 0.0, None).sum(axis=-1)
            s[..., j] -= spec.param("ratification_penalty") * ceded
        return s - fa[:, :, None], p_rem


_BASE_DEALS: list[tuple[Scenario, tuple[Any, ...], F]] = []  # most recent last
BASE_DEALS_KEPT = 8
_BASE_LOCK = threading.Lock()


def _base_deals(
    sc: Scenario, paths: int, horizon: int | None, lv: Mapping[str, Any], seed: int
) -> F:
    """The searched max-min deal of every month at the scenario's stated values (T, K).

    The same for every batch of worlds of one scenario, levers and seed, so it is kept
    for the last few (``BASE_DEALS_KEPT``) and found again, not searched again: an
    exploration evaluates its worlds in chunks, each of which needed this search (about
    half a CPU-second). The scenario is matched by identity (it is frozen), the rest by
    value.
    """
    try:
        lev_key = tuple(
            (k, np.shape(v), np.asarray(v, dtype=float).tobytes()) for k, v in sorted(lv.items())
        )
    except (TypeError, ValueError):  # not a plain lever path: search, keep nothing
        lev_key = None
    key = (paths, horizon, seed, lev_key)
    with _BASE_LOCK:
        for i, (s_old, k_old, z_old) in enumerate(_BASE_DEALS):
            if lev_key is not None and s_old is sc and k_old == key:
                _BASE_DEALS.append(_BASE_DEALS.pop(i))
                return z_old
    base_c = compile_scenario(sc, paths=paths, horizon=horizon, levers=dict(lv) or None)
    _, _, z_base = ripeness_path(base_c, seed)
    z_base = np.array(z_base, dtype=float)
    z_base.setflags(write=False)
    if lev_key is not None:
        with _BASE_LOCK:
            _BASE_DEALS.append((sc, key, z_base))
            del _BASE_DEALS[:-BASE_DEALS_KEPT]
    return z_base


def _first(open_: NDArray[np.bool_]) -> F:
    idx = np.argmax(open_, axis=-1).astype(float)
    return np.where(open_.any(axis=-1), idx, np.nan)


def evaluate_worlds(
    scenario: Scenario,
    inputs: Mapping[str, ArrayLike],
    *,
    paths: int = 200,
    seed: int = 0,
    levers: Mapping[str, Any] | None = None,
    claims: bool = True,
    horizon: int | None = None,
) -> dict[str, NDArray[Any]]:
    """Evaluate W worlds of ``scenario`` at once; ``inputs`` maps names to arrays (W,).

    Names: engine parameters (``punishment``, ``settlement_rate``, ...) and
    ``optimism.<side>``; see :func:`WORLD_INPUTS`. ``levers`` are lever paths
    shared by every world (realised history). Returns a dict of arrays (module
    docstring).
    """
    if scenario.engine is None:
        raise InputError(f"scenario {scenario.id!r} has no engine section")
    known = set(WORLD_INPUTS(scenario))
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in inputs.items()}
    for k in arrays:
        if k not in known:
            raise InputError(
                f"unknown world input {k!r}: evaluate_worlds takes engine parameters and "
                "optimism.<side>"
            )
    sc = scenario
    lv = dict(levers or {})

    def run(switches: Switches | None = None, lev: dict[str, Any] | None = None) -> PathValues:
        c = compile_scenario(
            sc,
            paths=paths,
            horizon=horizon,
            levers=lev if lev is not None else lv or None,
            switches=switches,
            worlds=arrays,
        )
        sim = simulate(c, np.random.default_rng(np.random.SeedSequence(seed)))
        assert sim.noise is not None
        return path_values(c, sim, sim.noise)

    pv = run()
    c = pv.compiled
    veto = np.flatnonzero(sc.veto)
    # The zone of agreement is a thin region of the issue box: besides the plans, ideal
    # points, status quo and Sobol points, the candidates hold the searched max-min deal of
    # every month of the scenario at its stated values (one windowed search, not per world).

    z_base = _base_deals(sc, min(paths, 200), horizon, lv, seed)
    cand = deal_candidates(sc.proposal_matrix, sc.ideal, sc.status_quo, z_base, n_sobol=256)
    mean = _Mean(pv)
    gaps, p_rem = mean.gaps(cand, veto)
    g = gaps.min(axis=-1).max(axis=-1)  # (W, T)
    st = settlement_hazard(pv, cand, len(sc.proposals))
    t_n = c.months
    out: dict[str, NDArray[Any]] = {
        "G0": g[:, 0],
        "G": g,
        "first_window_month": _first(g > 0),
        "p_by_month": st.p_by_month,
        "p_se": st.p_se,
        "p_settle_12": st.p_by_month[:, min(11, t_n - 1)],
    }
    n_p = len(sc.proposals)
    plan_ok: NDArray[np.bool_] = np.asarray((gaps[:, 0, :n_p] >= 0).all(axis=-1))  # (W, P)
    for j, pid in enumerate(sc.proposal_ids):
        out[f"plan:{pid}"] = plan_ok[:, j]
    if not claims:
        return out
    ids = sc.proposal_ids
    has = all(p in ids for p in (*FREEZE, "russia-maximal")) and all(
        a in sc.actor_ids for a in ("russia", "ukraine", "usa")
    )
    if not has:
        return out
    ru, ua, us = (sc.actor_index(a) for a in ("russia", "ukraine", "usa"))
    vpos = {int(a): i for i, a in enumerate(veto)}
    fz = [ids.index(p) for p in FREEZE]
    rm = ids.index("russia-maximal")
    out["C1"] = np.asarray((gaps[:, 0, fz, vpos[ru]] < 0).all(axis=-1))
    out["C2"] = (gaps[:, 0, rm, vpos[ua]] < 0) & (gaps[:, 0, rm, vpos[us]] < 0)
    out["C3"] = (g[:, : min(12, t_n)] < 0).all(axis=-1)
    # C4: Russia blocks (the others share a zone it refuses) and talks pay it
    others = np.array([i for i in range(len(veto)) if veto[i] != ru])
    g_others = gaps[:, 0][..., others].min(axis=-1).max(axis=-1)
    blocks = (g[:, 0] < 0) & (g_others > 0)
    relief = c.spec.param("talks_relief")
    months = round(c.spec.param("talks_months"))
    base_lev = lever_paths(c.spec, c.steps, lv or None)
    talk = {k: v.copy() for k, v in base_lev.items()}
    for name in ("sanctions", "strikes", "aid"):
        talk[name][:months] *= 1.0 - relief
    talk_c = compile_scenario(
        sc, paths=paths, horizon=horizon, levers={k: talk[k] for k in LEVERS}, worlds=arrays
    )
    from dataclasses import replace

    talk_c = replace(talk_c, baseline=talk_c.levers)  # a course chosen now: anticipated
    sim_t = simulate(talk_c, np.random.default_rng(np.random.SeedSequence(seed)))
    assert sim_t.noise is not None
    pv_t = path_values(talk_c, sim_t, sim_t.noise)
    talk_value = _Mean(pv_t).fight[:, 0, ru] - mean.fight[:, 0, ru]
    participants = set(c.spec.talks.participants)
    out["C4"] = blocks & (talk_value > 1e-9) & ("russia" in participants)
    # C5: settling on every freeze is riskier for the leader than fighting on
    out["C5"] = (p_rem[:, 0, fz] > mean.p_fight[:, :1]).all(axis=-1)
    # C6: steeper costs (full sanctions and strikes) open the window within the report
    hi = _Mean(run(lev={**lv, "sanctions": 1.0, "strikes": 1.0}))
    g_hi = hi.gaps(cand, veto)[0].min(axis=-1).max(axis=-1)
    f_hi = _first(g_hi > 0)
    f_0 = out["first_window_month"]
    out["C6"] = np.isfinite(f_hi) & (np.isnan(f_0) | (f_hi <= np.nan_to_num(f_0, nan=np.inf)))
    # C7: without leader survival G_0 rises and the window opens earlier (or at all)
    nl = _Mean(run(switches=Switches(leader_survival=False)))
    g_nl = nl.gaps(cand, veto)[0].min(axis=-1).max(axis=-1)
    f_nl = _first(g_nl > 0)
    earlier = np.isfinite(f_nl) & (np.isnan(f_0) | (f_nl < np.nan_to_num(f_0, nan=np.inf)))
    out["C7"] = (g_nl[:, 0] > g[:, 0]) & earlier
    return out
