"""``ceasefire report``: the HTML briefing (and PNGs of its figures)."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

import ceasefire as cf

from .. import scenario as scenario_layer  # lazy names: nothing loads before a command runs
from .._errors import CeasefireError, InputError
from ._core import DEFAULT_SCENARIO, RUN_EXPLORE_WORLDS, parse_levers
from ._jsonout import check_json_target
from ._output import console


def _require_report_extra() -> None:
    try:
        import altair  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError as exc:
        raise CeasefireError(
            f"`ceasefire report` needs the report extra ({exc.name} is missing): "
            "pip install 'ceasefire[report]'"
        ) from None


def report(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id or a scenario YAML file.")
    ] = DEFAULT_SCENARIO,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    levers_file: Annotated[
        Path | None, typer.Option("--levers", help="Read lever paths from a YAML/JSON/CSV file.")
    ] = None,
    lever: Annotated[
        list[str] | None,
        typer.Option(help="Hold a lever constant from month 0, e.g. --lever sanctions=0.8."),
    ] = None,
    explore: Annotated[
        Path | None,
        typer.Option(
            "--explore",
            help="Results of `ceasefire explore --json FILE` (the file, or a directory "
            "holding explore.json): adds the across-worlds band and the sensitivity tornado.",
        ),
    ] = None,
    article: Annotated[
        Path | None,
        typer.Option(
            "--article",
            help="The cited article as text, one paragraph per line (line N = ¶N): shows "
            "each source's paragraph beside its quote.",
        ),
    ] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also write each figure as DIR/<name>.png.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for every random draw.")] = 0,
    worlds: Annotated[
        int,
        typer.Option(
            help="Without --explore: worlds of a small exploration of the scenario's ranges "
            "(as `ceasefire run`), for the spread over judgements; 0 = off.",
            min=0,
        ),
    ] = RUN_EXPLORE_WORLDS,
    paths: Annotated[
        int | None, typer.Option(help="Monte Carlo paths (default: the scenario's).", min=1)
    ] = None,
    grid_paths: Annotated[
        int,
        typer.Option(
            help="Paths per cell of the sanctions x strikes lever grid (0: no grid).", min=0
        ),
    ] = 200,
) -> None:
    """Write a self-contained HTML briefing: headline answers, figures, provenance."""
    _require_report_extra()
    from ..report import make_report, read_article, read_explore

    check_json_target(str(out))  # the HTML file: refused before the work, not after it
    t0 = time.perf_counter()
    sc = cf.load(scenario)
    levers: dict[str, Any] = {}
    if levers_file is not None:
        levers.update(scenario_layer.read_lever_file(levers_file))
    levers.update(parse_levers(lever))
    if levers and sc.engine is None:
        raise InputError(f"scenario {sc.id!r} has no engine section: levers do not apply")
    ex = read_explore(explore) if explore is not None else None
    if ex is None and worlds > 0:  # as `ceasefire run` does: the spread over judgements
        from ._core import _exploration_json, _run_exploration

        small = _run_exploration(sc, worlds, seed, None, levers)
        ex = _exploration_json(small) if small is not None else None
    paragraphs = read_article(article) if article is not None else None  # before the run
    command = "ceasefire " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    rep = make_report(
        sc,
        levers=levers or None,
        explore=ex,
        article=paragraphs,
        seed=seed,
        paths=paths,
        surface_paths=grid_paths,
        command=command,
    )
    rep.write(out)
    size = len(rep.html.encode("utf-8"))
    console.print(
        f"wrote {escape(str(out))} ({size / 1e6:.1f} MB, {len(rep.specs)} figures, "
        f"{time.perf_counter() - t0:.1f} s); open it in a browser (works offline)",
        soft_wrap=True,
    )
    for name, why in rep.notes.items():
        console.print(f"  [dim]not drawn: {escape(name)}: {escape(why)}[/dim]", soft_wrap=True)
    if png is not None:
        t = time.perf_counter()
        written = rep.write_png(png)
        console.print(
            f"wrote {len(written)} PNG files to {escape(str(png))} "
            f"({time.perf_counter() - t:.1f} s)",
            soft_wrap=True,
        )
