"""Deep uncertainty: many plausible worlds of the analyst's judgements (``ceasefire explore``).

A *world* fixes every uncertain input (each quantity with a ``range`` in the
scenario) at one value; inside a world the engine simulates its Monte Carlo
*paths*, the war's own randomness. ``explore`` samples worlds (LHS, Morris or
Sobol designs from SALib), evaluates them in chunks (serially or on Dask), keeps
them in a Parquet dataset, and reports the spread of P(settlement by month t),
the share of worlds where each of the article's claims holds, sensitivity
indices and PRIM boxes. See ``docs/uncertainty.md``.

Heavy dependencies (pandas, SALib, ema_workbench, pyarrow, distributed) are
imported only when used: ``pip install 'ceasefire[explore]'``.

The subpackage is ``exploration`` so that it does not shadow the public function
``cf.explore`` (importing a subpackage sets the package attribute of its name); the other
names: ``from ceasefire.exploration import ...``.
"""

from __future__ import annotations

from ._api import SA_OUTPUTS, ExploreResult, analyze_worlds, explore
from ._evaluate import P_BY_MONTH_SOURCE, engine_name, evaluate_worlds, path_seed
from ._inputs import UncertainInput, WorldBuilder, apply_world, uncertain_inputs

METHODS = ("lhs", "morris", "sobol")

__all__ = [
    "METHODS",
    "P_BY_MONTH_SOURCE",
    "SA_OUTPUTS",
    "ExploreResult",
    "UncertainInput",
    "WorldBuilder",
    "analyze_worlds",
    "apply_world",
    "engine_name",
    "evaluate_worlds",
    "explore",
    "path_seed",
    "uncertain_inputs",
]
