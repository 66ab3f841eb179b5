"""Benchmark the war engine: cost against the number of Monte Carlo paths.

Usage::

    python benchmarks/bench_engine.py            # 10^3, 10^4, 10^5 paths
    python benchmarks/bench_engine.py --quick    # 10^3 and 10^4 only
    python benchmarks/bench_engine.py --throughput   # path-months/s, numpy vs numba
    python benchmarks/bench_engine.py --throughput --procs 2   # on two cores at once

``--throughput`` prints the engine's throughput in path-months per second
(worlds x paths x 360 simulated months, per wall second, best of ``--repeat``), and
beside it every path-month the call simulates (the realised paths, the belief-derivative
and support-belief paths, the continuations; about three times as many), for
(a) the default run's size, 1 world x 1,000 paths, and (b) ``evaluate_worlds`` over
32 worlds x 100 paths as ``ceasefire explore`` uses it (claims off), each with numba
off (``CEASEFIRE_NUMBA=0``, numpy only) and on (a fresh process each): the whole
``evaluate_worlds`` call, first (numba compiling, the base deal search) and repeated,
and its parts (simulate, path values, settlement hazard). ``--procs N`` runs N such
processes at once and adds their rates: the throughput on N cores.

Prints a Markdown table (wall seconds, best of ``--repeat``) of the stages of one
analysis of the built-in scenario: simulate (Layer B paths), value (values of
fighting and settling), the window over all months, and the full
``analyze_window`` (window, plans, stalling, issue contributions and three
counterfactuals), plus the wall time of the ``ceasefire run`` command, start-up
included. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
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


SIZES = ((1, 1_000), (32, 100))  # (worlds, paths): the default run; an explore batch


def world_inputs(worlds: int) -> dict[str, np.ndarray]:
    """Inputs that vary over the worlds (none for one world: the stated values)."""
    if worlds == 1:
        return {}
    return {
        "punishment": np.linspace(40.0, 200.0, worlds),
        "optimism.russia": np.linspace(0.0, 0.02, worlds),
        "settlement_scale": np.linspace(0.0, 0.05, worlds),
    }


def simulated_path_months(fn: Callable[[], object]) -> int:
    """Every path-month ``fn`` simulates: the realised paths, the belief-derivative and
    support-belief paths, the continuations from months whose levers depart from the
    expected ones, the base deal search's (when not cached)."""
    import ceasefire.engine._sim as sim_mod

    count = [0]
    real = {name: getattr(sim_mod, name) for name in ("_run_kernel", "_run_numpy")}

    def wrap(name: str) -> Callable[..., None]:
        def counted(*args: object) -> None:
            out = args[-1]
            assert isinstance(out, dict)
            count[0] += int(out["theta"].size)
            real[name](*args)

        return counted

    try:
        for name in real:
            setattr(sim_mod, name, wrap(name))
        fn()
    finally:
        for name, f in real.items():
            setattr(sim_mod, name, f)
    return count[0]


def measure(worlds: int, paths: int, repeat: int) -> dict[str, float]:
    """Seconds of evaluate_worlds and its parts for one size, in this process."""
    from ceasefire.engine import evaluate_worlds
    from ceasefire.engine._hazard import deal_candidates, settlement_hazard
    from ceasefire.engine._value import path_values

    sc = cf.load("russia-ukraine-2024")
    inputs = world_inputs(worlds)
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    evaluate_worlds(sc, inputs, paths=paths, claims=False)
    out["first"] = time.perf_counter() - t0
    out["call"] = best_of(lambda: evaluate_worlds(sc, inputs, paths=paths, claims=False), repeat)
    c = compile_scenario(sc, paths=paths, worlds=inputs or None)
    out["path_months"] = float(c.rows * c.steps)
    out["simulated"] = float(
        simulated_path_months(lambda: evaluate_worlds(sc, inputs, paths=paths, claims=False))
    )
    out["simulate"] = best_of(lambda: simulate(c, np.random.default_rng(0)), repeat)
    sim = simulate(c, np.random.default_rng(0))
    assert sim.noise is not None
    noise = sim.noise
    out["values"] = best_of(lambda: path_values(c, sim, noise), repeat)
    pv = path_values(c, sim, noise)
    z = np.random.default_rng(1).random((c.months, len(sc.issues)))  # stands in for z_base
    cand = deal_candidates(sc.proposal_matrix, sc.ideal, sc.status_quo, z, n_sobol=256)
    out["hazard"] = best_of(lambda: settlement_hazard(pv, cand, len(sc.proposals)), repeat)
    return out


def throughput(repeat: int, procs: int) -> None:
    """Print the throughput table; ``procs`` > 1 runs that many measuring processes at once
    (one per core) and adds their rates (the "on N cores" figure)."""
    print(
        "| worlds x paths | numba | processes | call, first s | call s | M path-months/s "
        "| M simulated path-months/s | simulate s | path values s | hazard s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for worlds, paths in SIZES:
        for numba in ("0", "1"):
            env = {**os.environ, "CEASEFIRE_NUMBA": numba, "OMP_NUM_THREADS": "1"}
            env["OPENBLAS_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
            cmd = [
                sys.executable,
                __file__,
                "--measure",
                f"{worlds},{paths}",
                "--repeat",
                str(repeat),
            ]
            runs = [
                subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
                for _ in range(procs)
            ]
            outs = [json.loads(p.communicate()[0]) for p in runs]
            assert all(p.returncode == 0 for p in runs)
            rate = sum(r["path_months"] / r["call"] for r in outs) / 1e6
            sim_rate = sum(r["simulated"] / r["call"] for r in outs) / 1e6
            res = max(outs, key=lambda r: r["call"])  # the slower process's parts
            print(
                f"| {worlds} x {paths:,} | {'on' if numba == '1' else 'off'} | {procs} "
                f"| {res['first']:.2f} | {res['call']:.2f} | {rate:.2f} | {sim_rate:.2f} "
                f"| {res['simulate']:.3f} | {res['values']:.3f} | {res['hazard']:.3f} |"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--throughput", action="store_true")
    ap.add_argument("--procs", type=int, default=1, help="measuring processes at once")
    ap.add_argument("--measure", help=argparse.SUPPRESS)  # "worlds,paths": one child run
    args = ap.parse_args()
    if args.measure:
        w, n = (int(x) for x in args.measure.split(","))
        print(json.dumps(measure(w, n, args.repeat)))
        return
    if args.throughput:
        throughput(args.repeat, args.procs)
        return
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
