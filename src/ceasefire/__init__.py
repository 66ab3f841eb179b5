"""ceasefire: model how wars end.

>>> import ceasefire as cf
>>> sc = cf.load("russia-ukraine-2024")
>>> res = cf.analyze(sc)
"""

from __future__ import annotations

from ._errors import CeasefireError, InputError, ScenarioError
from ._scenario import Scenario, builtin_ids, load, loads

__version__ = "0.1.0"

__all__ = [
    "CeasefireError",
    "InputError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "builtin_ids",
    "load",
    "loads",
]
