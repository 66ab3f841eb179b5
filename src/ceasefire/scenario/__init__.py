"""The scenario format (a leaf layer): quantities with provenance, the typed engine section,
the parameter and lever registry, loading with FILE:LINE:COL errors, lever files, YAML.
Imports nothing from ``bargaining``, ``engine`` or ``cli``. Names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from ._changes import with_parameters
    from ._levers import read_lever_file
    from ._registry import DEFAULT_LEVER_GRID, LEVERS, PARAMETERS, check_run_size, check_seed
    from ._scenario import (
        Scenario,
        builtin_ids,
        builtin_text,
        load,
        loads,
        scenario_from_dict,
        scenario_json_schema,
    )

_NAMES = {
    "Scenario": "._scenario",
    "builtin_ids": "._scenario",
    "builtin_text": "._scenario",
    "load": "._scenario",
    "loads": "._scenario",
    "scenario_from_dict": "._scenario",
    "scenario_json_schema": "._scenario",
    "with_parameters": "._changes",
    "read_lever_file": "._levers",
    "DEFAULT_LEVER_GRID": "._registry",
    "LEVERS": "._registry",
    "PARAMETERS": "._registry",
    "check_run_size": "._registry",
    "check_seed": "._registry",
}

__all__ = [
    "DEFAULT_LEVER_GRID",
    "LEVERS",
    "PARAMETERS",
    "Scenario",
    "builtin_ids",
    "builtin_text",
    "check_run_size",
    "check_seed",
    "load",
    "loads",
    "read_lever_file",
    "scenario_from_dict",
    "scenario_json_schema",
    "with_parameters",
]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
