"""Benchmark ``ceasefire explore``: worlds per second, serially and on 1 and 2 Dask workers.

Usage::

    python benchmarks/bench_explore.py                 # 16 worlds, 200 paths, claims on
    python benchmarks/bench_explore.py --worlds 32 --no-claims --paths 100
    python benchmarks/bench_explore.py --inputs engine --worlds 32 --chunk 8   # vectorised
    # 1 vs 2 local workers end to end: `cf.explore` as `ceasefire explore` runs it
    python benchmarks/bench_explore.py --end-to-end --method morris --worlds 4 --serial

Prints a Markdown table: for each scheduler, wall seconds (cluster start-up
excluded: a warm-up chunk runs first), worlds per second, simulated path-months
per second (worlds x paths x simulated months: the engine simulates 360 months,
the reported 36 and a tail for the continuation values), and for the serial run the
CPU seconds per world. ``--end-to-end`` instead times whole ``cf.explore`` runs
(cluster start-up, workers' imports and the analysis included), alternating the
schedulers, best of ``--repeat``, with the CPU (user+system) of the bench process
and its worker processes, the load average, and a check that every run's results
are identical. ``--inputs engine`` varies only the inputs the engine's world
axis carries (one vectorised call per chunk); ``all`` (default) varies every range,
one engine call per world. Figures go in
docs/benchmarks.md. Keep it small on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

import ceasefire as cf
from ceasefire.engine import compile_scenario
from ceasefire.exploration import engine_name, evaluate_worlds, uncertain_inputs
from ceasefire.exploration._design import design
from ceasefire.exploration._run import _client, eval_chunk


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worlds", type=int, default=16)
    ap.add_argument("--paths", type=int, default=200)
    ap.add_argument("--no-claims", action="store_true")
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--inputs", choices=["all", "engine"], default="all")
    ap.add_argument("--chunk", type=int, default=None, help="worlds per Dask task")
    ap.add_argument("--end-to-end", action="store_true", help="whole cf.explore runs")
    ap.add_argument("--method", choices=["lhs", "morris", "sobol"], default="lhs")
    ap.add_argument("--repeat", type=int, default=3, help="end to end: runs per scheduler")
    ap.add_argument("--serial", action="store_true", help="end to end: also serial")
    args = ap.parse_args()
    if args.end_to_end:
        end_to_end(args)
        return
    args.chunk = args.chunk or 1
    sc = cf.load("russia-ukraine-2024")
    ins = uncertain_inputs(sc)
    if args.inputs == "engine":
        ins = [u for u in ins if engine_name(sc, u.name) is not None]
    names = [u.name for u in ins]
    x = design("lhs", ins, args.worlds, 0)
    months = sc.engine_spec.horizon_months
    kw = {"paths": args.paths, "seed": 0, "levers": None, "claims": not args.no_claims}
    pm = args.worlds * args.paths * compile_scenario(sc, paths=1, horizon=months).steps
    rows = []

    # serial, in this process (warm-up: one world)
    eval_chunk(evaluate_worlds, sc, names, x[:1], np.array([0]), kw)
    t0, c0 = time.perf_counter(), time.process_time()
    eval_chunk(evaluate_worlds, sc, names, x, np.arange(args.worlds), kw)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows.append(("serial (in process)", wall, cpu / args.worlds))

    for k in args.workers:
        with _client("local", k) as client:
            [sc_f] = client.scatter([sc], broadcast=True)  # as `explore` does
            # warm-up: import ceasefire on every worker
            warm = [
                client.submit(
                    eval_chunk, evaluate_worlds, sc_f, names, x[:1], np.array([0]), kw, pure=False
                )
                for _ in range(k)
            ]
            client.gather(warm)
            t0 = time.perf_counter()
            futs = [
                client.submit(
                    eval_chunk,
                    evaluate_worlds,
                    sc,
                    names,
                    x[i : i + args.chunk],
                    np.arange(i, min(i + args.chunk, args.worlds)),
                    kw,
                    pure=False,
                )
                for i in range(0, args.worlds, args.chunk)
            ]
            client.gather(futs)
            rows.append((f"local:{k} (Dask, {k} worker(s))", time.perf_counter() - t0, None))

    print(
        f"{args.worlds} worlds x {args.paths} paths, claims {'off' if args.no_claims else 'on'}, "
        f"inputs {args.inputs} ({len(ins)}), {args.chunk} world(s) per Dask task"
    )
    print()
    print("| scheduler | wall s | worlds/s | path-months/s | CPU s per world |")
    print("|---|---:|---:|---:|---:|")
    for name, wall, cpw in rows:
        print(
            f"| {name} | {wall:.1f} | {args.worlds / wall:.2f} | {pm / wall:,.0f} | "
            + (f"{cpw:.2f} |" if cpw is not None else "|")
        )


def end_to_end(args: argparse.Namespace) -> None:
    """``cf.explore`` as a user runs it, alternating schedulers, best of ``--repeat``.

    Each run counts everything a ``--scheduler local:K`` run pays: the cluster's
    start-up, the workers' imports, shipping the chunks, the analysis. CPU is the
    bench process's own (the serial run; for Dask runs the client and scheduler)
    and its reaped children's (the Dask workers and their nannies' processes).
    Every run's JSON and worlds table must equal the first run's.
    """
    import pandas as pd

    sc = cf.load("russia-ukraine-2024")
    kw: dict[str, object] = {
        "method": args.method,
        "worlds": args.worlds,
        "paths": args.paths,
        "seed": 0,
        "claims": not args.no_claims,
        "inputs": args.inputs,
        "chunk_size": args.chunk,
    }
    cf.explore(sc, method="lhs", worlds=2, paths=5, claims=False)  # imports, in process
    configs = (["serial"] if args.serial else []) + [f"local:{k}" for k in args.workers]
    runs: dict[str, list[tuple[float, float, float, float, float, float, str]]] = {}
    ref: tuple[dict[str, object], pd.DataFrame] | None = None
    for rep in range(args.repeat):
        for cfg in configs:
            load = os.getloadavg()[0]
            s0, c0 = (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
            t0 = time.perf_counter()
            res = cf.explore(sc, scheduler="local" if cfg == "serial" else cfg, **kw)  # type: ignore[arg-type]
            wall = time.perf_counter() - t0
            s1, c1 = (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
            own = s1.ru_utime - s0.ru_utime + s1.ru_stime - s0.ru_stime
            user = s1.ru_utime - s0.ru_utime + c1.ru_utime - c0.ru_utime
            sys_ = s1.ru_stime - s0.ru_stime + c1.ru_stime - c0.ru_stime
            load1 = os.getloadavg()[0]
            got = (res.to_dict(), res.worlds)
            if ref is None:
                ref = got
            else:
                assert got[0] == ref[0], f"{cfg}: the JSON differs"
                pd.testing.assert_frame_equal(got[1], ref[1])
            runs.setdefault(cfg, []).append(
                (wall, res.elapsed_s, user, sys_, load, load1, res.meta["chunk_size"])
            )
            print(
                f"# rep {rep} {cfg}: wall {wall:.1f} s (worlds {res.elapsed_s:.1f} s), "
                f"CPU {user:.1f}+{sys_:.1f} s (this process {own:.1f} s), "
                f"load {load:.2f} -> {load1:.2f}",
                flush=True,
            )
    n = len(ref[1]) if ref is not None else 0
    print()
    print(
        f"{args.method}, {n} worlds x {args.paths} paths, claims "
        f"{'off' if args.no_claims else 'on'}, inputs {args.inputs}, chunk "
        f"{runs[configs[0]][0][6]}, best of {args.repeat} (alternating), identical results"
    )
    print()
    print("| scheduler | wall s (best) | worlds s | CPU user+sys s | load avg | all walls s |")
    print("|---|---:|---:|---:|---:|---|")
    best: dict[str, float] = {}
    for cfg in configs:
        b = min(runs[cfg], key=lambda r: r[0])
        best[cfg] = b[0]
        print(
            f"| {cfg} | {b[0]:.1f} | {b[1]:.1f} | {b[2]:.1f}+{b[3]:.1f} | "
            f"{b[4]:.2f}-{b[5]:.2f} | {', '.join(f'{r[0]:.1f}' for r in runs[cfg])} |"
        )
    if "local:1" in best and "local:2" in best:
        print()
        print(f"speed-up local:1 -> local:2: {best['local:1'] / best['local:2']:.2f}x")


if __name__ == "__main__":
    main()
