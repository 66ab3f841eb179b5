"""ceasefire: model how wars end.

>>> import ceasefire as cf
>>> sc = cf.load("russia-ukraine-2024")
>>> res = cf.analyze(sc)
>>> res.to_frame()  # plan acceptance, one row per (plan, actor)

The public names are listed in ``__all__`` and in ``docs/api.md``; every other module is
private. The names load on first use (PEP 562), so ``import ceasefire`` and the command
line's ``--help`` and ``--version`` do not pay for numpy, pydantic or scipy.
"""

from __future__ import annotations

import typing

from ._errors import CeasefireError, InputError, ScenarioError
from ._lazy import lazy_attributes as _lazy_attributes
from ._version import __version__

if typing.TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from ._analysis import AnalysisResult, analyze, layer_a_forecasts
    from ._plans import PlanEvaluation, evaluate_plans
    from .bargaining._bdm import BDMModel, BDMResult, bdm, bdm_issues
    from .bargaining._forecast import MODELS, forecast_file
    from .bargaining._ktab import KTABScenario, read_ktab
    from .bargaining._smp import SMPParams, SMPResult, smp
    from .bargaining._spatial import (
        NashSolution,
        compromise,
        nash_bargaining,
        spatial_utility,
        weighted_median,
    )
    from .engine._analysis import LeverSearch, WindowAnalysis, search_levers
    from .exploration._api import ExploreResult, explore
    from .scenario._changes import with_parameters
    from .scenario._scenario import Scenario, builtin_ids, load, loads, scenario_json_schema
    from .validation._cases import WarCase
    from .validation._deu import BenchResult, bench_deu
    from .validation._wars import WarsResult, bench_wars

# public name -> the private module that defines it
_LAZY: dict[str, str] = {
    # scenarios
    "Scenario": ".scenario._scenario",
    "load": ".scenario._scenario",
    "loads": ".scenario._scenario",
    "builtin_ids": ".scenario._scenario",
    "scenario_json_schema": ".scenario._scenario",
    "with_parameters": ".scenario._changes",
    # Layer A: bargaining models
    "compromise": ".bargaining._spatial",
    "weighted_median": ".bargaining._spatial",
    "nash_bargaining": ".bargaining._spatial",
    "spatial_utility": ".bargaining._spatial",
    "NashSolution": ".bargaining._spatial",
    "bdm": ".bargaining._bdm",
    "bdm_issues": ".bargaining._bdm",
    "BDMModel": ".bargaining._bdm",
    "BDMResult": ".bargaining._bdm",
    "smp": ".bargaining._smp",
    "SMPParams": ".bargaining._smp",
    "SMPResult": ".bargaining._smp",
    "read_ktab": ".bargaining._ktab",
    "KTABScenario": ".bargaining._ktab",
    "MODELS": ".bargaining._forecast",
    "forecast_file": ".bargaining._forecast",
    # the join: plans, the engine's settlement window, levers
    "analyze": "._analysis",
    "AnalysisResult": "._analysis",
    "layer_a_forecasts": "._analysis",
    "evaluate_plans": "._plans",
    "PlanEvaluation": "._plans",
    "WindowAnalysis": ".engine._analysis",
    "search_levers": ".engine._analysis",
    "LeverSearch": ".engine._analysis",
    # deep uncertainty: worlds x paths
    "explore": ".exploration._api",
    "ExploreResult": ".exploration._api",
    # validation
    "bench_wars": ".validation._wars",
    "WarsResult": ".validation._wars",
    "WarCase": ".validation._cases",
    "bench_deu": ".validation._deu",
    "BenchResult": ".validation._deu",
}

__all__ = [
    "MODELS",
    "AnalysisResult",
    "BDMModel",
    "BDMResult",
    "BenchResult",
    "CeasefireError",
    "ExploreResult",
    "InputError",
    "KTABScenario",
    "LeverSearch",
    "NashSolution",
    "PlanEvaluation",
    "SMPParams",
    "SMPResult",
    "Scenario",
    "ScenarioError",
    "WarCase",
    "WarsResult",
    "WindowAnalysis",
    "__version__",
    "analyze",
    "bdm",
    "bdm_issues",
    "bench_deu",
    "bench_wars",
    "builtin_ids",
    "compromise",
    "evaluate_plans",
    "explore",
    "forecast_file",
    "layer_a_forecasts",
    "load",
    "loads",
    "nash_bargaining",
    "read_ktab",
    "scenario_json_schema",
    "search_levers",
    "smp",
    "spatial_utility",
    "weighted_median",
    "with_parameters",
]


__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY)
