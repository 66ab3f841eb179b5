"""Horizon invariance of the default scenario (docs/model.md, "Infinite horizon").

    PYTHONPATH=src python benchmarks/horizon.py [--paths N]

Runs the default scenario with different simulated lengths (report months plus
tail) and report lengths; prints the first window month, the median month of a
deal and P(deal signed by months 0, 5, 11, 23, 35).
"""

from __future__ import annotations

import argparse

import numpy as np

import ceasefire as cf
from ceasefire.engine import analyze_window


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=1000)
    a = ap.parse_args()
    sc = cf.load("russia-ukraine-2024")
    print("| run | simulated months | first window | median month | P by month 0, 5, 11, 23, 35 |")
    print("|---|---|---|---|---|")
    runs = [
        ("tail 12", {"tail": 12}),
        ("tail 24", {"tail": 24}),
        ("tail 84", {"tail": 84}),
        ("default", {}),
        ("tail 684", {"tail": 684}),
        ("--horizon 24", {"horizon": 24}),
        ("--horizon 60", {"horizon": 60}),
    ]
    for name, kw in runs:
        w = analyze_window(sc, seed=0, paths=a.paths, **kw)
        p = w.settlement.p_by_month[0]
        idx = [t for t in (0, 5, 11, 23, 35) if t < len(p)]
        print(
            f"| {name} | {w.compiled.steps} | {w.first_window_month} | {w.median_month} | "
            + ", ".join(f"{x:.3f}" for x in np.asarray(p)[idx])
            + " |"
        )


if __name__ == "__main__":
    main()
