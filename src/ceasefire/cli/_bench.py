"""``ceasefire bench``: accuracy benchmarks of the bargaining models against real outcomes."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from .. import validation  # lazy names: nothing loads before a command runs
from .._errors import InputError
from .._io import write_text
from ._jsonout import check_json_target


def _fmt(x: float | None, nd: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def deu(
    data: Annotated[
        Path, typer.Option("--data", help="DEU-format TSV (e.g. ../shared/data/deu/deu_dev.tsv).")
    ],
    capability: Annotated[
        str, typer.Option("--capability", help="Actor capability: equal or council.")
    ] = "equal",
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Write the result as JSON to FILE ('-' for stdout)."),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the bootstrap and the CV folds.")
    ] = 0,
    reps: Annotated[int, typer.Option("--reps", help="Bootstrap replicates.")] = 2000,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 10,
) -> None:
    """Score every model on the DEU issues (MAE, median AE, RMSE, within 5/10/20, by procedure)."""
    check_json_target(json_out)  # before the work, not after it
    if capability not in validation.CAPABILITIES:
        raise InputError(
            f"--capability must be one of {', '.join(validation.CAPABILITIES)}, got {capability!r}"
        )
    if reps < 1 or folds < 2:
        raise InputError("--reps must be >= 1 and --folds >= 2")
    res = validation.bench_deu(data, capability=capability, seed=seed, reps=reps, folds=folds)
    if json_out == "-":
        sys.stdout.write(res.to_json() + "\n")
        return
    if json_out is not None:
        write_text(json_out, res.to_json() + "\n")
        typer.echo(f"wrote {json_out}", err=True)
        return

    procs = sorted({p for m in res.models.values() for p in m.by_proc})
    console = Console()
    caption = (
        "delta: mean |err| - |err compromise| on shared issues, "
        f"95% cluster-bootstrap CI by proposal ({res.reps} reps, seed {res.seed})"
    )
    title = f"DEU benchmark: {res.n_issues} issues, capability {res.capability}"
    accuracy = ("model", "n", "MAE", "MedAE", "RMSE", "≤5", "≤10", "≤20")
    # One table at 100+ columns; below that, two tables that each fit 80 columns
    # (accuracy; then MAE by procedure and the difference to compromise) rather than
    # squeezing numbers into columns too narrow for them.
    split = console.width < 100
    parts = (
        [(title, accuracy, False), (title + " (continued)", ("model",), True)]
        if split
        else [(title, accuracy, True)]
    )
    for k, (head, cols, extra) in enumerate(parts):
        table = Table(
            box=box.SIMPLE_HEAD,
            title=head,
            caption=caption if extra else None,
            min_width=min(console.width, len(head)),
        )
        for col in cols:
            table.add_column(col, justify="left" if col == "model" else "right", no_wrap=True)
        if extra:
            for p in procs:
                table.add_column(f"MAE {p}", justify="right", no_wrap=True)
            table.add_column("delta [95% CI]", justify="right", no_wrap=True)
        for name, m in res.models.items():
            lo, hi = m.delta_ci95
            cells = {
                "model": name,
                "n": str(m.n),
                "MAE": _fmt(m.mae),
                "MedAE": _fmt(m.median_ae),
                "RMSE": _fmt(m.rmse),
                **{f"≤{w}": f"{100 * m.within[w]:.0f}%" for w in ("5", "10", "20")},
            }
            row = [cells[c] for c in cols]
            if extra:
                row += [_fmt(m.by_proc.get(p, {}).get("mae")) for p in procs]
                row.append(f"{m.delta_mean:+.2f} [{lo:+.2f}, {hi:+.2f}]")
            table.add_row(*row)
        if k:
            console.print()
        console.print(table)
    for name, why in res.skipped.items():
        console.print(f"skipped {name}: {why}")
