"""Benchmark ceasefire's SMP (KTAB's spatial model of politics) against actor count.

For n = 10, 20, 40, 80, 160 actors on one issue this writes a random scenario
in KTAB's CSV format, drawn the way KTAB draws its dummy actors
(SMPActor::randomize: capability uniform on [10, 200]; total salience uniform
on [0.75, 0.99], split over issues in proportion to uniform [0.1, 1] draws;
positions uniform on [0, 100]), reads it back, runs the deterministic KTAB
defaults and reports CPU seconds per run and per turn (median of ``--repeat``
runs; with numba, its import is paid in the first run of the session).
``--jit``: numpy, numba or auto (numba from ``JIT_MIN_ACTORS`` actors on).

    .venv/bin/python benchmarks/bench_smp.py [--sizes 10 20 40 80 160] [--repeat 3]
        [--jit auto|numpy|numba] [FILE ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

import numpy as np

from ceasefire.bargaining._ktab import read_ktab
from ceasefire.bargaining._smp import JIT_MIN_ACTORS, smp_ktab


def write_dummy_csv(path: str, n: int, dims: int, seed: int) -> None:
    """A KTAB-style random SMP scenario (KTAB's dummy-data recipe)."""
    rng = np.random.default_rng(seed)
    cap = rng.uniform(10.0, 200.0, n)
    total = rng.uniform(0.75, 0.99, n)
    parts = rng.uniform(0.1, 1.0, (n, dims))
    sal = 100.0 * total[:, None] * parts / parts.sum(axis=1, keepdims=True)
    pos = rng.uniform(0.0, 100.0, (n, dims))
    head = ",".join(f"Pstn{k + 1},Sal{k + 1}" for k in range(dims))
    lines = [
        f"Bench-{n:03d},KTAB-style random actors,{n},{dims},",
        f"Actor,Description,Power,{head},",
    ]
    for i in range(n):
        cells = ",".join(f"{pos[i, k]:.2f},{sal[i, k]:.2f}" for k in range(dims))
        lines.append(f"SActor-{i:03d},Random Spatial Actor,{cap[i]:.3f},{cells},")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40, 80, 160])
    ap.add_argument("--dims", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20170530)
    ap.add_argument("--jit", choices=["auto", "numpy", "numba"], default="auto")
    ap.add_argument("files", nargs="*", help="KTAB CSV/XML files to time as well")
    args = ap.parse_args()
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs,"
        f" numpy {np.__version__}"
    )
    jit = {"auto": None, "numpy": False, "numba": True}[args.jit]
    print("| input | actors | issues | turns | path | CPU s / run | CPU ms / turn | wall s / run |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        jobs: list[tuple[str, str]] = []
        for f in args.files:
            jobs.append((os.path.basename(f), f))
        for n in args.sizes:
            path = os.path.join(tmp, f"bench-{n}.csv")
            write_dummy_csv(path, n, args.dims, args.seed + n)
            jobs.append(("random (KTAB recipe)", path))
        for label, path in jobs:
            sc = read_ktab(path)
            cpus: list[float] = []
            walls: list[float] = []
            turns = 0
            for _ in range(args.repeat):
                c0, w0 = time.process_time(), time.perf_counter()
                res = smp_ktab(sc, jit=jit)
                cpus.append(time.process_time() - c0)
                walls.append(time.perf_counter() - w0)
                turns = res.turns
            cpu, wall = statistics.median(cpus), statistics.median(walls)
            n = len(sc.actors)
            path = "numba" if jit or (jit is None and n >= JIT_MIN_ACTORS) else "numpy"
            print(
                f"| {label} | {n} | {len(sc.dims)} | {turns} | {path} | {cpu:.3f} | "
                f"{1000 * cpu / turns:.1f} | {wall:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
