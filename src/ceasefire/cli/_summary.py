"""The readable summary that ``ceasefire run`` prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from ._output import console, heading, titled_table
from ._report import print_window_summary

if TYPE_CHECKING:
    from .._analysis import AnalysisResult


def _mark(ok: bool) -> str:
    return "[green]yes[/green]" if ok else "[red]no[/red]"


def print_summary(res: AnalysisResult) -> None:
    sc = res.scenario
    heading(f"[bold]{escape(sc.title)}[/bold] ({escape(sc.id)}, as of {sc.as_of.isoformat()})")
    plans = res.plans
    veto_idx = [i for i, v in enumerate(plans.veto) if v]
    title = "Peace plans: margin over each veto player's " + (
        "value of fighting on (month 0)" if res.window is not None else "no-deal utility"
    )
    t = titled_table(title)
    t.add_column("plan", no_wrap=True, overflow="ellipsis")
    for i in veto_idx:
        t.add_column(escape(plans.actor_ids[i]), justify="right", no_wrap=True)
    t.add_column("all veto players accept", justify="center", no_wrap=False)
    for p, pid in enumerate(plans.plan_ids):
        cells = []
        for i in veto_idx:
            m = plans.margin[p, i]
            style = "green" if m >= 0 else "red"
            cells.append(f"[{style}]{m:+.3f}[/{style}]")
        t.add_row(escape(pid), *cells, _mark(bool(plans.veto_players_accept[p])))
    console.print(t)

    f = titled_table(
        "Bargaining-model forecasts (0 = Ukraine's end, 1 = Russia's)"
        if sc.id.startswith("russia-ukraine")
        else "Bargaining-model forecasts (issue scale)"
    )
    f.add_column("issue", no_wrap=True, overflow="ellipsis")
    f.add_column("status quo", justify="right")
    for m in res.forecasts:
        f.add_column(m, justify="right", no_wrap=True)
    for k, iid in enumerate(sc.issue_ids):
        f.add_row(
            escape(iid),
            f"{sc.status_quo[k]:.2f}",
            *[f"{res.forecasts[m][iid]:.2f}" for m in res.forecasts],
        )
    console.print(f)
    if res.window is not None:
        print_window_summary(res.window, console)
