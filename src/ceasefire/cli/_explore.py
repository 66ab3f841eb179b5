"""``ceasefire explore``: how robust each conclusion is to the analyst's judgements."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ._jsonout import check_json_target
from ._output import console, write_json

if TYPE_CHECKING:
    from rich.console import Console

    from ..exploration import ExploreResult

DEFAULT_SCENARIO = "russia-ukraine-2024"
DEFAULT_N = {"lhs": 64, "morris": 4, "sobol": 64}
INDEX_LABEL = {
    "mu_star": "Morris mu*",
    "S1": "Sobol S1",
    "ST": "Sobol ST",
    "spearman": "rank correlation",
}
OUTPUT_LABEL = {
    "first_window_month": "first window month (never = horizon)",
    "p_settle_12": "P(deal within 12 months)",
    "G0": "G_0 (ripeness now)",
}


def explore(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id or a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    method: Annotated[
        str, typer.Option(help="Design: lhs (shares, PRIM), morris (screening) or sobol.")
    ] = "lhs",
    worlds: Annotated[
        int | None,
        typer.Option(
            help="Design size: LHS worlds (64), Morris trajectories (4; D+1 worlds each) "
            "or Sobol base points (64, a power of two; D+2 worlds each)."
        ),
    ] = None,
    paths: Annotated[int, typer.Option(help="Monte Carlo paths per world.", min=1)] = 200,
    levers_file: Annotated[
        Path | None,
        typer.Option("--levers", help="Lever paths (YAML/JSON/CSV) held in every world."),
    ] = None,
    vary_levers: Annotated[
        bool,
        typer.Option(
            "--vary-levers", help="Also explore each lever (held from month 0) on [0, 1]."
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the design and of every world's paths.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Keep every world in a Parquet dataset in DIR.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Complete an interrupted run in --out DIR.")
    ] = False,
    scheduler: Annotated[
        str,
        typer.Option(help="local (serial), local:K (K Dask workers here) or tcp://HOST:PORT."),
    ] = "local",
    claims: Annotated[
        bool, typer.Option("--claims/--no-claims", help="Evaluate the claims C1-C7 per world.")
    ] = True,
    inputs: Annotated[
        str,
        typer.Option(
            help="Inputs to vary: all (every range) or engine (engine parameters and the "
            "sides' optimism only: one vectorised engine call per chunk)."
        ),
    ] = "all",
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the result as JSON to FILE ('-' = stdout).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on screen.")] = False,
) -> None:
    """Many plausible worlds of the scenario's judgements: shares, sensitivities, PRIM boxes."""
    check_json_target(json_out)  # before the work, not after it
    from .._errors import InputError
    from ..exploration import explore as run_explore
    from ..scenario import _scenario

    if method not in DEFAULT_N:
        raise InputError(f"--method {method!r}: choose one of {', '.join(DEFAULT_N)}")
    sc = _scenario.load(scenario)
    levers: dict[str, Any] | None = None
    if levers_file is not None:
        from ..scenario._levers import read_lever_file

        levers = dict(read_lever_file(levers_file))
    show = not quiet and json_out != "-"
    try:
        res = run_explore(
            sc,
            method=method,
            worlds=DEFAULT_N[method] if worlds is None else worlds,
            paths=paths,
            seed=seed,
            levers=levers,
            out=out,
            resume=resume,
            scheduler=scheduler,
            vary_levers=vary_levers,
            claims=claims,
            inputs=inputs,
            progress=show and console.is_terminal,
        )
    except KeyboardInterrupt:
        where = f" (the finished chunks are in {out}; add --resume to complete)" if out else ""
        typer.echo(f"interrupted{where}", err=True)
        raise typer.Exit(130) from None
    if json_out is not None:
        write_json(res.to_dict(), json_out)
    if show:
        print_explore_summary(res, console)
        if json_out is not None:
            console.print(f"[dim]JSON written to {escape(json_out)}[/dim]", soft_wrap=True)


def month_text(m: float, months: int) -> str:
    """A first-window-month quantile: 'never' where it is the horizon (never opens)."""
    return "never" if m >= months else f"{m:.0f}"


def _band(s: dict[str, float], fmt: str) -> str:
    return f"{s['median']:{fmt}}  [{s['q10']:{fmt}}, {s['q90']:{fmt}}]"


def print_spread(res: ExploreResult, console: Console, mc_se: float | None = None) -> None:
    """G_0 and the first window month over worlds, beside the Monte Carlo error."""
    g = res.spread("G0")
    se = res.mc_se_g0() if mc_se is None else mc_se
    se_txt = f"{se:.4f}" if math.isfinite(se) else "n/a (the vectorised engine gives none)"
    console.print(
        f"  G_0 over worlds: median {_band(g, '+.3f')} (10-90 %); "
        f"Monte Carlo s.e. within a world {se_txt}"
    )
    f = res.spread("first_window_month")
    console.print(
        f"  First window month: median {month_text(f['median'], res.months)}  "
        f"[{month_text(f['q10'], res.months)}, {month_text(f['q90'], res.months)}]; "
        f"never within {res.months} months in {f['share_nan']:.0%} of worlds"
    )


