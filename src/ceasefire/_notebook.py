"""Notebook views of a result: a short text repr, a compact HTML repr, ``res.plot.*``.

The figures need the report extra (Altair, vl-convert); without it the HTML repr is the
headline table alone, with the install hint.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._analysis import AnalysisResult

__all__ = ["Plots", "result_html", "result_repr"]


class Plots:
    """``res.plot.<figure>()``: the report's figures for one result, as Altair charts."""

    def __init__(self, res: AnalysisResult) -> None:
        self._res = res
        self._surface: dict[str, Any] | None = None

    def _report(self) -> Any:
        from . import report

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
        """First window month over a sanctions x strikes grid (runs the engine 25 times;
        the grid is kept for the next call)."""
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


def _headline_pairs(res: AnalysisResult) -> list[tuple[str, str]]:
    d = res.to_json()
    out: list[tuple[str, str]] = []
    s = d.get("settlement")
    if s and s.get("p_by_month"):
        p = s["p_by_month"]
        k = min(11, len(p) - 1)
        out.append(("P(deal within 12 months)", f"{p[k]:.0%}"))
    if "ripeness" in d:
        g = d["ripeness"]["G"]
        se = d["ripeness"].get("G_se")
        out.append(("G_0", f"{g[0]:+.3f}" + (f" ± {se[0]:.3f}" if se else "")))
        fo = d.get("first_window_month")
        out.append(("window first opens", "never in the span" if fo is None else f"month {fo}"))
    now = [p["id"] for p in d["plans"] if p.get("veto_players_accept")]
    out.append(("plans all veto players accept now", ", ".join(now) or "none"))
    stall = [a for a, v in (d.get("stalling") or {}).items() if v]
    if "stalling" in d:
        out.append(("stalling", ", ".join(stall) or "nobody"))
    rr = d.get("regime_risk") or {}
    if rr.get("actor"):
        settle = rr.get("settle") or {}
        lo = min(settle.values(), default=float("nan"))
        hi = max(settle.values(), default=float("nan"))
        out.append(
            (f"{rr['actor']} removal risk", f"fight on {rr['fight']:.1%}; settle {lo:.1%}-{hi:.1%}")
        )
    return out


def result_repr(res: AnalysisResult) -> str:
    """A one-paragraph text repr (the full data: ``res.to_json()``)."""
    sc = res.scenario
    bits = [f"{k}: {v}" for k, v in _headline_pairs(res)]
    size = ""
    if res.window is not None:
        c = res.window.compiled
        size = f", {c.paths} paths x {c.months} months"
    return (
        f"<AnalysisResult {sc.id} (as of {sc.as_of.isoformat()}), seed {res.seed}{size}: "
        + "; ".join(bits)
        + ". See .to_frame(), .to_json(), .plot.*()>"
    )


def result_html(res: AnalysisResult) -> str:
    """A compact HTML view: the headline table and the settlement (or ripeness) figure."""
    sc = res.scenario
    rows = "".join(
        f"<tr><th style='text-align:left'>{escape(k)}</th><td style='text-align:left'>"
        f"{escape(v)}</td></tr>"
        for k, v in _headline_pairs(res)
    )
    fig = ""
    try:
        import vl_convert

        from . import report
    except Exception:  # the report extra is missing: the table alone, with the hint
        fig = "<p><i>Figures: pip install 'ceasefire[report]'</i></p>"
    else:
        rd = report.run_data(res)
        for draw in (report.settlement, report.ripeness):
            try:
                chart = draw(rd)
            except report.MissingData:
                continue
            fig = vl_convert.vegalite_to_svg(chart.to_json())
            break
    return (
        f"<div><b>{escape(sc.title)}</b> ({escape(sc.id)}, as of {sc.as_of.isoformat()}, "
        f"seed {res.seed})<table>{rows}</table>{fig}</div>"
    )
