"""Calibrate the bargaining friction (``settlement_rate``) on the TRAIN split of the war cases.

    PYTHONPATH=src python benchmarks/calibrate.py [--paths N] [--boot B]

For every train case (``src/ceasefire/validation/cases/<id>.yaml`` with an engine
section; split: test iff sha256(id).hexdigest()[0] in "01234", never read here)
the engine runs once from the case's origin with its realised lever history, and
records on which paths and months the perceived zone of agreement is open. The
settlement hazard is then exact in lambda:

    S_t(lambda) = mean_p prod_{s<=t} (1 - lambda open_{p,s}),
    P(first deal in month m) = S_{m-1} - S_m,   P(no deal in the window) = S_{W-1},

so the log score of the actual settlement month, summed over train cases, is
maximised over lambda on a grid; the interval is the profile likelihood's
(drop of 1.92: 95 %) and a bootstrap over cases (10-90 %). Probabilities are
floored at 1e-4 (a model certain of the wrong month would otherwise score -inf).
The baseline is a constant monthly hazard of a deal fitted on the same cases.
Prints one Markdown table and the fitted value.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ceasefire.engine._analysis import ripeness_path
from ceasefire.engine._hazard import deal_candidates, settlement_hazard
from ceasefire.engine._sim import compile_scenario
from ceasefire.scenario._levers import read_lever_file
from ceasefire.scenario._scenario import scenario_from_dict

CASES = Path(__file__).resolve().parents[1] / "src" / "ceasefire" / "validation" / "cases"
FLOOR = 1e-4
GRID = np.round(np.concatenate([np.arange(0.005, 0.1, 0.005), np.arange(0.1, 1.0001, 0.025)]), 4)


def is_test(case_id: str) -> bool:
    return hashlib.sha256(case_id.encode()).hexdigest()[0] in "01234"


def train_cases() -> list[tuple[str, dict[str, Any], dict[str, Any], Path]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        if path.name.endswith(".levers.yaml"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cid = data["id"]
        if is_test(cid) or "engine" not in data or "outcome" not in data:
            continue
        outcome = data.pop("outcome")
        out.append((cid, data, outcome, path))
    return out


def open_rows(data: dict[str, Any], outcome: dict[str, Any], path: Path, paths: int) -> np.ndarray:
    sc = scenario_from_dict(data, file=str(path))
    lev_path = path.with_name(path.name.replace(".yaml", ".levers.yaml"))
    levers = read_lever_file(lev_path) if lev_path.exists() else None
    c = compile_scenario(sc, paths=paths, horizon=int(outcome["window_months"]), levers=levers)
    v, _g, z = ripeness_path(c, 0)
    cand = deal_candidates(sc.proposal_matrix, sc.ideal, sc.status_quo, None)
    st = settlement_hazard(v.paths, cand, len(sc.proposals), month_best=z)
    return st.open_rows


def log_score(op: np.ndarray, month: int | None, lam: float) -> float:
    surv = np.cumprod(1.0 - lam * op, axis=1).mean(axis=0)  # (T,)
    if month is None or month >= len(surv):
        p = surv[-1]
    else:
        prev = 1.0 if month == 0 else surv[month - 1]
        p = prev - surv[month]
    return float(np.log(max(p, FLOOR)))


def base_rate(month: int | None, window: int, h: float) -> float:
    if month is None or month >= window:
        return float(np.log(max((1 - h) ** window, FLOOR)))
    return float(np.log(max(h * (1 - h) ** month, FLOOR)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=200)
    ap.add_argument("--boot", type=int, default=200)
    a = ap.parse_args()
    rows = []
    for cid, data, outcome, path in train_cases():
        op = open_rows(data, outcome, path, a.paths)
        m = outcome.get("actual_month")
        rows.append((cid, op, None if m is None else int(m), int(outcome["window_months"])))
        print(f"  {cid}: actual month {m}, open share at month 0 {op[:, 0].mean():.2f}", flush=True)
    ll = np.array([[log_score(op, m, lam) for lam in GRID] for _, op, m, _ in rows])  # (C, G)
    tot = ll.sum(axis=0)
    best = int(np.argmax(tot))
    inside = GRID[tot >= tot[best] - 1.92]
    rng = np.random.default_rng(0)
    boot = [
        GRID[int(np.argmax(ll[rng.integers(0, len(rows), len(rows))].sum(axis=0)))]
        for _ in range(a.boot)
    ]
    hs = np.linspace(0.005, 0.5, 100)
    base = np.array([[base_rate(m, w, h) for h in hs] for _, _, m, w in rows]).sum(axis=0)
    print()
    print(
        "| train cases | lambda (MLE) | 95 % profile interval | bootstrap 10-90 % | "
        "log score (sum) | constant-hazard baseline (fitted h) |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(rows)} | {GRID[best]:.3f} | [{inside.min():.3f}, {inside.max():.3f}] | "
        f"[{np.quantile(boot, 0.1):.3f}, {np.quantile(boot, 0.9):.3f}] | {tot[best]:.2f} | "
        f"{base.max():.2f} (h = {hs[int(np.argmax(base))]:.3f}) |"
    )
    print()
    for (cid, _, m, _), row in zip(rows, ll[:, best], strict=True):
        print(f"  {cid}: actual {m}, log score {row:.2f}")


if __name__ == "__main__":
    main()
