"""``evaluate_worlds``: a batch of worlds through the engine (contract 4 of the plan).

A *world* is one draw of the analyst's uncertain inputs; inside a world the engine
simulates its Monte Carlo *paths* (the war's own randomness). This module is the
one adapter between ``ceasefire explore`` and the engine:

- **Fallback (today).** The engine takes one scenario at a time, so the adapter
  loops over worlds in Python: it builds each world's scenario (every ranged
  quantity fixed at the world's value, so the paths no longer draw it) and runs
  the window analysis on it. The cost is one engine run per world.
- **Vectorised (when the engine provides it).** If ``ceasefire.engine`` exports an
  ``evaluate_worlds`` with the same signature (inputs as arrays with a leading
  world axis, and ``world_ids``), the adapter hands the whole batch to it.

Each world draws its paths from its own stream, ``SeedSequence(seed,
spawn_key=(world_id,))`` (the ``world_id``-th child of ``SeedSequence(seed)``), so a
world's result depends on the seed and its index only, never on how the worlds
are split into chunks or workers.

Outputs (arrays with a leading world axis W):

- ``G0``: ripeness at month 0 (max over deals of the worst veto player's gain);
- ``G0_se``: its Monte Carlo standard error (NaN where not computed);
- ``first_window_month``: the first month with G_t > 0 (NaN = never within the horizon);
- ``p_by_month`` (W, T): P(a deal is signed by the end of month t), from the engine's
  ``settlement.p_by_month`` when it has one; until then a **proxy**: 1 from the first
  window month on, else 0 (``P_BY_MONTH_SOURCE`` says which);
- ``p_settle_12``: ``p_by_month[:, 11]``, a deal within the first 12 months;
- ``C1`` .. ``C7``: the article's claims (:mod:`ceasefire._claims`), where they apply;
- ``plan:<id>``: every veto player accepts the plan at month 0 (with the claims).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._claims import CLAIM_IDS, evaluate_claims
from .._errors import InputError
from ._inputs import WorldBuilder, uncertain_inputs

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["P_BY_MONTH_SOURCE", "evaluate_worlds", "world_seeds"]

F = NDArray[np.float64]

MONTHS_12 = 12
PLAN_PREFIX = "plan:"
P_BY_MONTH_SOURCE = {
    "engine": "settlement.p_by_month of the engine",
    "proxy": (
        "proxy until the engine reports settlement.p_by_month: 1 from the first month "
        "the settlement window is open (G_t > 0), else 0"
    ),
}


def world_seeds(seed: int, world_ids: ArrayLike) -> NDArray[np.uint64]:
    """The seed of each world's own stream: ``SeedSequence(seed).spawn(...)[world_id]``."""
    ids = np.asarray(world_ids, dtype=np.int64).ravel()
    return np.array(
        [
            np.random.SeedSequence(seed, spawn_key=(int(i),)).generate_state(1, np.uint64)[0]
            for i in ids
        ],
        dtype=np.uint64,
    )


def _p_by_month(w: Any, months: int) -> tuple[F, str]:
    settlement = getattr(w, "settlement", None)
    p = getattr(settlement, "p_by_month", None)
    if p is not None:
        arr = np.asarray(p, dtype=float)[:months]
        return arr, "engine"
    fo = w.first_window_month
    out = np.zeros(months)
    if fo is not None:
        out[fo:] = 1.0
    return out, "proxy"


