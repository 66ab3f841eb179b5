"""Validation: the DEU benchmark of the bargaining models and the engine's backtests.
Names load on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from ._backtest import BacktestResult, backtest
    from ._deu import CAPABILITIES, BenchResult, bench_deu

_NAMES = {
    "BacktestResult": "._backtest",
    "backtest": "._backtest",
    "CAPABILITIES": "._deu",
    "BenchResult": "._deu",
    "bench_deu": "._deu",
}

__all__ = [
    "CAPABILITIES",
    "BacktestResult",
    "BenchResult",
    "backtest",
    "bench_deu",
]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
