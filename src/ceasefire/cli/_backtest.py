"""``ceasefire backtest``: the settlement-window engine on historical war endings."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import validation  # lazy names: nothing loads before a command runs
from ._output import console, err_console, write_json


def _month(m: int | None) -> str:
    return "never" if m is None else str(m)


def backtest(
    case: Annotated[
        str | None,
        typer.Argument(
            help="A backtest case id (korea-1951, iran-iraq-1987, bosnia-1995); "
            "default: every case."
        ),
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write JSON to FILE ('-' = only JSON on stdout)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for every random draw.")] = 0,
    paths: Annotated[int, typer.Option(help="Monte Carlo paths per case.", min=1)] = 1000,
) -> None:
    """Backtest the engine: first window month vs the settlement month, deal vs actual terms."""
    res = validation.backtest(None if case is None else [case], seed=seed, paths=paths)
    if json_out is not None:
        write_json(res.to_dict(), json_out)
        if json_out == "-":
            return

    table = Table(
        title=f"Backtests: historical war endings (seed {seed}, {paths} paths)",
        title_justify="left",
        caption="error in months = first window month - settlement month (negative: early); "
        "no look-ahead: levers known up to each month, then held; "
        "deal error = mean |predicted - actual| over the issues, on [0, 1]; "
        "status quo / compromise: the same error for two reference predictors",
        caption_justify="left",
    )
    table.add_column("case", no_wrap=True)
    table.add_column("settlement month", justify="right")
    table.add_column("first window month", justify="right")
    table.add_column("error in months", justify="right")
    table.add_column("first window, no look-ahead", justify="right")
    table.add_column("mean deal error", justify="right")
    table.add_column("status quo / compromise", justify="right")
    for c in res.cases:
        diff = c.months_early_or_late
        refs = c.to_dict()["mean_reference_error"]
        deal = f"{c.mean_deal_error:.2f}" + ("" if c.window_opened else " (max-G point)")
        table.add_row(
            c.id,
            str(c.settlement_month),
            _month(c.first_window_month),
            "-" if diff is None else f"{diff:+d}",
            _month(c.first_window_month_as_of),
            deal,
            f"{refs['status_quo']:.2f} / {refs['compromise']:.2f}",
        )
    out = console
    if not out.is_terminal:  # a pipe or a file: do not squeeze the table into 80 columns
        out = Console(highlight=False, width=max(console.width, 110))
    out.print(table)
    for c in res.cases:
        if not c.window_opened:
            out.print(
                f"[yellow]{c.id}[/yellow]: no window opened within {c.horizon} months; the deal "
                f"compared is the G-maximising point at month {c.deal_month}."
            )
    if json_out is not None:
        err_console.print(f"[dim]JSON written to {json_out}[/dim]")
