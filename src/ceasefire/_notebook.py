"""Text views of a result (no figures, no optional imports): the short repr and the
headline pairs that the notebook's HTML view (``ceasefire.report``) also shows."""

from __future__ import annotations

from typing import Any

__all__ = ["headline_pairs", "result_repr"]


def headline_pairs(res: Any) -> list[tuple[str, str]]:
    d = res.to_dict()
    out: list[tuple[str, str]] = []
    s = d.get("settlement")
    if s:
        p, se = s["p_by_month"], s["p_se"]
        k = min(12, len(p)) - 1
        out.append((f"P(deal within {k + 1} months)", f"{p[k]:.0%} ± {1.96 * se[k]:.0%}"))
        med = s.get("median_month")
        out.append(
            ("median month", "beyond the span" if med is None else f"{med} ({s['calendar'][med]})")
        )
        deal = d.get("predicted_deal") or {}
        if deal.get("p_hold_12") is not None and deal.get("p_hold_36") is not None:
            hold = f"{deal['p_hold_12']:.0%} / {deal['p_hold_36']:.0%}"
            out.append(("P(deal holds 12 / 36 months)", hold))
    if "ripeness" in d:
        g = d["ripeness"]["G"]
        se = d["ripeness"].get("G_se")
        out.append(("G_0", f"{g[0]:+.3f}" + (f" ± {se[0]:.3f}" if se else "")))
        fo = d.get("first_window_month")
        out.append(("window first opens", "never in the span" if fo is None else f"month {fo}"))
    now = [p["id"] for p in d["plans"] if p.get("veto_players_accept")]
    out.append(("plans all veto players accept now", ", ".join(now) or "none"))
    stall = [a for a, v in (d.get("stalling") or {}).items() if v]
    if "stalling" in d:
        out.append(("stalling", ", ".join(stall) or "nobody"))
    rr = d.get("regime_risk") or {}
    if rr.get("actor"):
        settle = rr.get("settle") or {}
        lo = min(settle.values(), default=float("nan"))
        hi = max(settle.values(), default=float("nan"))
        out.append(
            (f"{rr['actor']} removal risk", f"fight on {rr['fight']:.1%}; settle {lo:.1%}-{hi:.1%}")
        )
    return out


def result_repr(res: Any) -> str:
    """A one-paragraph text repr (the full data: ``res.to_dict()``)."""
    sc = res.scenario
    bits = [f"{k}: {v}" for k, v in headline_pairs(res)]
    size = ""
    if res.window is not None:
        c = res.window.compiled
        size = f", {c.paths} paths x {c.months} months"
    return (
        f"<AnalysisResult {sc.id} (as of {sc.as_of.isoformat()}), seed {res.seed}{size}: "
        + "; ".join(bits)
        + ". See .to_frame(), .to_dict(), .plot.*()>"
    )
