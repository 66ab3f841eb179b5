"""The lever surface: P(a deal within 12 months) over a sanctions x strikes grid.

Each cell runs the engine's settlement hazard exactly as ``ceasefire run`` does
(``analyze_window``: simulate, value, the month's max-min deal, the hazard over the
candidate deals) with sanctions and strikes held at the cell's levels from month 0,
and nothing else (no stalling, counterfactuals or contributions), so a cell at the
run's own setting gives the run's P(deal within 12 months).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine._analysis import first_open
from ..engine._hazard import deal_candidates, settlement_hazard
from ..engine._sim import compile_scenario, simulate
from ..engine._window import candidates, maxmin, value
from ..scenario._registry import check_run_size, check_seed

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["MONTHS_12", "cell_settlement", "lever_surface_data"]

MONTHS_12 = 12  # "within 12 months": signed by the end of month 11 (month 0 is the first)


def cell_settlement(
    scenario: Scenario,
    *,
    levers: dict[str, Any] | None,
    paths: int,
    seed: int,
    horizon: int | None = None,
) -> dict[str, Any]:
    """One engine run's settlement hazard: P(deal within 12 months) with its Monte Carlo
    standard error, the median month, G_0 and the first window month."""
    sc = scenario
    c = compile_scenario(sc, paths=paths, horizon=horizon, levers=levers)
    sim = simulate(c, np.random.default_rng(np.random.SeedSequence(seed)))
    v = value(c, sim)
    veto = np.flatnonzero(sc.veto)
    zstar, g = maxmin(v, veto, np.arange(c.months), candidates(v))
    dc = deal_candidates(sc.proposal_matrix, sc.ideal, sc.status_quo, None)
    st = settlement_hazard(v.paths, dc, len(sc.proposals), month_best=zstar)
    k = min(MONTHS_12, c.months) - 1
    return {
        "p12": float(st.p_by_month[0, k]),
        "p12_se": float(st.p_se[0, k]),
        "median_month": st.median_month(),
        "G0": float(g[0]),
        "first_window_month": first_open(g),
        "months": c.months,
    }


def lever_surface_data(
    scenario: Scenario,
    *,
    levers: dict[str, Any] | None = None,
    paths: int = 200,
    seed: int = 0,
    steps: int = 5,
    horizon: int | None = None,
) -> dict[str, Any]:
    """Run the engine on a ``steps`` x ``steps`` grid of sanctions and strikes held from
    month 0 (other levers as in ``levers`` or the scenario) and return, per cell,
    P(deal within 12 months) (``p12``, with ``p12_se``), the median month, G_0 and the
    first window month; ``current`` is the run's own sanctions and strikes at month 0."""
    check_seed(seed)
    check_run_size(paths, horizon)
    levels = [i / (steps - 1) for i in range(steps)]
    fixed = {k: v for k, v in (levers or {}).items() if k not in ("sanctions", "strikes")}
    grid = []
    months = 0
    for s in levels:
        for k in levels:
            cell = cell_settlement(
                scenario,
                levers={**fixed, "sanctions": s, "strikes": k},
                paths=paths,
                seed=seed,
                horizon=horizon,
            )
            months = cell.pop("months")
            grid.append({"sanctions": s, "strikes": k, **cell})
    c = compile_scenario(scenario, paths=1, horizon=horizon, levers=levers)
    return {
        "paths": paths,
        "seed": seed,
        "months": months,
        "within": min(MONTHS_12, months),
        "step": 1.0 / (steps - 1),
        "grid": grid,
        "current": {name: float(c.levers[name][0]) for name in ("sanctions", "strikes")},
    }
