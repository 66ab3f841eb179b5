"""Notebook views that draw: ``res.plot.*`` and the compact HTML repr (headline table and
the settlement figure as SVG)."""

from __future__ import annotations

from html import escape
from typing import Any

from .._notebook import headline_pairs

__all__ = ["Plots", "result_html"]


class Plots:
    """``res.plot.<figure>()``: the report's figures for one result, as Altair charts."""

    def __init__(self, res: Any) -> None:
        self._res = res
        self._surface: dict[str, Any] | None = None

    def _report(self) -> Any:
        from .. import report

        return report

    def _data(self) -> Any:
        return self._report().run_data(self._res)

    def settlement(self, explore: dict[str, Any] | None = None) -> Any:
        """P(deal signed by each calendar month) with its bands."""
        return self._report().settlement(self._data(), explore=explore)

    def ripeness(self) -> Any:
        """Ripeness G_t by calendar month with its Monte Carlo band."""
        return self._report().ripeness(self._data())

    def plans(self) -> Any:
        """Plan x veto player x month margins; first month all veto players accept."""
        return self._report().plans(self._data())

    def issue_space(self) -> Any:
        """Per issue: ideal points, status quo, plans, forecasts, predicted deal."""
        return self._report().issue_space(self._data())

    def removal_risk(self) -> Any:
        """The regime's removal risk by course of action."""
        return self._report().removal_risk(self._data())

    def counterfactuals(self) -> Any:
        """G_0 with one mechanism switched off at a time."""
        return self._report().counterfactuals(self._data())

    def lever_surface(self, paths: int = 200) -> Any:
        """P(deal within 12 months) over a sanctions x strikes grid (runs the engine 25
        times; the grid is kept for the next call)."""
        rep = self._report()
        if self._surface is None or self._surface.get("paths") != paths:
            self._surface = rep.lever_surface_data(
                self._res.scenario, paths=paths, seed=self._res.seed
            )
        return rep.lever_surface(self._data(), surface=self._surface)

    def sensitivity(self, explore: dict[str, Any]) -> Any:
        """Tornado of an exploration's sensitivity indices (``ceasefire explore --json``)."""
        return self._report().sensitivity(explore=explore)

    def __repr__(self) -> str:
        names = [n for n in dir(self) if not n.startswith("_")]
        return f"<plots: {', '.join(f'.{n}()' for n in names)}>"


def result_html(res: Any) -> str:
    """A compact HTML view: the headline table and the settlement figure."""
    sc = res.scenario
    rows = "".join(
        f"<tr><th style='text-align:left'>{escape(k)}</th><td style='text-align:left'>"
        f"{escape(v)}</td></tr>"
        for k, v in headline_pairs(res)
    )
    fig = ""
    import vl_convert

    from .. import report

    try:
        chart = report.settlement(report.run_data(res))
    except report.MissingData:  # a scenario without an engine section
        pass
    else:
        fig = vl_convert.vegalite_to_svg(chart.to_json())
    return (
        f"<div><b>{escape(sc.title)}</b> ({escape(sc.id)}, as of {sc.as_of.isoformat()}, "
        f"seed {res.seed})<table>{rows}</table>{fig}</div>"
    )
