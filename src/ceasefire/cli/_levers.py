"""``ceasefire levers``: when does the window open, and what lever setting opens it cheapest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

import ceasefire as cf

from .. import engine
from .. import scenario as scenario_layer  # lazy names: nothing loads before a command runs
from .._errors import InputError
from ._core import DEFAULT_SCENARIO, parse_levers
from ._jsonout import check_json_target
from ._output import console, progress_bar, write_json


def _parse_levels(text: str | None, name: str) -> list[float] | None:
    if text is None:
        return None
    try:
        vals = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"--{name} {text!r}: expected comma-separated numbers") from None
    if not vals or any(not 0 <= v <= 1 for v in vals):
        raise InputError(f"--{name} {text!r}: levels must lie in [0, 1]")
    return vals


def levers(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id or a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    lever: Annotated[
        list[str] | None,
        typer.Option(
            help="Hold a lever constant, e.g. --lever sanctions=0.8 (first-window check)."
        ),
    ] = None,
    levers_file: Annotated[
        Path | None, typer.Option("--levers", help="Read lever paths from a file.")
    ] = None,
    sanctions: Annotated[str | None, typer.Option(help="Grid levels, e.g. 0,0.5,1.")] = None,
    strikes: Annotated[str | None, typer.Option(help="Grid levels for strikes.")] = None,
    aid: Annotated[str | None, typer.Option(help="Grid levels for aid.")] = None,
    paths: Annotated[int, typer.Option(help="Monte Carlo paths per grid point.", min=1)] = 300,
    horizon: Annotated[
        int | None,
        typer.Option(
            help="Months T analysed (default: the scenario's); paths run 2T months.", min=1
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed (common random numbers across the grid).")] = 0,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the search as JSON to FILE ('-' = stdout).")
    ] = None,
) -> None:
    """The first month the window opens; the cheapest lever setting that opens it in the horizon.

    Searches a grid over sanctions x strikes x aid within the horizon.
    """
    check_json_target(json_out)  # before the work, not after it
    scenario_layer.check_seed(seed)
    scenario_layer.check_run_size(paths, horizon)
    sc = cf.load(scenario)
    if sc.engine is None:
        raise InputError(f"scenario {sc.id!r} has no engine section")
    fixed: dict[str, Any] = {}
    if levers_file is not None:
        months = horizon or sc.engine_spec.horizon_months
        fixed.update(scenario_layer.read_lever_file(levers_file, horizon=months))
    fixed.update(parse_levers(lever))
    _, g, _ = engine.ripeness_path(
        engine.compile_scenario(sc, paths=paths, horizon=horizon, levers=fixed or None), seed
    )
    given_first = engine.first_open(g)
    levels: dict[str, list[float]] = {}
    for name, text in (("sanctions", sanctions), ("strikes", strikes), ("aid", aid)):
        parsed = _parse_levels(text, name)
        levels[name] = (
            parsed if parsed is not None else list(scenario_layer.DEFAULT_LEVER_GRID[name])
        )
    grid_fixed = {k: v for k, v in fixed.items() if k not in levels}
    with progress_bar(json_out != "-") as bar:
        res = cf.search_levers(
            sc,
            seed=seed,
            paths=paths,
            horizon=horizon,
            levels=levels,
            fixed=grid_fixed or None,
            progress=bar,
        )
    out = res.to_dict()
    out["scenario"] = sc.id
    out["given_levers"] = {k: (v if isinstance(v, float) else list(v)) for k, v in fixed.items()}
    out["given_first_window_month"] = given_first
    if json_out is not None:
        write_json(out, json_out)
        if json_out == "-":
            return
    what = ", ".join(f"{k}={v}" for k, v in fixed.items() if isinstance(v, float)) or "baseline"
    console.print(
        f"With {what} levers the window "
        + (
            f"first opens in month {given_first}."
            if given_first is not None
            else f"stays shut for all {res.months} months."
        )
    )
    t = Table(
        title=f"Lever grid ({paths} paths each, seed {seed}): first month the window opens",
        title_justify="left",
    )
    names = list(levels)
    for n in names:
        t.add_column(n, justify="right")
    t.add_column("cost", justify="right")
    t.add_column("G_0", justify="right")
    t.add_column("first window month", justify="right")
    cheapest = res.cheapest
    for row in sorted(res.grid, key=lambda r: (r["cost"], r["first_window_month"] or 10**6)):
        m = row["first_window_month"]
        style = "bold green" if row is cheapest else ("" if m is not None else "dim")
        cells = [f"{row[n]:.2f}" for n in names] + [
            f"{row['cost']:.2f}",
            f"{row['G0']:+.3f}",
            str(m) if m is not None else "never",
        ]
        t.add_row(*cells, style=style)
    console.print(t)
    if cheapest is None:
        console.print("[red]No setting in the grid opens the window within the horizon.[/red]")
    else:
        setting = ", ".join(f"{n}={cheapest[n]:.2f}" for n in names)
        console.print(
            f"Cheapest setting that opens the window: [bold]{setting}[/bold] "
            f"(cost {cheapest['cost']:.2f}), opening in month {cheapest['first_window_month']}."
        )