def evaluate_worlds(
    scenario: Scenario,
    inputs: Mapping[str, ArrayLike],
    *,
    paths: int = 200,
    seed: int = 0,
    levers: Mapping[str, Any] | None = None,
    world_ids: ArrayLike | None = None,
    claims: bool = True,
    horizon: int | None = None,
) -> dict[str, NDArray[Any]]:
    """Evaluate W worlds of ``scenario``; ``inputs`` maps input names to arrays (W,).

    ``levers`` are lever paths for every world (the ``--levers`` file); inputs
    named ``levers.<name>`` override them per world. ``world_ids`` (default
    ``0..W-1``) pick each world's random stream. With ``claims=False`` only the
    ripeness path is computed (G0, window month, p_by_month): about a third of
    the cost. Returns a dict of arrays, see the module docstring.
    """
    if scenario.engine is None:
        raise InputError(f"scenario {scenario.id!r} has no engine section: nothing to explore")
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in inputs.items()}
    sizes = {a.shape[0] for a in arrays.values()}
    if len(sizes) > 1:
        raise InputError(f"inputs have different numbers of worlds: {sorted(sizes)}")
    n_w = sizes.pop() if sizes else (0 if world_ids is None else len(np.atleast_1d(world_ids)))
    ids = np.arange(n_w) if world_ids is None else np.asarray(world_ids, dtype=np.int64).ravel()
    if ids.shape[0] != n_w:
        raise InputError(f"world_ids has {ids.shape[0]} entries for {n_w} worlds")

    from .. import engine as _engine

    vectorised = getattr(_engine, "evaluate_worlds", None)
    if vectorised is not None and "world_ids" in inspect.signature(vectorised).parameters:
        out: dict[str, NDArray[Any]] = vectorised(
            scenario,
            arrays,
            paths=paths,
            seed=seed,
            levers=levers,
            world_ids=ids,
            claims=claims,
            horizon=horizon,
        )
        return out
    return _fallback(scenario, arrays, ids, paths, seed, levers, claims, horizon)


def _fallback(
    sc: Scenario,
    arrays: dict[str, F],
    ids: NDArray[np.int64],
    paths: int,
    seed: int,
    levers: Mapping[str, Any] | None,
    claims: bool,
    horizon: int | None,
) -> dict[str, NDArray[Any]]:
    """One engine run per world (documented fallback until the engine is vectorised)."""
    from ..engine import analyze_window, compile_scenario, first_open, ripeness_path

    known = uncertain_inputs(sc, vary_levers=any(k.startswith("levers.") for k in arrays))
    unknown = sorted(set(arrays) - {u.name for u in known})
    if unknown:
        raise InputError(f"unknown uncertain input {unknown[0]!r}")
    build = WorldBuilder(sc, known)
    seeds = world_seeds(seed, ids)
    n_w = ids.shape[0]
    months = int(horizon) if horizon is not None else sc.engine_spec.horizon_months
    g0 = np.full(n_w, np.nan)
    g0_se = np.full(n_w, np.nan)
    fwm = np.full(n_w, np.nan)
    pbm = np.zeros((n_w, months))
    claim_vals: dict[str, list[bool | None]] = {c: [] for c in CLAIM_IDS}
    plan_acc = np.zeros((n_w, len(sc.proposals)), dtype=bool)
    source = "proxy"
    for j in range(n_w):
        world_sc, world_levers = build({k: float(v[j]) for k, v in arrays.items()})
        lv: dict[str, Any] = dict(levers or {})
        lv.update(world_levers)
        ws = int(seeds[j])
        if claims:
            w = analyze_window(world_sc, seed=ws, paths=paths, horizon=horizon, levers=lv or None)
            g0[j] = w.ripeness[0]
            if w.ripeness_se is not None:
                g0_se[j] = w.ripeness_se[0]
            fo = w.first_window_month
            pbm[j], source = _p_by_month(w, months)
            for cid, verdict in evaluate_claims(w).items():
                claim_vals[cid].append(verdict)
            plan_acc[j] = w.accepts_by_month[0][:, world_sc.veto].all(axis=1)
        else:
            c = compile_scenario(world_sc, paths=paths, horizon=horizon, levers=lv or None)
            _, g, _ = ripeness_path(c, ws)
            g0[j] = g[0]
            fo = first_open(g)
            if fo is not None:
                pbm[j, fo:] = 1.0
        fwm[j] = np.nan if fo is None else float(fo)
    out: dict[str, NDArray[Any]] = {
        "G0": g0,
        "G0_se": g0_se,
        "first_window_month": fwm,
        "p_settle_12": pbm[:, MONTHS_12 - 1] if months >= MONTHS_12 else pbm[:, -1],
        "p_by_month": pbm,
        "world_seed": seeds,
    }
    if claims:
        for cid, vals in claim_vals.items():
            if n_w and all(v is not None for v in vals):
                out[cid] = np.array(vals, dtype=bool)
        for p, pid in enumerate(sc.proposal_ids):
            out[f"{PLAN_PREFIX}{pid}"] = plan_acc[:, p]
    out["_p_by_month_source"] = np.array([source])
    return out
