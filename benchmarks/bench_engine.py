"""Benchmark the war engine: cost against the number of Monte Carlo paths.

Usage::

    python benchmarks/bench_engine.py            # 10^3, 10^4, 10^5 paths
    python benchmarks/bench_engine.py --quick    # 10^3 and 10^4 only

Prints a Markdown table (wall seconds, best of ``--repeat``) of the stages of one
analysis of the built-in scenario: simulate (Layer B paths), value (values of
fighting and settling), the window over all months, and the full
``analyze_window`` (window, plans, stalling, issue contributions and three
counterfactuals), plus the wall time of the ``ceasefire run`` command, start-up
included. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import ceasefire as cf
from ceasefire.engine import analyze_window, compile_scenario, simulate, value
from ceasefire.engine._window import candidates, maxmin


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sc = cf.load("russia-ukraine-2024")
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    exe = Path(sys.executable).with_name("ceasefire")
    cli = best_of(
        lambda: subprocess.run([str(exe), "run", "-q", "--json", "/dev/null"], check=True),
        args.repeat,
    )
    print(f"`ceasefire run` (1,000 paths, 36 months, everything), start-up included: {cli:.2f} s\n")
    print("| paths | simulate s | value s | window (36 months) s | analyze_window s |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        c = compile_scenario(sc, paths=n)
        rep = args.repeat if n <= 10_000 else 1
        t_sim = best_of(lambda c=c: simulate(c, np.random.default_rng(0)), rep)
        sim = simulate(c, np.random.default_rng(0))
        t_val = best_of(lambda c=c, sim=sim: value(c, sim), rep)
        v = value(c, sim)
        cand = candidates(v)
        veto = np.flatnonzero(sc.veto)
        ts = np.arange(c.months)
        t_win = best_of(lambda v=v, veto=veto, ts=ts, cand=cand: maxmin(v, veto, ts, cand), rep)
        t_all = best_of(lambda n=n: analyze_window(sc, paths=n), rep)
        print(f"| {n:,} | {t_sim:.3f} | {t_val:.3f} | {t_win:.3f} | {t_all:.2f} |")


if __name__ == "__main__":
    main()
