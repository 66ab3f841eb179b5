"""Validation: the DEU benchmark of the bargaining models; the benchmark of how wars end
(war cases with outcome blocks, a fixed split, scores against a duration base rate).
Names load on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from ._cases import WarCase, case_ids, cases, load_case, split_of
    from ._deu import CAPABILITIES, BenchResult, bench_deu
    from ._wars import WarsResult, bench_wars

_NAMES = {
    "WarCase": "._cases",
    "case_ids": "._cases",
    "cases": "._cases",
    "load_case": "._cases",
    "split_of": "._cases",
    "WarsResult": "._wars",
    "bench_wars": "._wars",
    "CAPABILITIES": "._deu",
    "BenchResult": "._deu",
    "bench_deu": "._deu",
}

__all__ = [
    "CAPABILITIES",
    "BenchResult",
    "WarCase",
    "WarsResult",
    "bench_deu",
    "bench_wars",
    "case_ids",
    "cases",
    "load_case",
    "split_of",
]

__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
