"""The names of the bargaining models that ``forecast`` and ``analyze`` run (a leaf module:
the command line's help lists them without loading the models)."""

from __future__ import annotations

__all__ = ["MODELS"]

MODELS = ("compromise", "median", "nbs", "bdm", "smp")
