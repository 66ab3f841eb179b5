"""Re-measure the article's claims C1-C7 on the default scenario (docs/model.md).

    PYTHONPATH=src python benchmarks/claims.py [--paths N]

Prints one line per claim with the figures behind it. No number here is an input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import numpy as np

import ceasefire as cf
from ceasefire.engine import analyze_window
from ceasefire.engine._value import outcome_class

FREEZE = ["turkey", "trump", "china", "brazil"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    sc = cf.load("russia-ukraine-2024")
    w = analyze_window(sc, seed=a.seed, paths=a.paths)
    ids = sc.proposal_ids
    acc = w.accepts_by_month
    ru, ua, us = (sc.actor_index(x) for x in ("russia", "ukraine", "usa"))
    c1 = [not acc[0, ids.index(p), ru] for p in FREEZE]
    print(
        f"C1 Russia rejects every freeze plan at month 0: {all(c1)} "
        f"{dict(zip(FREEZE, c1, strict=True))}"
    )
    rm = ids.index("russia-maximal")
    # C1 as a result or a premise: the leader's removal risk within the report if Russia
    # settles at month 0 on its own maximal plan, against fighting on, and which mechanism
    # carries the difference (regime type x how the war ends, the war economy, backlash)
    ro = w.valuation.outcome
    loss = {
        p: float(ro.loss(sc.proposal_matrix[i])) if ro else float("nan") for i, p in enumerate(ids)
    }
    print(
        f"C1 regime type {sc.engine_spec.roles.regime_type}; Goemans loss of each plan for "
        "russia: " + ", ".join(f"{p} {v:.2f} ({outcome_class(v)})" for p, v in loss.items())
    )
    variants = {
        "scenario": {},
        "no regime type": {"regime_type": None},
        "mixed regime": {"regime_type": "mixed"},
        "war_dependence 0": {"war_dependence": 0.0},
        "backlash 0": {"backlash": 0.0},
    }
    for name, change in variants.items():
        wv = (
            w
            if not change
            else analyze_window(cf.with_parameters(sc, **change), seed=a.seed, paths=a.paths)
        )
        print(
            f"C1 removal risk within {wv.compiled.months} months [{name}]: fight on "
            f"{wv.valuation.p_fight[0]:.3f}, settle on russia-maximal "
            f"{wv.plan_removal[rm]:.3f}"
        )
    print(
        f"C2 Ukraine and the USA reject russia-maximal: "
        f"{not acc[0, rm, ua] and not acc[0, rm, us]} (ukraine {not acc[0, rm, ua]}, "
        f"usa {not acc[0, rm, us]})"
    )
    g = w.ripeness
    st = w.settlement
    print(
        f"C3 window shut at month 0 and for a year (expected values): "
        f"{g[0] < 0 and not (g[:12] > 0).any()} (G_0 {g[0]:+.4f}, first window "
        f"{w.first_window_month}); P(deal signed by month 11) {st.p_by_month[0, 11]:.3f} "
        f"± {st.p_se[0, 11]:.3f}, median month {w.median_month}"
    )
    print(
        f"C4 Russia stalls: {w.stalling.get('russia')} (talk value russia "
        f"{w.talk_value['russia']:+.4f}, blocking {w.blocking})"
    )
    fight = w.valuation.p_fight[0]
    risk = {p: float(w.plan_removal[ids.index(p)]) for p in ids}
    print(
        f"C5 settling on a freeze riskier for the leader than fighting: "
        f"{all(risk[p] > fight for p in FREEZE)} (fight {fight:.3f}; "
        + ", ".join(f"{p} {r:.3f}" for p, r in risk.items())
        + ")"
    )
    for lv in ({"sanctions": 1.0, "strikes": 1.0}, {"sanctions": 0.3, "strikes": 0.3}):
        w2 = analyze_window(sc, seed=a.seed, paths=a.paths, levers=lv)
        print(
            f"C6 levers {lv}: first window {w2.first_window_month}, P(signed by 11) "
            f"{w2.settlement.p_by_month[0, 11]:.3f}, median {w2.median_month}"
        )
    cf_ = w.counterfactuals["no_leader_survival"]
    print(
        f"C7 leader survival explains the impasse: delta G_0 {cf_['delta_G0']:+.4f}, "
        f"first window without it {cf_['first_window_month']} vs {w.first_window_month}"
    )
    print("p_by_month", np.round(st.p_by_month[0], 3).tolist())


if __name__ == "__main__":
    main()
