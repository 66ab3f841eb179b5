"""Every available model's forecast on two published single cases.

1. Bueno de Mesquita (1994): the date of EC emission standards for medium-sized cars
   (10 member states, years of delay on a 4-10 scale). Actual 8.833; BDM's forecast 8.35
   (9.05 with costly prolonged negotiation); capability x salience mean 7.39, median 7.0.
   Data: ../shared/data/bdm1994/emission_standards.csv.
2. KTAB's China 2014 oil and gas reform case, SOE-Pol-Comp (13 actors, a policy and a
   competitive dimension on 0-100; Efird, Lester & Wise 2016). KAPSARC's reading: the
   competitive issue settles between 20 and 40. Data: ../shared/data/ktab/SOE-Pol-Comp.csv.

Models: compromise (capability x salience weighted mean), weighted median, asymmetric Nash
bargaining (utility ``1 - sum_k s_k |z_k - x_k|`` with each actor's saliences normalised to 1,
bargaining weight capability x total salience, disagreement = each actor's utility of the worst
actor position on the table), and BDM and KTAB's SMP through the adapters ``ceasefire forecast``
uses (``bargaining._forecast``). Issues of the KTAB case are run jointly by the Nash
solution and the SMP and one at a time by the others.

    .venv/bin/python benchmarks/published_cases.py [--shared ../shared] [--markdown]
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ceasefire.bargaining._forecast import bdm_forecast, smp_forecast
from ceasefire.bargaining._spatial import (
    compromise,
    nash_bargaining,
    spatial_utility,
    weighted_median,
)
from ceasefire.bargaining._table import ActorTable

FloatArray = NDArray[np.float64]


@dataclass
class Case:
    name: str
    actors: list[str]
    dims: list[str]
    capability: FloatArray  # (n,)
    positions: FloatArray  # (n, K) on the case's scale
    salience: FloatArray  # (n, K) on 0-100
    scale: tuple[float, float]
    reference: dict[str, str]  # dim -> what is known


def emission_case(shared: Path) -> Case:
    path = shared / "data" / "bdm1994" / "emission_standards.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return Case(
        name="BDM 1994 emission standards",
        actors=[r["actor"] for r in rows],
        dims=["delay (years)"],
        capability=np.array([float(r["capability"]) for r in rows]),
        positions=np.array([[float(r["position"])] for r in rows]),
        salience=np.array([[float(r["salience"])] for r in rows]),
        scale=(4.0, 10.0),
        reference={"delay (years)": "actual 8.833; BDM 1994: 8.35 (9.05)"},
    )


def ktab_case(shared: Path) -> Case:
    """SOE-Pol-Comp.csv: line 1 title, line 2 header, rows name, desc, capability, (pos, sal)*."""
    path = shared / "data" / "ktab" / "SOE-Pol-Comp.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [h.strip() for h in lines[1].split(",") if h.strip()]
    dims = [h.removesuffix(" Position") for h in header[3::2]]
    names, cap, pos, sal = [], [], [], []
    for line in lines[2:]:
        f = [c.strip() for c in line.split(",")]
        if not f or not f[0]:
            continue
        names.append(f[0])
        cap.append(float(f[2]))
        vals = [float(v) for v in f[3 : 3 + 2 * len(dims)]]
        pos.append(vals[0::2])
        sal.append(vals[1::2])
    return Case(
        name="KTAB SOE-Pol-Comp (China 2014 oil and gas)",
        actors=names,
        dims=dims,
        capability=np.array(cap),
        positions=np.array(pos),
        salience=np.array(sal),
        scale=(0.0, 100.0),
        reference={
            "Policy": "KTAB reference run: about 38.7 after 27 turns",
            "Competitive": "KAPSARC: settles between 20 and 40 (KTAB run: about 29-31)",
        },
    )


def forecasts(case: Case) -> dict[str, list[float] | str]:
    """Each model's forecast per dimension on the case's scale, or why it is unavailable."""
    lo, hi = case.scale
    x01 = (case.positions - lo) / (hi - lo)
    s = case.salience
    c = case.capability
    res: dict[str, list[float] | str] = {}
    res["compromise"] = [float(v) for v in np.atleast_1d(compromise(case.positions, s, c))]
    res["median"] = [float(v) for v in np.atleast_1d(weighted_median(case.positions, s, c))]

    # Nash bargaining, all dimensions jointly
    tot = s.sum(axis=1, keepdims=True)
    sn = s / np.where(tot > 0, tot, 1.0)
    worst = spatial_utility(x01, x01, sn).min(axis=0)  # u_a of the worst tabled position
    sol = nash_bargaining(x01, sn, c * tot[:, 0], worst, seed=0)
    res["nbs"] = [float(lo + v * (hi - lo)) for v in sol.point]

    # BDM and the SMP through the adapters `ceasefire forecast` uses (one per model)
    table = ActorTable(
        actors=case.actors,
        issues=case.dims,
        capability=c,
        positions=case.positions,
        salience=s,
        lower=np.full(len(case.dims), lo),
        upper=np.full(len(case.dims), hi),
        salience_scale=100.0,
    )
    res["bdm"] = [float(v) for v in bdm_forecast(table)[0]]
    res["smp"] = [float(v) for v in smp_forecast(table)[0]]
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared"
    ap.add_argument("--shared", type=Path, default=default, help="the shared data folder")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    cases = [emission_case(args.shared), ktab_case(args.shared)]
    models = ["compromise", "median", "nbs", "bdm", "smp"]
    if args.markdown:
        print("| case | issue | " + " | ".join(models) + " | known |")
        print("|---|---|" + "---:|" * len(models) + "---|")
    for case in cases:
        fc = forecasts(case)
        for k, dim in enumerate(case.dims):
            cells = []
            for m in models:
                v = fc[m]
                cells.append(f"{v[k]:.2f}" if isinstance(v, list) else "n/a")
            if args.markdown:
                row = [case.name, dim, *cells, case.reference.get(dim, "")]
                print("| " + " | ".join(row) + " |")
            else:
                print(f"{case.name} / {dim}")
                for m, cell in zip(models, cells, strict=True):
                    print(f"  {m:<11} {cell}")
                print(f"  {'known':<11} {case.reference.get(dim, '')}")
        for m in models:
            if isinstance(fc[m], str):
                print(f"  ({m}: {fc[m]})")


if __name__ == "__main__":
    main()
