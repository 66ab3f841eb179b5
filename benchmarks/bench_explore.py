"""Benchmark ``ceasefire explore``: worlds per second, serially and on 1 and 2 Dask workers.

Usage::

    python benchmarks/bench_explore.py                 # 16 worlds, 200 paths, claims on
    python benchmarks/bench_explore.py --worlds 32 --no-claims --paths 100
    python benchmarks/bench_explore.py --inputs engine --worlds 32 --chunk 8   # vectorised

Prints a Markdown table: for each scheduler, wall seconds (cluster start-up
excluded: a warm-up chunk runs first), worlds per second, simulated path-months
per second (worlds x paths x simulated months: the engine simulates 360 months,
the reported 36 and a tail for the continuation values), and for the serial run the
CPU seconds per world. ``--inputs engine`` varies only the inputs the engine's world
axis carries (one vectorised call per chunk); ``all`` (default) varies every range,
one engine call per world. Figures go in
docs/benchmarks.md. Keep it small on a shared machine.
"""

from __future__ import annotations

import argparse
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
    ap.add_argument("--chunk", type=int, default=1, help="worlds per Dask task")
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
