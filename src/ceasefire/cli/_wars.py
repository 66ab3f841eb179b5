"""``ceasefire bench wars``: the engine on historical war endings, against base rates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from .. import validation  # lazy names: nothing loads before a command runs
from .._errors import InputError
from ._jsonout import check_json_target
from ._output import console, err_console, write_json

if TYPE_CHECKING:
    from ..validation._wars import WarsResult


def _f(x: float | None, nd: int = 2) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def _m(x: int | None) -> str:
    return "never" if x is None else str(x)


def _with_ci(block: dict[str, Any], name: str, nd: int = 2) -> str:
    v = block.get(name)
    if v is None:
        return "-"
    ci = block.get("ci", {}).get(name)
    return f"{v:.{nd}f}" + ("" if ci is None else f" [{ci[0]:.{nd}f}, {ci[1]:.{nd}f}]")


def _print_summary(s: dict[str, Any], label: str, out: Console) -> None:
    from rich import box
    from rich.table import Table

    summ = Table(
        box=box.SIMPLE_HEAD,
        title=f"Summary, {label}: {s['n']} cases ({s['n_negotiated']} negotiated ends, "
        f"{s['n_durability']} scored for durability); mean [95% bootstrap CI, "
        f"{s['bootstrap']['reps']} reps]",
        title_justify="left",
    )
    summ.add_column("score")
    for name in ("engine", "base rate", "compromise", "Nash", "no change"):
        summ.add_column(name, justify="right")
    e, b = s["engine"], s["base_rate"]
    summ.add_row("log score (higher better)", _with_ci(e, "log_score"), _with_ci(b, "log_score"))
    summ.add_row("Brier, settled within 12", _with_ci(e, "brier_12"), _with_ci(b, "brier_12"))
    summ.add_row(
        f"terms MAE ({s['n_terms']} cases)",
        _with_ci(e, "terms_mae"),
        "",
        _with_ci(s["compromise"], "terms_mae"),
        _with_ci(s["nash"], "terms_mae"),
        _with_ci(s["no_change"], "terms_mae"),
    )
    summ.add_row(
        "Brier, held 36 months",
        _with_ci(e, "durability_brier_36"),
        _with_ci(b, "durability_brier_36"),
    )
    summ.add_row("AUC, held 36 months", _with_ci(e, "durability_auc_36"), "")
    out.print(summ)
    diffs = s["differences"]
    for pair, scores in diffs.items():
        parts = []
        for name, v in scores.items():
            if v["mean"] is None:
                continue
            ci = v["ci"]
            ci_s = "" if ci is None else f" [{ci[0]:+.2f}, {ci[1]:+.2f}]"
            parts.append(f"{name} {v['mean']:+.2f}{ci_s}")
        if parts:
            out.print(f"{pair.replace('_', ' ')}: " + "; ".join(parts))


def _print(res: WarsResult, out: Console) -> None:
    d = res.to_dict()
    table = Table(
        box=box.SIMPLE_HEAD,
        title=f"War endings, split {res.split}: {len(res.cases)} cases "
        f"(seed {res.seed}, {res.paths} paths)",
        title_justify="left",
        caption="ended: how and at which month after the origin (none: nothing in the window); "
        "window: engine's first open month; P12: P(negotiated end within 12 months); "
        "log: ln P(what happened), higher is better; terms: mean |error| on the case's issues",
        caption_justify="left",
    )
    for col in (
        "case",
        "split",
        "origin",
        "W",
        "ended",
        "window",
        "P12 eng / base",
        "log eng / base",
        "terms eng / comp / nash / sq",
    ):
        table.add_column(col, justify="left" if col in ("case", "split", "ended") else "right")
    for c in res.cases:
        ended = c.ended_by if c.actual_month is None else f"{c.ended_by} @{c.actual_month}"
        mae = c.terms_mae
        terms = (
            "-"
            if mae["engine"] is None
            else " / ".join(_f(mae[m]) for m in ("engine", "compromise", "nash", "no_change"))
        )
        table.add_row(
            c.id,
            c.split,
            c.origin,
            str(c.window),
            ended,
            _m(c.engine.first_window_month),
            f"{c.engine.p_by_month[11]:.2f} / {c.base_rate_p_by_month[11]:.2f}",
            f"{c.log_score:.2f} / {c.base_rate_log_score:.2f}",
            terms,
        )
    out.print(table)

    _print_summary(
        d["summary"], "all cases" if res.split == "all" else f"the {res.split} split", out
    )
    for name, sub in d.get("summary_by_split", {}).items():
        _print_summary(sub, f"the {name} split", out)
    w = res.weibull
    out.print(
        f"base rate: Weibull shape {w.k:.2f}, scale {w.scale:.0f} months, fitted on "
        f"{w.n} train wars ({w.events} negotiated ends)."
    )


def wars(
    split: Annotated[str, typer.Option("--split", help="Which cases: train, test or all.")] = "all",
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write JSON to FILE ('-' = only JSON on stdout)."),
    ] = None,
    paths: Annotated[int, typer.Option("--paths", help="Monte Carlo paths per engine run.")] = 200,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the engine's draws and of the bootstrap.")
    ] = 0,
    reps: Annotated[int, typer.Option("--reps", help="Bootstrap replicates.")] = 2000,
    cases_dir: Annotated[
        Path | None,
        typer.Option("--cases", help="A directory of war cases (default: the built-in ones)."),
    ] = None,
) -> None:
    """Score the engine on historical war endings against a duration base rate (issue 10)."""
    check_json_target(json_out)  # before the work, not after it
    if split not in ("train", "test", "all"):
        raise InputError(f"--split must be train, test or all, got {split!r}")
    show_progress = console.is_terminal and json_out != "-"
    if show_progress:
        with Progress(transient=True, console=console) as prog:
            n = len(validation.cases(split, cases_dir))
            task = prog.add_task("war cases", total=n)
            done = [0]

            def on_case(case_id: str) -> None:
                prog.update(task, completed=done[0], description=f"case {case_id}")
                done[0] += 1

            res = validation.bench_wars(
                split, root=cases_dir, paths=paths, seed=seed, reps=reps, on_case=on_case
            )
    else:
        res = validation.bench_wars(split, root=cases_dir, paths=paths, seed=seed, reps=reps)
    if json_out is not None:
        write_json(res.to_dict(), json_out)
        if json_out == "-":
            return
    out = console
    if not out.is_terminal:  # a pipe or a file: do not squeeze the table into 80 columns
        out = Console(highlight=False, width=max(console.width, 140))
    _print(res, out)
    if json_out is not None:
        err_console.print(f"[dim]JSON written to {json_out}[/dim]")


def backtest(
    case: Annotated[
        str,
        typer.Argument(help="A war case id (see docs/validation.md) or a case file's path."),
    ],
    cases_dir: Annotated[
        Path | None,
        typer.Option("--cases", help="A directory of war cases (default: the built-in ones)."),
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write JSON to FILE ('-' = only JSON on stdout)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for every random draw.")] = 0,
    paths: Annotated[int, typer.Option("--paths", help="Monte Carlo paths per engine run.")] = 200,
) -> None:
    """One historical war case in detail: month by month, the engine vs the base rate."""
    check_json_target(json_out)  # before the work, not after it
    c, weibull, train_ids = validation.case_report(case, root=cases_dir, paths=paths, seed=seed)
    rec = c.to_dict()
    if json_out is not None:
        model = {**weibull.to_dict(), "fitted_on": train_ids}
        write_json({**rec, "base_rate_model": model, "paths": paths, "seed": seed}, json_out)
        if json_out == "-":
            return
    out = console
    if not out.is_terminal:
        out = Console(highlight=False, width=max(console.width, 110))
    ended = (
        "no negotiated end or victory within the window"
        if c.actual_month is None
        else f"{c.ended_by} in month {c.actual_month} ({rec['calendar'][c.actual_month]})"
    )
    out.print(f"[bold]{c.id}[/bold] ({c.split}): {c.title}")
    out.print(f"origin {c.origin}, window {c.window} months; what happened: {ended}")
    months = Table(
        box=box.SIMPLE_HEAD,
        title="P(negotiated end by the end of month t)",
        title_justify="left",
        caption="window: the month the engine's settlement window first opens; "
        "◀ the month it happened",
        caption_justify="left",
    )
    for col in ("month", "calendar", "engine", "base rate", "window", ""):
        months.add_column(
            col, justify="right" if col in ("month", "engine", "base rate") else "left"
        )
    fw = c.engine.first_window_month
    for t in range(c.window):
        mark = "◀" if c.negotiated and t == c.actual_month else ""
        if not c.negotiated and c.actual_month == t:
            mark = f"◀ {c.ended_by}"
        months.add_row(
            str(t),
            rec["calendar"][t],
            f"{c.engine.p_by_month[t]:.3f}",
            f"{c.base_rate_p_by_month[t]:.3f}",
            "open from here" if fw == t else "",
            mark,
        )
    out.print(months)
    if c.actual_terms:
        terms = Table(box=box.SIMPLE_HEAD, title="Terms on each issue [0, 1]", title_justify="left")
        for col in ("issue", "actual", "engine", "compromise", "Nash", "no change"):
            terms.add_column(col, justify="left" if col == "issue" else "right")
        for iid, v in c.actual_terms.items():
            terms.add_row(
                iid,
                f"{v:.2f}",
                *(f"{c.terms[m][iid]:.2f}" for m in ("engine", "compromise", "nash", "no_change")),
            )
        terms.add_row(
            "mean |error|",
            "",
            *(_f(c.terms_mae[m]) for m in ("engine", "compromise", "nash", "no_change")),
        )
        out.print(terms)
    out.print(
        f"log score {c.log_score:.2f} (base rate {c.base_rate_log_score:.2f}); "
        f"Brier, settled within 12: {c.brier_12:.3f} (base rate {c.base_rate_brier_12:.3f})"
    )
