"""Run a scenario and build its briefing: what ``ceasefire report`` does."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._data import run_data
from ._html import Report, build_report, read_article
from ._surface import lever_surface_data

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["make_report"]


def make_report(
    scenario: Scenario,
    *,
    levers: dict[str, Any] | None = None,
    explore: Mapping[str, Any] | None = None,
    article: str | Path | Mapping[int, str] | None = None,
    seed: int = 0,
    paths: int | None = None,
    horizon: int | None = None,
    surface_paths: int = 200,
    surface_steps: int = 5,
    command: str | None = None,
) -> Report:
    """Analyse ``scenario`` (as ``ceasefire run``), compute the lever surface, build the report.

    ``surface_paths`` paths per cell of the ``surface_steps`` x ``surface_steps``
    sanctions x strikes grid (0 skips the surface).
    """
    from .._analysis import analyze

    timings: dict[str, float] = {}
    t = time.perf_counter()
    res = analyze(scenario, seed=seed, paths=paths, horizon=horizon, levers=levers)
    timings["run"] = time.perf_counter() - t
    rd = run_data(res, explore=explore)
    if scenario.engine is not None and surface_paths > 0:
        t = time.perf_counter()
        rd.d["report_lever_surface"] = lever_surface_data(
            scenario,
            levers=levers,
            paths=surface_paths,
            seed=seed,
            steps=surface_steps,
            horizon=horizon,
        )
        timings["lever_surface"] = time.perf_counter() - t
    paragraphs = read_article(article) if isinstance(article, str | Path) else article
    return build_report(rd, article=paragraphs, command=command, timings=timings)