def print_explore_summary(res: ExploreResult, console: Console) -> None:
    d = len(res.inputs)
    console.rule(
        f"[bold]Exploration[/bold] of {escape(res.scenario_id)}: {res.n_worlds} worlds x "
        f"{res.paths} paths ({res.method}, seed {res.seed}, {d} uncertain inputs)"
    )
    console.print(
        "  A world fixes every judgement with a range at one value (uniform over the range); "
        "its paths are the war's randomness."
    )
    print_spread(res, console)

    st = res.settlement
    proxy = res.p_source == "proxy"
    t = Table(
        title="P(settlement by month t) over worlds"
        + (" [proxy: window open by month t, 0/1 per world]" if proxy else ""),
        title_justify="left",
    )
    t.add_column("month", justify="right")
    t.add_column("median", justify="right")
    t.add_column("10-90 % band", justify="right")
    t.add_column("share of worlds" if proxy else "mean", justify="right")
    t.add_column("Monte Carlo s.e.", justify="right")
    months = sorted({*range(0, len(st), 6), 11, len(st) - 1} & set(range(len(st))))
    for m in months:
        r = st.iloc[m]
        se = res.mc_se_p(m)
        t.add_row(
            str(m),
            f"{r['median']:.2f}",
            f"{r['q10']:.2f}-{r['q90']:.2f}",
            f"{r['mean']:.2f}",
            "n/a (proxy)" if proxy else (f"{se:.3f}" if math.isfinite(se) else "n/a"),
        )
    console.print(t)

    if len(res.claims):
        c = Table(
            title="The article's claims: share of worlds where each holds", title_justify="left"
        )
        c.add_column("claim")
        c.add_column("share", justify="right")
        c.add_column("95 % interval (Wilson)", justify="right")
        c.add_column("article")
        c.add_column("claim as tested")
        for r in res.claims.to_dict("records"):
            share = float(r["share"])
            style = "green" if share >= 0.9 else ("yellow" if share >= 0.5 else "red")
            c.add_row(
                str(r["claim"]),
                f"[{style}]{share:.0%}[/{style}]",
                f"{float(r['lo']):.0%}-{float(r['hi']):.0%}",
                str(r["paragraph"]),
                escape(str(r["text"])),
            )
        console.print(c)
        if res.method != "lhs":
            console.print(
                f"  [dim]Shares over a {res.method} design are indicative; "
                "use --method lhs for shares of a space-filling sample.[/dim]"
            )

    if len(res.plans):
        pt = Table(title="Peace plans: share of worlds where every veto player accepts (month 0)")
        pt.title_justify = "left"
        pt.add_column("plan")
        pt.add_column("share", justify="right")
        pt.add_column("95 % interval (Wilson)", justify="right")
        for r in res.plans.to_dict("records"):
            pt.add_row(
                escape(str(r["plan"])),
                f"{float(r['share']):.0%}",
                f"{float(r['lo']):.0%}-{float(r['hi']):.0%}",
            )
        console.print(pt)

    print_tornado(res, console)

    console.print()
    console.print(
        "[bold]Scenario discovery[/bold] (PRIM, EMA workbench): where a deal within 12 months "
        "happens (P >= 1/2), and where the perceived zone stays shut for 12 months (C3)"
    )
    for i, b in enumerate(res.boxes.to_dict("records"), 1):
        case = _CASES.get(str(b["output"]), str(b["output"]))
        console.print(
            f"  box {i} ({escape(case)}): coverage {float(b['coverage']):.0%}, "
            f"density {float(b['density']):.0%}, mass {float(b['mass']):.0%}: "
            f"{escape(str(b['words']))}",
            soft_wrap=True,
        )
    if res.box_note:
        console.print(f"  no box: {escape(res.box_note)}", soft_wrap=True)
    elif not len(res.boxes):
        console.print("  no box: none found")
    if res.out is not None:
        console.print(
            f"  [dim]Worlds in {escape(res.out)}/worlds/*.parquet "
            "(pandas.read_parquet or DuckDB; see docs/uncertainty.md).[/dim]"
        )


# PRIM's cases of interest (exploration/_api.py: DEAL_12, ZONE_12), in words
_CASES = {
    "deal_12": "a deal within 12 months",
    "zone_shut_12": "the zone stays shut for 12 months",
}


def print_tornado(res: ExploreResult, console: Console, top: int = 8) -> None:
    sens = res.sensitivity
    if sens is None or not len(sens):
        return
    index = {"morris": "mu_star", "sobol": "ST", "lhs": "spearman"}[res.method]
    for out_name in sens["output"].unique():
        s = sens[(sens["output"] == out_name) & (sens["index"] == index)].copy()
        if not len(s):
            continue
        s["abs"] = s["value"].abs()
        s = s.sort_values("abs", ascending=False).head(top)
        scale = float(s["abs"].max()) or 1.0
        console.print()
        console.print(
            f"[bold]Sensitivity[/bold] of {OUTPUT_LABEL.get(out_name, out_name)}: "
            f"{INDEX_LABEL[index]} (± 95 % conf)"
        )
        sigma = sens[(sens["output"] == out_name) & (sens["index"] == "sigma")]
        sig = dict(zip(sigma["input"], sigma["value"], strict=True))
        width = max(len(x) for x in s["input"])
        for r in s.to_dict("records"):
            name, val, cf = str(r["input"]), float(r["value"]), float(r["conf"])
            bar = "█" * max(1, round(20 * abs(val) / scale)) if val else ""
            conf = f" ± {cf:.3g}" if math.isfinite(cf) else ""
            extra = f"  sigma {float(sig[name]):.3g}" if name in sig else ""
            console.print(
                f"  {escape(name):<{width}} {bar:<20} {val:+.3g}{conf}{extra}", soft_wrap=True
            )
