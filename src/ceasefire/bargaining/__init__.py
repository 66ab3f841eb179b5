"""Layer A: the bargaining models on arrays (spatial utility, compromise, weighted median,
Nash, BDM, SMP), the KTAB and one-issue readers, and one adapter per model
(``_forecast``). Names load on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes
from ._models import MODELS

if TYPE_CHECKING:
    from ._forecast import forecast_file

_NAMES = {"forecast_file": "._forecast"}

__all__ = ["MODELS", "forecast_file"]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
