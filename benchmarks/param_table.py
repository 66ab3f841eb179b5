"""Print the engine tables of docs/model.md §6 from the code and the built-in scenario.

Usage::

    .venv/bin/python benchmarks/param_table.py [SCENARIO]   # default: russia-ukraine-2024

Reads ``ceasefire.engine.PARAMETERS`` (defaults, bounds, units, meanings) and the
scenario's ``engine`` section (values, ranges, provenance) and prints Markdown
tables: engine parameters, horizon/discount/paths, fronts, outcome map, lever
baselines, costs. Paste the output over the generated block in docs/model.md.
"""

from __future__ import annotations

import sys

import ceasefire as cf
from ceasefire.engine import LEVERS, PARAMETERS


def _num(x: float) -> str:
    return f"{x:g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _prov(q: object) -> str:
    """Source (paragraph + quote) or judgement of a Quantity-like object."""
    src = getattr(q, "source", None)
    judg = getattr(q, "judgement", None)
    if src is not None:
        at = f"{src.at} " if src.at else ""
        quote = f'"{src.quote}"' if src.quote else ""
        ref = "" if src.ref == "article" else f"[{src.ref}] "
        return _cell(f"source: {ref}{at}{quote}")
    if judg:
        return _cell(f"judgement: {judg}")
    return "(none stated)"


def _range(q: object) -> str:
    rg = getattr(q, "range", None)
    return f"[{_num(rg[0])}, {_num(rg[1])}]" if rg is not None else "fixed"


def main(scenario: str = "russia-ukraine-2024") -> None:
    sc = cf.load(scenario)
    spec = sc.engine_spec
    if spec is None:
        raise SystemExit(f"{scenario} has no engine section")
    out: list[str] = []
    w = out.append

    w(f"Engine parameters of `{sc.id}` ({len(PARAMETERS)} parameters).")
    w("")
    w("| parameter | value | MC range | allowed | unit | meaning | provenance |")
    w("|---|---|---|---|---|---|---|")
    for name, p in PARAMETERS.items():
        q = spec.parameters.get(name)
        if q is None:
            val, rng, prov = f"{_num(p.default)} (default)", "fixed", "not stated: code default"
        else:
            val, rng, prov = _num(q.value), _range(q), _prov(q)
        w(
            f"| `{name}` | {val} | {rng} | [{_num(p.lo)}, {_num(p.hi)}] | {p.unit} "
            f"| {_cell(p.meaning)} | {prov} |"
        )
    w("")
    w("Horizon, discount, paths.")
    w("")
    w("| field | value | provenance |")
    w("|---|---|---|")
    w(f"| `horizon` (months) | {_num(spec.horizon.value)} | {_prov(spec.horizon)} |")
    w(f"| `discount` (per month) | {_num(spec.discount.value)} | {_prov(spec.discount)} |")
    w(f"| `paths` | {spec.paths} | Monte Carlo paths (not a model quantity) |")
    w("")
    w("Fronts (each front moves one territorial issue).")
    w("")
    w("| front | issue | kappa (share/month) | troops | weight | ratify | provenance |")
    w("|---|---|---|---|---|---|---|")
    for fr in spec.fronts:
        troops = f"{_num(fr.troops.value)} {_range(fr.troops)}" if fr.troops else "-"
        weight = _num(fr.weight.value) if fr.weight else "1 (default)"
        provs = [f"kappa: {_prov(fr.kappa)}"]
        if fr.troops:
            provs.append(f"troops: {_prov(fr.troops)}")
        if fr.weight:
            provs.append(f"weight: {_prov(fr.weight)}")
        w(
            f"| `{fr.id}` | `{fr.issue}` | {_num(fr.kappa.value)} {_range(fr.kappa)} | {troops} "
            f"| {weight} | {'yes' if fr.ratify else 'no'} | {'; '.join(provs)} |"
        )
    w("")
    w("Outcome map (issues whose wartime value follows a lever).")
    w("")
    w("| issue | lever | value at lever 0 | value at lever 1 | provenance |")
    w("|---|---|---|---|---|")
    for iid, om in spec.outcome.items():
        w(f"| `{iid}` | `{om.lever}` | {_num(om.at_zero)} | {_num(om.at_one)} | {_prov(om)} |")
    w("")
    w("Lever baselines (on [0, 1]).")
    w("")
    w("| lever | baseline | path [month, value] | provenance |")
    w("|---|---|---|---|")
    for name in LEVERS:
        lb = spec.levers.get(name)
        if lb is None:
            w(f"| `{name}` | 0 (not stated) | - | - |")
            continue
        path = ", ".join(f"[{_num(m)}, {_num(v)}]" for m, v in lb.path) if lb.path else "constant"
        w(f"| `{name}` | {_num(lb.value)} | {path} | {_prov(lb)} |")
    w("")
    w("Costs (per month, utility units; aid cost is multiplied by the aid lever).")
    w("")
    w("| kind | who | value | stated range | provenance |")
    w("|---|---|---|---|---|")
    for key in ("war_cost", "aid_cost", "lever_cost"):
        for who, q in getattr(spec, key).items():
            w(f"| `{key}` | `{who}` | {_num(q.value)} | {_range(q)} | {_prov(q)} |")
    print("\n".join(out))


if __name__ == "__main__":
    main(*sys.argv[1:2])
