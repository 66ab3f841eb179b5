"""Core commands: run, validate, scenarios, schema, forecast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

import ceasefire as cf

from .. import scenario as scenario_layer  # lazy names: nothing loads before a command runs
from .._errors import InputError
from .._io import write_text
from ..bargaining._models import MODELS
from ._fast import run_forecast
from ._jsonout import check_json_target
from ._output import console, dumps, err_console, print_items, progress_bar, write_json
from ._summary import print_summary

DEFAULT_SCENARIO = "russia-ukraine-2024"


def parse_levers(items: list[str] | None) -> dict[str, float]:
    """``["sanctions=0.8", ...]`` -> ``{"sanctions": 0.8}``; one-line errors for bad items."""
    out: dict[str, float] = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(f"--lever {item!r}: expected NAME=VALUE, e.g. sanctions=0.8")
        name, _, raw = item.partition("=")
        name = scenario_layer.lever_name(name.strip())
        try:
            value = float(raw)
        except ValueError:
            raise InputError(f"--lever {item!r}: {raw.strip()!r} is not a number") from None
        out[name] = scenario_layer.lever_value(value, where=f"--lever {item!r}")
    return out


RUN_EXPLORE_WORLDS = 32
RUN_EXPLORE_PATHS = 20


def _run_exploration(
    sc: Any, worlds: int, seed: int, horizon: int | None, levers: dict[str, Any]
) -> Any:
    """The small exploration ``run`` shows: LHS over the engine's world inputs (engine
    parameters and the sides' optimism), no claims, no PRIM: one vectorised engine call.

    The other ranges (status quo, no-deal values, fronts, war costs, breakdown weights)
    keep their stated values here: varying them costs one engine call per world
    (``ceasefire explore`` does). Sizes: docs/benchmarks.md, "The default run".
    """
    if sc.engine is None:
        return None
    try:  # the explore extra (SALib): the core install runs without it, and says so
        import SALib.sample  # noqa: F401
    except ImportError:
        err_console.print(
            "[dim]The spread over the analyst's judgements needs the explore extra: "
            "pip install 'ceasefire\\[explore]' (or --worlds 0 to skip it).[/dim]",
            soft_wrap=True,
        )
        return None
    from ..exploration import engine_name, explore, uncertain_inputs

    if not any(engine_name(sc, u.name) for u in uncertain_inputs(sc)):
        return None
    return explore(
        sc,
        method="lhs",
        worlds=worlds,
        paths=RUN_EXPLORE_PATHS,
        seed=seed,
        levers=levers or None,
        horizon=horizon,
        claims=False,
        discover=False,
        inputs="engine",
    )


def _exploration_json(x: Any) -> dict[str, Any]:
    d = x.to_dict()
    return {
        "method": d["method"],
        "worlds": d["worlds"],
        "paths": d["paths"],
        "seed": d["seed"],
        "settlement": d["settlement"],
        "spread": d["spread"],
    }


def _print_exploration(res: Any, x: Any) -> None:
    from ._explore import month_text

    w = res.window
    se = w.ripeness_se[0] if w is not None and w.ripeness_se is not None else float("nan")
    console.print()
    console.print(
        f"[bold]How sure[/bold]: spread over the analyst's judgements ({x.n_worlds} worlds, "
        f"{len(x.inputs)} engine inputs drawn by LHS, other ranges at their stated values, "
        f"{x.paths} paths each; --worlds 0 turns this off)"
    )
    x_g = x.spread("G0")
    se_txt = f"± {se:.3f}" if se == se else "n/a"
    if w is not None:  # lines wrap between items, never between a label and its value
        print_items(
            "  G_0:",
            [
                f"this run {w.ripeness[0]:+.3f} {se_txt} (Monte Carlo s.e.)",
                f"over judgements median {x_g['median']:+.3f}",
                f"10-90 % [{x_g['q10']:+.3f}, {x_g['q90']:+.3f}]",
            ],
        )
    f = x.spread("first_window_month")
    st = x.settlement
    by12 = float(st["mean"].iloc[min(11, len(st) - 1)])
    print_items(
        "  First window month over judgements:",
        [
            f"median {month_text(f['median'], x.months)}",
            f"10-90 % [{month_text(f['q10'], x.months)}, {month_text(f['q90'], x.months)}]",
            f"never within {x.months} months in {f['share_nan']:.0%} of worlds",
            f"open within 12 months in {by12:.0%}",
        ],
    )
    console.print(
        "  [dim]Which judgements matter, the claims' shares, PRIM boxes: ceasefire explore[/dim]"
    )


def run(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id or a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the result as JSON to FILE ('-' = stdout).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for every random draw.")] = 0,
    paths: Annotated[
        int | None, typer.Option(help="Monte Carlo paths (default: the scenario's, 1000).", min=1)
    ] = None,
    horizon: Annotated[
        int | None,
        typer.Option(
            help="Months T reported (default: the scenario's, 36). Values are on an infinite "
            "horizon (at least 360 months simulated), so T changes no answer.",
            min=1,
        ),
    ] = None,
    lever: Annotated[
        list[str] | None,
        typer.Option(help="Hold a lever constant from month 0, e.g. --lever sanctions=0.8."),
    ] = None,
    levers_file: Annotated[
        Path | None, typer.Option("--levers", help="Read lever paths from a YAML/JSON/CSV file.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on screen.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Also give the forecast the model makes at this month (YYYY-MM), knowing the "
            "--levers history up to it only.",
        ),
    ] = None,
    worlds: Annotated[
        int,
        typer.Option(
            help="Worlds of a small exploration of the scenario's ranges (LHS, "
            f"{RUN_EXPLORE_PATHS} paths each), shown beside the Monte Carlo error; 0 = off.",
            min=0,
        ),
    ] = RUN_EXPLORE_WORLDS,
) -> None:
    """Run the default analysis: plan acceptance, model forecasts, the settlement window."""
    check_json_target(json_out)  # before the work, not after it
    sc = cf.load(scenario)
    levers: dict[str, Any] = {}
    if levers_file is not None:
        months = horizon or (sc.engine_spec.horizon_months if sc.engine is not None else None)
        levers.update(scenario_layer.read_lever_file(levers_file, horizon=months))
    levers.update(parse_levers(lever))
    if levers and sc.engine is None:
        raise InputError(f"scenario {sc.id!r} has no engine section: levers do not apply")
    show = not quiet and json_out != "-"
    with progress_bar(show) as bar:
        res = cf.analyze(
            sc, seed=seed, paths=paths, horizon=horizon, levers=levers or None, progress=bar
        )
    fc = None
    if as_of is not None:
        from ..engine._analysis import forecast_as_of, month_index

        if sc.engine is None:
            raise InputError(f"scenario {sc.id!r} has no engine section: --as-of does not apply")
        fc = forecast_as_of(
            sc, month_index(sc, as_of), levers=levers or None, seed=seed, paths=paths
        )
    spread = _run_exploration(sc, worlds, seed, horizon, levers) if worlds > 0 else None
    if json_out is not None:
        data = res.to_dict()
        if spread is not None:
            data["exploration"] = _exploration_json(spread)
        if fc is not None:
            data["as_of_forecast"] = fc
        write_json(data, json_out)
    if show:
        print_summary(res)
        if spread is not None:
            _print_exploration(res, spread)
        if fc is not None:
            _print_as_of(fc)
        if json_out is not None:
            console.print(f"[dim]JSON written to {escape(json_out)}[/dim]", soft_wrap=True)


def _print_as_of(fc: dict[str, Any]) -> None:
    med = fc["median_calendar"] or f"after {fc['calendar'][-1]}"
    console.print(
        f"[bold]Forecast as of {fc['as_of']}[/bold] (history up to then only): P(a deal within "
        f"12 months | none yet) {fc['p_within_12']:.2f}; median month of a deal {med}",
        soft_wrap=True,
    )


def track(
    levers_file: Annotated[
        Path, typer.Argument(help="Realised lever history (YAML/JSON/CSV lever file).")
    ],
    scenario: Annotated[
        str, typer.Option(help="A built-in scenario id or a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    seed: Annotated[int, typer.Option(help="Seed for every random draw.")] = 0,
    paths: Annotated[int, typer.Option(help="Monte Carlo paths per month.", min=1)] = 300,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the record as JSON to FILE ('-' = stdout).")
    ] = None,
) -> None:
    """The forecast the model makes at every month of a lever file (a forecaster's record)."""
    check_json_target(json_out)  # before the work, not after it
    from ..engine._analysis import forecast_as_of

    sc = cf.load(scenario)
    if sc.engine is None:
        raise InputError(f"scenario {sc.id!r} has no engine section: nothing to track")
    levers = scenario_layer.read_lever_file(levers_file)
    last = max((len(v) - 1 if isinstance(v, list) else 0) for v in levers.values())
    rows = [forecast_as_of(sc, m, levers=levers, seed=seed, paths=paths) for m in range(last + 1)]
    if json_out is not None:
        write_json({"scenario": sc.id, "seed": seed, "paths": paths, "record": rows}, json_out)
        if json_out == "-":
            return
    t = Table(title=f"Forecasts of {sc.id} month by month", title_justify="left")
    t.add_column("as of")
    t.add_column("P(deal within 12 months)", justify="right")
    t.add_column("median month of a deal", justify="right")
    for r in rows:
        t.add_row(r["as_of"], f"{r['p_within_12']:.2f}", r["median_calendar"] or "later")
    console.print(t)


def validate(
    file: Annotated[str, typer.Argument(help="A scenario YAML file (or a built-in id).")],
) -> None:
    """Check a scenario file; print what it holds, or the first error with its line."""
    sc = cf.load(file)
    qs = sc.quantities()
    bare = [path for path, q in qs if not q.has_provenance]
    console.print(
        f"[green]ok[/green] {escape(file)}: scenario {escape(repr(sc.id))}, "
        f"{len(sc.actors)} actors, {len(sc.issues)} issues, {len(sc.proposals)} proposals, "
        f"{len(qs)} numbers" + (", engine section" if sc.engine is not None else ""),
        soft_wrap=True,
    )
    if bare:
        shown = ", ".join(bare[:5]) + (" ..." if len(bare) > 5 else "")
        err_console.print(
            f"[yellow]warning[/yellow]: {len(bare)} number(s) carry no source or judgement: "
            f"{escape(shown)}",
            soft_wrap=True,
        )


def scenarios(
    export: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--export",
            help="Write built-in scenario ID to FILE as editable YAML.",
            metavar="ID FILE",
        ),
    ] = None,
) -> None:
    """List the built-in scenarios, or export one as an editable YAML file."""
    if export is not None:
        sid, target = export
        text = scenario_layer.builtin_text(sid)
        write_text(target, text)
        console.print(
            f"wrote {escape(sid)} to {escape(target)}; edit it, then: ceasefire run "
            f"{escape(target)}",
            soft_wrap=True,
        )
        return
    table = Table(title="Built-in scenarios")
    ids = cf.builtin_ids()
    table.add_column("id", no_wrap=True, min_width=max(map(len, ids), default=2))
    table.add_column("title")
    table.add_column("as of")
    table.add_column("actors", justify="right")
    table.add_column("issues", justify="right")
    table.add_column("plans", justify="right")
    for sid in ids:
        sc = cf.load(sid)
        table.add_row(
            sid,
            sc.title,
            sc.as_of.isoformat(),
            str(len(sc.actors)),
            str(len(sc.issues)),
            str(len(sc.proposals)),
        )
    console.print(table)


def schema(
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of the scenario format."""
    data = cf.scenario_json_schema()
    if out is None:
        typer.echo(json.dumps(data, indent=2))
    else:
        write_text(out, dumps(data))


def forecast(
    file: Annotated[
        str,
        typer.Argument(
            help="A scenario YAML, a one-issue CSV (actor,capability,position,"
            "salience) or a KTAB CSV/XML."
        ),
    ],
    model: Annotated[
        str, typer.Option("--model", "-m", help=f"One of: {', '.join(MODELS)}.")
    ] = "compromise",
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write the forecast as JSON to FILE ('-' = stdout)."),
    ] = None,
) -> None:
    """Forecast the outcome of each issue with one bargaining model."""
    check_json_target(json_out)  # before the work, not after it
    run_forecast(file, model, json_out)
