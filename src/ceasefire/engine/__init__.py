"""The war-termination engine (Layer B) and the settlement window.

See ``docs/model.md`` for the equations and every parameter. Names load on first use
(see ``ceasefire._lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from ..scenario._levers import read_lever_file
    from ..scenario._registry import LEVERS, PARAMETERS
    from ._analysis import (
        COUNTERFACTUALS,
        LeverSearch,
        Progress,
        WindowAnalysis,
        analyze_window,
        first_open,
        ripeness_path,
        search_levers,
    )
    from ._sim import Compiled, SimPaths, Switches, compile_scenario, simulate
    from ._window import Valuation, maximize, value
    from ._worlds import evaluate_worlds

_NAMES = {
    "COUNTERFACTUALS": "._analysis",
    "LeverSearch": "._analysis",
    "Progress": "._analysis",
    "WindowAnalysis": "._analysis",
    "analyze_window": "._analysis",
    "first_open": "._analysis",
    "ripeness_path": "._analysis",
    "search_levers": "._analysis",
    "Compiled": "._sim",
    "SimPaths": "._sim",
    "Switches": "._sim",
    "compile_scenario": "._sim",
    "simulate": "._sim",
    "Valuation": "._window",
    "maximize": "._window",
    "value": "._window",
    "evaluate_worlds": "._worlds",
    # the registry and lever files belong to the scenario format; kept here for old imports
    "LEVERS": "..scenario._registry",
    "PARAMETERS": "..scenario._registry",
    "read_lever_file": "..scenario._levers",
}

__all__ = [
    "COUNTERFACTUALS",
    "LEVERS",
    "PARAMETERS",
    "Compiled",
    "LeverSearch",
    "Progress",
    "SimPaths",
    "Switches",
    "Valuation",
    "WindowAnalysis",
    "analyze_window",
    "compile_scenario",
    "evaluate_worlds",
    "first_open",
    "maximize",
    "read_lever_file",
    "ripeness_path",
    "search_levers",
    "simulate",
    "value",
]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
