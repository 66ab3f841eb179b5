"""The lever surface: the first window month over a sanctions x strikes grid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["lever_surface_data"]


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
    month 0 (other levers as in ``levers`` or the scenario) and return, per cell, the
    first month the settlement window opens and G_0; ``current`` is the run's own
    sanctions and strikes at month 0."""
    from ..engine import compile_scenario, search_levers

    levels = [i / (steps - 1) for i in range(steps)]
    fixed = {k: v for k, v in (levers or {}).items() if k not in ("sanctions", "strikes")}
    found = search_levers(
        scenario,
        seed=seed,
        paths=paths,
        horizon=horizon,
        levels={"sanctions": levels, "strikes": levels},
        fixed=fixed or None,
    )
    c = compile_scenario(scenario, paths=1, horizon=horizon, levers=levers)
    return {
        "paths": paths,
        "seed": seed,
        "months": found.months,
        "step": 1.0 / (steps - 1),
        "grid": [
            {k: r[k] for k in ("sanctions", "strikes", "G0", "first_window_month")}
            for r in found.grid
        ],
        "current": {name: float(c.levers[name][0]) for name in ("sanctions", "strikes")},
    }
