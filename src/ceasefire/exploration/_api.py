"""``cf.explore``: many plausible worlds, conclusions as shares, sensitivities, PRIM boxes."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._claims import CLAIM_IDS, CLAIMS
from .._errors import InputError
from ..engine._sim import check_memory, steps_for
from ..scenario._registry import check_run_size, check_seed
from ._evaluate import P_BY_MONTH_SOURCE, PLAN_PREFIX, engine_name, evaluate_worlds
from ._inputs import UncertainInput, uncertain_inputs

if TYPE_CHECKING:
    import pandas as pd

    from ..scenario._scenario import Scenario
    from ._design import Box
    from ._run import Evaluator

# pandas, SALib, pyarrow, distributed and the EMA workbench load inside the functions
# that use them: ``import ceasefire`` (which exposes ``cf.explore``) stays light.

__all__ = ["SA_OUTPUTS", "ExploreResult", "analyze_worlds", "explore"]

F = NDArray[np.float64]
SA_OUTPUTS = ("first_window_month", "p_settle_12", "G0")
DEAL_12 = "deal_12"  # PRIM's case of interest: P(a deal within 12 months) >= 1/2
# and the perceived zone of agreement staying shut for 12 months (no window month <= 11;
# the article's C3): with the calibrated hazard P(settlement) barely depends on the zone,
# so the judgements under which the article's reading holds show here (docs/uncertainty.md)
ZONE_12 = "zone_shut_12"


def _q(a: F, q: float) -> F:
    return np.asarray(np.quantile(a, q, axis=0, method="inverted_cdf"), dtype=float)


@dataclass
class ExploreResult:
    """What :func:`explore` found. DataFrames: ``worlds`` (one row per world: its index,
    seed, inputs and outputs), ``sensitivity`` (input, output, index, value, conf),
    ``claims`` (claim, share, lo, hi, n, text, paragraph), ``plans`` (plan, share of
    worlds where every veto player accepts it at month 0, lo, hi, n), ``boxes`` (PRIM boxes),
    ``settlement`` (month, median, q10, q90, mean of P(settlement by month t))."""

    scenario_id: str
    method: str
    n: int  # the design's base size (LHS: worlds; Morris: trajectories; Sobol: base points)
    paths: int
    seed: int
    months: int
    inputs: list[UncertainInput]
    worlds: pd.DataFrame
    sensitivity: pd.DataFrame
    claims: pd.DataFrame
    plans: pd.DataFrame
    boxes: pd.DataFrame
    settlement: pd.DataFrame
    p_source: str  # 'engine' or 'proxy'
    box_note: str | None = None
    elapsed_s: float = float("nan")
    out: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    # ----- summaries ---------------------------------------------------------
    @property
    def n_worlds(self) -> int:
        return len(self.worlds)

    def spread(self, column: str) -> dict[str, float]:
        """Median, 10 % and 90 % quantiles over worlds (a never-opening window counts as
        the horizon for ``first_window_month``), and the share of worlds where it is NaN."""
        a = self.worlds[column].to_numpy(dtype=float)
        nan = np.isnan(a)
        filled = np.where(nan, float(self.months), a) if column == "first_window_month" else a
        ok = filled[np.isfinite(filled)]
        if ok.size == 0:
            return {"median": math.nan, "q10": math.nan, "q90": math.nan, "share_nan": 1.0}
        return {
            "median": float(np.median(ok)),
            "q10": float(np.quantile(ok, 0.1)),
            "q90": float(np.quantile(ok, 0.9)),
            "share_nan": float(nan.mean()) if a.size else math.nan,
        }

    def mc_se_g0(self) -> float:
        """Median over worlds of the Monte Carlo standard error of G_0 (NaN if not computed)."""
        se = self.worlds.get("G0_se")
        if se is None:
            return math.nan
        a = se.to_numpy(dtype=float)
        a = a[np.isfinite(a)]
        return float(np.median(a)) if a.size else math.nan

    def mc_se_p(self, month: int) -> float:
        """Median over worlds of the Monte Carlo standard error of P(settlement by ``month``)
        (the engine's ``p_se``; NaN where the evaluator gives none)."""
        se = self.worlds.get("p_se")
        if se is None or not len(se):
            return math.nan
        a = np.stack([np.asarray(v, dtype=float) for v in se])[:, month]
        a = a[np.isfinite(a)]
        return float(np.median(a)) if a.size else math.nan

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``ceasefire explore --json`` (contract of issue 12, plus context keys)."""
        st = self.settlement
        sens = self.sensitivity
        sens = sens[sens["index"].isin(["mu_star", "S1", "ST"])]
        return {
            "method": self.method,
            "worlds": self.n_worlds,
            "paths": self.paths,
            "seed": self.seed,
            "settlement": {
                "p_by_month_median": st["median"].tolist(),
                "p_by_month_q10": st["q10"].tolist(),
                "p_by_month_q90": st["q90"].tolist(),
                "p_by_month_mean": st["mean"].tolist(),
                "source": P_BY_MONTH_SOURCE[self.p_source],
            },
            "claims": {
                r["claim"]: {"share": r["share"], "lo": r["lo"], "hi": r["hi"]}
                for r in self.claims.to_dict("records")
            },
            "plans": {
                r["plan"]: {"share": r["share"], "lo": r["lo"], "hi": r["hi"]}
                for r in self.plans.to_dict("records")
            },
            "sensitivity": [
                {
                    "input": r["input"],
                    "output": r["output"],
                    "index": r["index"],
                    "value": r["value"],
                    "conf": r["conf"],
                }
                for r in sens.to_dict("records")
            ],
            "boxes": [
                {
                    "output": r["output"],
                    "coverage": r["coverage"],
                    "density": r["density"],
                    "limits": {k: [lo, hi] for k, (lo, hi) in r["limits"].items()},
                }
                for r in self.boxes.to_dict("records")
            ],
            "scenario": self.scenario_id,
            "n": self.n,
            "inputs": [u.to_dict() for u in self.inputs],
            "spread": {
                "G0": {**self.spread("G0"), "mc_se": self.mc_se_g0()},
                "first_window_month": self.spread("first_window_month"),
            },
            "boxes_note": self.box_note,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text (NaN and infinities become null)."""
        return json.dumps(_clean(self.to_dict()), indent=indent, ensure_ascii=False)

    def __repr__(self) -> str:
        g = self.spread("G0")
        held = ", ".join(f"{r.claim} {r.share:.0%}" for r in self.claims.itertuples())
        return (
            f"<ExploreResult {self.scenario_id} {self.method}: {self.n_worlds} worlds x "
            f"{self.paths} paths, seed {self.seed}; G0 median {g['median']:+.3f} "
            f"[{g['q10']:+.3f}, {g['q90']:+.3f}]" + (f"; claims {held}" if held else "") + ">"
        )


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _levers_key(levers: dict[str, Any] | None) -> str | None:
    if not levers:
        return None
    plain = {k: np.atleast_1d(np.asarray(v, dtype=float)).tolist() for k, v in levers.items()}
    return json.dumps(plain, sort_keys=True)


def analyze_worlds(
    frame: pd.DataFrame,
    *,
    scenario_id: str,
    method: str,
    n: int,
    paths: int,
    seed: int,
    inputs: list[UncertainInput],
    months: int,
    p_source: str = "proxy",
    discover: bool = True,
) -> ExploreResult:
    """Shares, bands, sensitivity indices and PRIM boxes from the worlds' table."""
    import pandas as pd

    from ._design import prim_boxes, sensitivity, wilson

    names = [u.name for u in inputs]
    x = frame[names].to_numpy(dtype=float)
    pbm = (
        np.stack([np.asarray(v, dtype=float) for v in frame["p_by_month"]])
        if "p_by_month" in frame and len(frame)
        else np.zeros((0, months))
    )
    t_n = pbm.shape[1] if pbm.size else months
    settlement = pd.DataFrame(
        {
            "month": np.arange(t_n),
            "median": _q(pbm, 0.5) if len(pbm) else np.full(t_n, np.nan),
            "q10": _q(pbm, 0.1) if len(pbm) else np.full(t_n, np.nan),
            "q90": _q(pbm, 0.9) if len(pbm) else np.full(t_n, np.nan),
            "mean": pbm.mean(axis=0) if len(pbm) else np.full(t_n, np.nan),
        }
    )
    claim_rows = []
    for cid in CLAIM_IDS:
        if cid in frame:
            col = frame[cid].to_numpy(dtype=bool)
            share, lo, hi = wilson(int(col.sum()), len(col))
            c = CLAIMS[cid]
            claim_rows.append(
                {
                    "claim": cid,
                    "share": share,
                    "lo": lo,
                    "hi": hi,
                    "n": len(col),
                    "text": c.text,
                    "paragraph": c.paragraph,
                }
            )
    claims = pd.DataFrame(
        claim_rows, columns=["claim", "share", "lo", "hi", "n", "text", "paragraph"]
    )
    plan_rows: list[dict[str, Any]] = []
    for name in frame.columns:
        if isinstance(name, str) and name.startswith(PLAN_PREFIX):
            acc = frame[name].to_numpy(dtype=bool)
            share, lo, hi = wilson(int(acc.sum()), len(acc))
            row = {"plan": name[len(PLAN_PREFIX) :], "n": len(acc)}
            plan_rows.append({**row, "share": share, "lo": lo, "hi": hi})
    plans = pd.DataFrame(plan_rows, columns=["plan", "share", "lo", "hi", "n"])
    outputs: dict[str, F] = {}
    for name in SA_OUTPUTS:
        if name in frame:
            a = frame[name].to_numpy(dtype=float)
            if name == "first_window_month":
                a = np.where(np.isnan(a), float(months), a)  # never = censored at the horizon
            outputs[name] = a
    sens = sensitivity(method, inputs, x, outputs, seed) if len(frame) else pd.DataFrame()
    box_list: list[Box] = []
    note: str | None = "no worlds"
    if not discover:
        note = "scenario discovery (PRIM) not run"
    elif len(frame):
        notes = []
        cases: list[tuple[str, NDArray[np.bool_]]] = []
        if "p_settle_12" in frame:
            cases.append((DEAL_12, frame["p_settle_12"].to_numpy(dtype=float) >= 0.5))
        if "first_window_month" in frame:
            fwm = frame["first_window_month"].to_numpy(dtype=float)
            cases.append((ZONE_12, np.nan_to_num(fwm, nan=np.inf) > 11))
        for case, y in cases:
            found, why = prim_boxes(inputs, x, y, case)
            box_list.extend(found)
            if why is not None:
                notes.append(f"{case}: {why}")
        note = "; ".join(notes) or None
    boxes = pd.DataFrame(
        [
            {
                "output": b.output,
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "limits": b.limits,
                "words": b.words(inputs),
            }
            for b in box_list
        ],
        columns=["output", "coverage", "density", "mass", "limits", "words"],
    )
    return ExploreResult(
        scenario_id=scenario_id,
        method=method,
        n=n,
        paths=paths,
        seed=seed,
        months=t_n,
        inputs=inputs,
        worlds=frame,
        sensitivity=sens,
        claims=claims,
        plans=plans,
        boxes=boxes,
        settlement=settlement,
        p_source=p_source,
        box_note=note,
    )


#: The most worlds one exploration may hold: the design alone is worlds x inputs floats,
#: drawn whole before any world runs (10^6 worlds x 35 inputs: 280 MB).
MAX_WORLDS = 2_000_000
#: ... and the most values in that design (worlds x inputs: 800 MB of floats).
MAX_DESIGN_VALUES = 100_000_000
#: The default chunk's size in simulated row-months (worlds x paths x months): 32 worlds
#: of 200 paths over 360 months, about 2 GB at the engine's measured peak with claims.
CHUNK_ROW_STEPS = 2_400_000


def default_chunk_size(total: int, row_steps: int = 0) -> int:
    """Worlds per chunk: about 16 chunks, at most 32 worlds, and at most as many as keep
    one vectorised engine call within ``CHUNK_ROW_STEPS`` simulated row-months
    (``row_steps``: paths x simulated months of one world). Any chunk size gives the
    same numbers."""
    cap = max(1, CHUNK_ROW_STEPS // row_steps) if row_steps > 0 else 32
    return max(1, min(32, cap, math.ceil(total / 16)))


def largest_call(rest: F, chunk: int) -> int:
    """The most worlds one engine call holds: a chunk's worlds that share their values of
    ``rest`` (W, R), the inputs the world axis cannot carry, run as one vectorised call
    (all of the chunk's worlds when there are none)."""
    total = rest.shape[0]
    if total == 0:
        return 0
    if rest.shape[1] == 0:
        return min(chunk, total)
    key = np.column_stack([np.arange(total) // chunk, rest])
    return int(np.unique(key, axis=0, return_counts=True)[1].max())


def check_size(total: int, d: int) -> None:
    """Refuse, before the design is drawn, an exploration over the stated limits on the
    number of worlds and the design's size (docs/limits.md)."""
    if total > MAX_WORLDS:
        raise InputError(
            f"the design has {total:,} worlds, over the limit of {MAX_WORLDS:,} for one "
            "exploration (split the sweep over seeds; docs/limits.md)"
        )
    if total * d > MAX_DESIGN_VALUES:
        raise InputError(
            f"the design has {total:,} worlds x {d} inputs = {total * d:,} values, over the "
            f"limit of {MAX_DESIGN_VALUES:,} (docs/limits.md)"
        )


def explore(
    scenario: Scenario | str | Path = "russia-ukraine-2024",
    *,
    method: str = "lhs",
    worlds: int = 64,
    paths: int = 200,
    seed: int = 0,
    levers: dict[str, Any] | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    scheduler: str = "local",
    vary_levers: bool = False,
    claims: bool = True,
    horizon: int | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
    evaluator: Evaluator | None = None,
    discover: bool = True,
    inputs: str = "all",
) -> ExploreResult:
    """Explore the analyst's uncertainty about ``scenario``.

    ``worlds`` is the design's base size: LHS evaluates ``worlds`` worlds, Morris
    ``worlds`` trajectories of D + 1 worlds, Sobol ``worlds`` (a power of two) base
    points, D + 2 worlds each (D = number of uncertain inputs). Each world runs
    ``paths`` Monte Carlo paths. ``out`` keeps every world in a Parquet dataset
    (``resume`` completes an interrupted run there). ``scheduler``: ``local``
    (serial, in this process), ``local:K`` (a Dask LocalCluster of K one-thread
    workers on 127.0.0.1) or ``tcp://HOST:PORT`` (an existing Dask scheduler).
    ``vary_levers`` adds each lever, held from month 0, as an input on [0, 1].
    ``claims=False`` skips the claims (a third of the cost per world).
    ``evaluator`` replaces :func:`evaluate_worlds` (same signature), e.g. to check
    the pipeline on a function with known sensitivity indices. ``discover=False``
    skips PRIM (and the EMA workbench's import, about 3 s). ``inputs="engine"``
    varies only the inputs the engine's world axis carries (engine parameters and
    the belligerents' optimism; the others keep their stated values), so that each
    chunk is one vectorised engine call; ``"all"`` (default) varies every range,
    with one engine call per distinct setting of the other inputs.
    """
    import time

    import pandas as pd

    from ..scenario._scenario import Scenario as _Sc
    from ..scenario._scenario import load
    from ._design import check_design, design, n_worlds
    from ._run import Progress, Store, parse_scheduler, run_chunks, scenario_hash

    sc = scenario if isinstance(scenario, _Sc) else load(str(scenario))
    if sc.engine is None and evaluator is None:
        raise InputError(f"scenario {sc.id!r} has no engine section: nothing to explore")
    if isinstance(paths, bool) or not isinstance(paths, int) or paths < 1:
        raise InputError(f"--paths {paths!r}: need a whole number of at least 1 path")
    months = int(horizon) if horizon is not None else sc.engine_spec.horizon_months
    check_run_size(paths, months)
    check_seed(seed)
    parse_scheduler(scheduler)
    if inputs not in ("all", "engine"):
        raise InputError(f"--inputs {inputs!r}: expected 'all' or 'engine'")
    ins = uncertain_inputs(sc, vary_levers=vary_levers)
    if inputs == "engine":
        ins = [u for u in ins if engine_name(sc, u.name) is not None]
    check_design(method, worlds, len(ins))
    total = n_worlds(method, worlds, len(ins))
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) < 1):
        raise InputError(f"chunk size {chunk_size!r}: need at least 1")
    check_size(total, len(ins))
    names = [u.name for u in ins]
    manifest: dict[str, Any] = {
        "scenario": sc.id,
        "scenario_hash": scenario_hash(sc),
        "method": method,
        "n": worlds,
        "worlds": total,
        "paths": paths,
        "seed": seed,
        "levers": _levers_key(levers),
        "inputs": [[u.name, u.lo, u.hi] for u in ins],
        "claims": claims,
        "horizon": months,
        "varied": inputs,
        "evaluator": None if evaluator is None else getattr(evaluator, "__qualname__", "custom"),
    }
    store = Store(out) if out is not None else None
    if resume and store is None:
        raise InputError("--resume needs --out DIR (the directory of the run to complete)")
    if not resume:
        row_steps = paths * steps_for(months)
        chunk = int(chunk_size) if chunk_size else default_chunk_size(total, row_steps)
    x = design(method, ins, worlds, seed)
    done: set[int] = set()
    if store is not None and resume:
        stored = store.open(manifest)
        x = stored[names].to_numpy(dtype=float)
        chunk = store.stored_chunk_size()
    if evaluator is None:  # the largest engine call must fit, before any world runs
        rest = [j for j, u in enumerate(ins) if engine_name(sc, u.name) is None]
        check_memory(largest_call(x[:, rest], chunk) * paths, months)
    if store is not None and resume:
        done = store.done()
    else:
        if store is not None:
            frame0 = pd.DataFrame({"world": np.arange(total, dtype=np.int64)})
            for j, n in enumerate(names):
                frame0[n] = x[:, j]
            store.create({**manifest, "chunk_size": chunk}, frame0)
    n_chunks = math.ceil(total / chunk)
    todo = [c for c in range(n_chunks) if c not in done]
    kwargs = {"paths": paths, "seed": seed, "levers": levers, "claims": claims, "horizon": horizon}
    ev = evaluator or evaluate_worlds
    parts: list[pd.DataFrame] = []
    t0 = time.perf_counter()
    done_worlds = sum(min(chunk, total - c * chunk) for c in done)
    with Progress(total, done_worlds, progress) as prog:

        def on_chunk(c: int, frame: pd.DataFrame) -> None:
            if store is not None:
                store.write_chunk(c, frame)
            else:
                parts.append(frame)
            prog.advance(len(frame))

        run_chunks(
            ev,
            sc,
            names,
            x,
            chunk_size=chunk,
            todo=todo,
            kwargs=kwargs,
            scheduler=scheduler,
            on_chunk=on_chunk,
        )
    elapsed = time.perf_counter() - t0
    if store is not None:
        frame = store.read()
    elif parts:
        frame = pd.concat(parts, ignore_index=True).sort_values("world").reset_index(drop=True)
    else:
        frame = pd.DataFrame()
    p_source = "proxy"
    if "p_by_month_source" in frame and len(frame):
        p_source = str(frame["p_by_month_source"].iloc[0])
    res = analyze_worlds(
        frame,
        scenario_id=sc.id,
        method=method,
        n=worlds,
        paths=paths,
        seed=seed,
        inputs=ins,
        months=months,
        p_source=p_source,
        discover=discover,
    )
    res.elapsed_s = elapsed
    res.out = None if out is None else str(out)
    res.meta = {"chunk_size": chunk, "chunks_run": len(todo), "scheduler": scheduler}
    return res
