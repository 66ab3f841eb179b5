"""ceasefire's SMP side by side with KTAB's own ``smpc`` (CPU seconds, median of runs).

For every input this times, interleaved, ``--repeat`` times each:

* **KTAB**: ``smpc --logmin --csv FILE --connstr "Driver=QSQLITE;Database=..."``
  (the build recipe is in docs/smp.md; pass ``--smpc PATH``, or leave it out
  to time ceasefire alone);
* **model**: ceasefire's SMP on the scenario already read (``smp_ktab``), in
  this process;
* **command**: ``ceasefire forecast --model smp FILE --json OUT`` as a fresh
  process, Python start-up and imports included.

CPU is user + system time (of the child, for the two commands). It also
reports the number of states of each run (equal when both reproduce each
other) and the model's CPU per turn. Inputs: the files given, plus random
files drawn with KTAB's dummy-actor recipe for ``--sizes``.

    .venv/bin/python benchmarks/bench_smp_ktab.py --smpc /work/ktab/examples/smp/smpc \\
        dummyData-a040.csv dummyData-a080.csv --sizes 10 20
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_smp import write_dummy_csv  # type: ignore[import-not-found]

from ceasefire.bargaining._ktab import read_ktab
from ceasefire.bargaining._smp import smp_ktab


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def time_ktab(smpc: str, path: str, workdir: str) -> tuple[float, int]:
    """CPU seconds of one smpc run and its number of states."""
    db = os.path.join(workdir, "ktab")
    for f in os.listdir(workdir):  # a fresh database each run: smpc appends to an old one
        if f.startswith("ktab"):
            os.remove(os.path.join(workdir, f))
    conf = os.path.join(os.path.dirname(smpc), "smpc-logger.conf")  # smpc logs where it finds it
    if os.path.exists(conf) and not os.path.exists(os.path.join(workdir, "smpc-logger.conf")):
        shutil.copy(conf, workdir)
    for f in os.listdir(workdir):
        if f.startswith("smpc") and f.endswith("_log.txt"):
            os.remove(os.path.join(workdir, f))
    c0 = _child_cpu()
    subprocess.run(
        [
            smpc,
            "--logmin",
            "--csv",
            os.path.abspath(path),
            "--connstr",
            f"Driver=QSQLITE;Database={db}",
        ],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cpu = _child_cpu() - c0
    states = -1
    for f in os.listdir(workdir):
        if f.startswith("smpc") and f.endswith("_log.txt"):
            with open(os.path.join(workdir, f), encoding="utf-8", errors="replace") as fh:
                m = re.search(r"There were (\d+) states", fh.read())
            states = int(m.group(1)) if m else -1
    return cpu, states


def time_command(path: str, out: str) -> float:
    """CPU seconds of ``ceasefire forecast --model smp PATH --json OUT``."""
    exe = os.path.join(os.path.dirname(sys.executable), "ceasefire")
    c0 = _child_cpu()
    subprocess.run(
        [exe, "forecast", "--model", "smp", path, "--json", out],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return _child_cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smpc", help="KTAB's smpc executable (Release build)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20170530)
    ap.add_argument("--no-command", action="store_true", help="skip the whole-command timing")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    print(f"# {os.cpu_count()} CPUs; CPU seconds, median of {args.repeat}")
    print(
        "| input | actors | states (ours / KTAB) | KTAB s | model s | model ms / turn "
        "| command s | KTAB / model | KTAB / command |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(os.path.basename(f), f) for f in args.files]
        for n in args.sizes:
            p = os.path.join(tmp, f"random-{n}.csv")
            write_dummy_csv(p, n, 1, args.seed + n)
            jobs.append((f"random (KTAB recipe), {n}", p))
        for label, path in jobs:
            sc = read_ktab(path)
            kt: list[float] = []
            md: list[float] = []
            cm: list[float] = []
            states = kstates = -1
            for _ in range(args.repeat):
                if args.smpc:
                    cpu, kstates = time_ktab(args.smpc, path, tmp)
                    kt.append(cpu)
                c0 = time.process_time()
                res = smp_ktab(sc)
                md.append(time.process_time() - c0)
                states = len(res.history)
                if not args.no_command:
                    cm.append(time_command(path, os.path.join(tmp, "out.json")))
            k = statistics.median(kt) if kt else float("nan")
            m = statistics.median(md)
            c = statistics.median(cm) if cm else float("nan")
            print(
                f"| {label} | {len(sc.actors)} | {states} / {kstates if kt else '-'} | {k:.3f} | "
                f"{m:.3f} | {1000 * m / max(states - 1, 1):.1f} | {c:.3f} | {k / m:.0f}× | "
                f"{k / c:.1f}× |",
                flush=True,
            )


if __name__ == "__main__":
    main()
