"""``analyze``: the default analysis of a scenario, as one Result object.

Spec -> model -> run -> result: :func:`analyze` takes a validated
:class:`~ceasefire.Scenario`, runs the bargaining models (Layer A) and, when the
scenario has an ``engine`` section, the war/economy/regime engine (Layer B) and
the settlement-window analysis, and returns an :class:`AnalysisResult` with
``to_json()`` and ``to_frame()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from ._plans import PlanEvaluation, evaluate_plans
from ._results import ResultMixin
from ._version import __version__
from .bargaining._forecast import MODELS, forecast_table, static_reservation, table_from_scenario
from .engine import analyze_window
from .scenario._registry import check_run_size, check_seed

if TYPE_CHECKING:
    import pandas as pd

    from .engine import WindowAnalysis
    from .engine._analysis import Progress
    from .scenario._scenario import Scenario

__all__ = ["AnalysisResult", "analyze", "layer_a_forecasts"]


def layer_a_forecasts(sc: Scenario) -> dict[str, dict[str, float]]:
    """Every bargaining model's forecast per issue, on the scenario's [0, 1] scale."""
    table = table_from_scenario(sc)
    out: dict[str, dict[str, float]] = {}
    d = static_reservation(sc)
    for model in MODELS:
        f, _ = forecast_table(table, model, disagreement=d if model == "nbs" else None)
        out[model] = {k: float(v) for k, v in zip(sc.issue_ids, f, strict=True)}
    return out


@dataclass(frozen=True)
class SettlementView:
    """The settlement hazard of one run (one world): arrays over the reported months."""

    p_by_month: Any  # numpy array (T,), non-decreasing
    p_se: Any  # numpy array (T,), Monte Carlo standard error
    median_month: int | None
    calendar: list[str]


@dataclass(frozen=True, repr=False)
class AnalysisResult(ResultMixin):
    """The result of :func:`analyze`: ``to_dict()``, ``to_json()`` (the ``run --json``
    text), ``to_frame()``, ``forecasts_frame()``; the engine's analysis is ``window``.

    In a notebook it shows a headline table and a figure; ``res.plot`` draws the report's
    figures (``res.plot.ripeness()``, ``res.plot.plans()``, ...).
    """

    scenario: Scenario
    seed: int
    plans: PlanEvaluation
    forecasts: dict[str, dict[str, float]]
    window: WindowAnalysis | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def settlement(self) -> SettlementView | None:
        """P(a deal is signed by each month) and its Monte Carlo error (contract 3), or None
        without an engine section: ``res.settlement.p_by_month`` is a numpy array."""
        if self.window is None:
            return None
        st = self.window.settlement
        return SettlementView(
            p_by_month=st.p_by_month[0],
            p_se=st.p_se[0],
            median_month=self.window.median_month,
            calendar=self.window.calendar,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``run`` JSON contract (see README) as plain data."""
        sc = self.scenario
        out: dict[str, Any] = {
            "scenario": sc.id,
            "title": sc.title,
            "as_of": sc.as_of.isoformat(),
            "version": __version__,
            "seed": self.seed,
            "issues": sc.issue_ids,
            "actors": sc.actor_ids,
            "veto_players": [a for a, v in zip(sc.actor_ids, sc.veto, strict=True) if v],
            "plans": self.plans.to_records(),
            "forecasts": self.forecasts,
        }
        if self.window is not None:
            # the engine describes its analysis in a dict of its own; the join places it
            window = self.window.to_dict()
            for rec, extra in zip(out["plans"], window.pop("plans"), strict=True):
                rec.update(extra)
            out.update(window)
        out.update(self.meta)
        return out

    def to_frame(self) -> pd.DataFrame:
        """Plan acceptance as a long DataFrame (plan, actor, utility, reservation, ...)."""
        return self.plans.to_frame()

    @property
    def plot(self) -> Any:
        """The report's figures for this result, as Altair charts (needs ``[report]``):
        ``res.plot.ripeness()``, ``.plans()``, ``.issue_space()``, ..."""
        return _views().Plots(self)

    def __repr__(self) -> str:
        from ._notebook import result_repr

        return result_repr(self)

    def _repr_html_(self) -> str:
        from ._errors import CeasefireError
        from ._notebook import headline_pairs

        try:
            views = _views()
        except CeasefireError:  # the report extra is missing: the table alone, with the hint
            rows = "".join(
                f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
                for k, v in headline_pairs(self)
            )
            return f"<table>{rows}</table><p><i>Figures: pip install 'ceasefire[report]'</i></p>"
        html: str = views.result_html(self)
        return html

    def forecasts_frame(self) -> pd.DataFrame:
        """Model forecasts as a DataFrame: one row per issue, one column per model."""
        import pandas as pd  # lazy: pandas costs ~0.4 s of CPU to import

        return pd.DataFrame(self.forecasts).loc[self.scenario.issue_ids]


def _views() -> Any:
    """The notebook views that draw (``ceasefire.report``, an optional extra above this
    layer: looked up at run time, so the join does not depend on it)."""
    import importlib

    return importlib.import_module("ceasefire.report._notebook")


def analyze(
    scenario: Scenario,
    *,
    seed: int = 0,
    paths: int | None = None,
    horizon: int | None = None,
    levers: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Run the default analysis of ``scenario``.

    Without an ``engine`` section, plan acceptance uses the static no-deal
    references. With one, the engine simulates ``paths`` Monte Carlo paths over
    ``horizon`` months (defaults from the scenario) under the scenario's
    baseline levers overridden by ``levers`` and acceptance uses each veto
    player's value of fighting on at month 0.
    """
    check_seed(seed)
    check_run_size(paths, horizon)
    forecasts = layer_a_forecasts(scenario)
    if scenario.engine is None:
        return AnalysisResult(
            scenario=scenario, seed=seed, plans=evaluate_plans(scenario), forecasts=forecasts
        )
    window = analyze_window(
        scenario, seed=seed, paths=paths, horizon=horizon, levers=levers, progress=progress
    )
    plans = evaluate_plans(scenario, reservation=window.plan_reservation())
    return AnalysisResult(
        scenario=scenario, seed=seed, plans=plans, forecasts=forecasts, window=window
    )
