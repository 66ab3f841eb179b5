"""ceasefire: model how wars end.

>>> import ceasefire as cf
>>> sc = cf.load("russia-ukraine-2024")
>>> res = cf.analyze(sc)
>>> res.to_frame()  # plan acceptance, one row per (plan, actor)

The public names are listed in ``__all__``; every other module is private.
"""

from __future__ import annotations

from ._analysis import AnalysisResult, analyze, layer_a_forecasts
from ._errors import CeasefireError, InputError, ScenarioError
from ._plans import PlanEvaluation, evaluate_plans
from ._version import __version__
from .bargaining._bdm import BDMResult, bdm, bdm_issues
from .bargaining._forecast import MODELS, forecast_file
from .bargaining._smp import SMPParams, SMPResult, smp
from .bargaining._spatial import (
    NashSolution,
    compromise,
    nash_bargaining,
    spatial_utility,
    weighted_median,
)
from .explore._api import ExploreResult, explore
from .scenario._scenario import Scenario, builtin_ids, load, loads, scenario_json_schema

__all__ = [
    "MODELS",
    "AnalysisResult",
    "BDMResult",
    "CeasefireError",
    "ExploreResult",
    "InputError",
    "NashSolution",
    "PlanEvaluation",
    "SMPParams",
    "SMPResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "analyze",
    "bdm",
    "bdm_issues",
    "builtin_ids",
    "compromise",
    "evaluate_plans",
    "explore",
    "forecast_file",
    "layer_a_forecasts",
    "load",
    "loads",
    "nash_bargaining",
    "scenario_json_schema",
    "smp",
    "spatial_utility",
    "weighted_median",
]
