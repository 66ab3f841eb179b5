"""The war-termination engine (Layer B) and the settlement window.

See ``docs/model.md`` for the equations and every parameter.
"""

from __future__ import annotations

from ..scenario._levers import read_lever_file
from ..scenario._registry import LEVERS, PARAMETERS
from ._analysis import (
    COUNTERFACTUALS,
    LeverSearch,
    WindowAnalysis,
    analyze_window,
    first_open,
    ripeness_path,
    search_levers,
)
from ._sim import Compiled, SimPaths, Switches, compile_scenario, simulate
from ._window import Valuation, maximize, value

__all__ = [
    "COUNTERFACTUALS",
    "LEVERS",
    "PARAMETERS",
    "Compiled",
    "LeverSearch",
    "SimPaths",
    "Switches",
    "Valuation",
    "WindowAnalysis",
    "analyze_window",
    "compile_scenario",
    "first_open",
    "maximize",
    "read_lever_file",
    "ripeness_path",
    "search_levers",
    "simulate",
    "value",
]
