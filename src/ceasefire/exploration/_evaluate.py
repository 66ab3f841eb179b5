"""``evaluate_worlds``: a batch of worlds through the engine (contract 4 of the plan).

A *world* is one draw of the analyst's uncertain inputs; inside a world the engine
simulates its Monte Carlo *paths* (the war's own randomness). This module is the
one adapter between ``ceasefire explore`` and the engine's vectorised
:func:`ceasefire.engine.evaluate_worlds`, which simulates worlds x paths as arrays
with a leading world axis.

- **Vectorised.** Inputs the engine takes per world -- every engine parameter
  (``engine.parameters.<name>``) and the belligerents' optimism
  (``engine.beliefs.<side>.optimism``) -- go to the engine as arrays (W,).
- **Per-world fallback.** The engine's world axis cannot carry the other ranged
  quantities (status quo, no-deal values, positions and saliences, fronts, per-actor
  war costs, breakdown weights, ``levers.<name>``): they change the scenario itself
  (its issue space, fronts and utilities). Worlds are grouped by their values of
  these inputs; each group's scenario is built once (every range fixed) and its
  worlds go through the engine as one batch. With LHS or Sobol every world differs
  in them, so each such world costs one engine call; restrict the design to the
  vectorised inputs (``inputs="engine"``) to run a batch in one call.

Random numbers: the engine draws every path's noise once from
``SeedSequence(seed)`` and shares it across worlds (common random numbers), so a
world's answer depends on the seed and its inputs only -- never on which other
worlds share its batch, the chunk size or the number of workers. ``world_seed``
records the 64-bit state of that stream (the same for every world of a run).

Outputs (arrays with a leading world axis W), as the engine defines them:

- ``G0``: ripeness at month 0 (max over candidate deals of the worst veto
  player's gain on expected values; a lower bound to the windowed search);
- ``first_window_month``: the first month with G_t > 0 (NaN = never within the horizon);
- ``p_by_month`` (W, T) and ``p_se`` (W, T): P(a deal is signed by the end of month t)
  from the engine's settlement hazard, and its Monte Carlo standard error;
- ``p_settle_12``: ``p_by_month[:, 11]``, a deal within the first 12 months;
- ``C1`` .. ``C7``: the article's claims (:mod:`ceasefire._claims`), where they apply;
- ``plan:<id>``: every veto player accepts the plan at month 0 (with the claims).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import InputError
from ._inputs import LEVER_PREFIX, WorldBuilder, uncertain_inputs

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["P_BY_MONTH_SOURCE", "engine_name", "evaluate_worlds", "path_seed"]

F = NDArray[np.float64]

MONTHS_12 = 12
PLAN_PREFIX = "plan:"
PARAM_PREFIX = "engine.parameters."
P_BY_MONTH_SOURCE = {
    "engine": "settlement.p_by_month of the engine (the settlement hazard)",
    "proxy": (
        "proxy (an evaluator without a settlement hazard): 1 from the first month "
        "the settlement window is open (G_t > 0), else 0"
    ),
}
_DROP = ("G",)  # the engine's full ripeness path (W, T): not kept per world


def path_seed(seed: int) -> int:
    """The 64-bit state of ``SeedSequence(seed)``: the stream every world's paths share."""
    return int(np.random.SeedSequence(seed).generate_state(1, np.uint64)[0])


def engine_name(sc: Scenario, name: str) -> str | None:
    """The engine's world-axis name for an uncertain input, or None if it has none."""
    from ..scenario._registry import PARAMETERS

    if name.startswith(PARAM_PREFIX) and name[len(PARAM_PREFIX) :] in PARAMETERS:
        return name[len(PARAM_PREFIX) :]
    parts = name.split(".")
    if len(parts) == 4 and parts[:2] == ["engine", "beliefs"] and parts[3] == "optimism":
        roles = sc.engine_spec.roles
        if parts[2] in (roles.side_a, roles.side_b):
            return f"optimism.{parts[2]}"
    return None


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
    """Evaluate W worlds of ``scenario``; ``inputs`` maps uncertain inputs' names to arrays (W,).

    ``levers`` are lever paths for every world (the ``--levers`` file); inputs
    named ``levers.<name>`` hold a lever from month 0 per world. ``world_ids``
    (default ``0..W-1``) are the worlds' indices in the design; a world's answer
    does not depend on them (common random numbers). With ``claims=False`` the
    claims' counterfactual runs are skipped. Returns a dict of arrays, see the
    module docstring.
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
    known = uncertain_inputs(scenario, vary_levers=any(k.startswith(LEVER_PREFIX) for k in arrays))
    unknown = sorted(set(arrays) - {u.name for u in known})
    if unknown:
        raise InputError(f"unknown uncertain input {unknown[0]!r}")

    from ..engine import evaluate_worlds as engine_worlds

    vec = {k: engine_name(scenario, k) for k in arrays}
    rest = sorted(k for k, v in vec.items() if v is None)
    build = WorldBuilder(scenario, known) if rest else None
    # group the worlds by their values of the inputs the world axis cannot carry
    keys = np.stack([arrays[k] for k in rest], axis=1) if rest else np.zeros((n_w, 0))
    group = np.zeros(0, dtype=np.intp)
    if n_w:
        group = np.asarray(np.unique(keys, axis=0, return_inverse=True)[1], dtype=np.intp).ravel()
    parts: list[tuple[NDArray[np.intp], dict[str, NDArray[Any]]]] = []
    for g in np.unique(group):
        rows = np.flatnonzero(group == g)
        sc = scenario
        lv: dict[str, Any] = dict(levers or {})
        if build is not None:
            sc, world_levers = build({k: float(arrays[k][rows[0]]) for k in rest})
            lv.update(world_levers)
        batch = {str(vec[k]): arrays[k][rows] for k in arrays if vec[k] is not None}
        if not batch:  # the engine sizes its world axis from the inputs: one world
            res = engine_worlds(
                sc, {}, paths=paths, seed=seed, levers=lv or None, claims=claims, horizon=horizon
            )
            res = {k: np.repeat(np.asarray(v)[:1], len(rows), axis=0) for k, v in res.items()}
        else:
            res = engine_worlds(
                sc, batch, paths=paths, seed=seed, levers=lv or None, claims=claims, horizon=horizon
            )
        parts.append((rows, {k: np.asarray(v) for k, v in res.items() if k not in _DROP}))
    out: dict[str, NDArray[Any]] = {}
    if parts:
        common = set.intersection(*(set(r) for _, r in parts))
        for key in sorted(common):
            first = parts[0][1][key]
            arr = np.empty((n_w, *first.shape[1:]), dtype=first.dtype)
            for rows, r in parts:
                arr[rows] = r[key]
            out[key] = arr
    else:
        months = int(horizon) if horizon is not None else scenario.engine_spec.horizon_months
        out = {"G0": np.zeros(0), "first_window_month": np.zeros(0)}
        out["p_by_month"] = np.zeros((0, months))
        out["p_settle_12"] = np.zeros(0)
    out["world_seed"] = np.full(n_w, path_seed(seed), dtype=np.uint64)
    out["_p_by_month_source"] = np.array(["engine"])
    return out
