"""The report's headline answers, in words, each with its uncertainty."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._data import RunData

if TYPE_CHECKING:
    from ..scenario._scenario import Issue

__all__ = ["Answer", "describe_value", "headline"]


@dataclass(frozen=True)
class Answer:
    """One headline answer: the question, the answer in words, its uncertainty, and items
    (e.g. the terms issue by issue)."""

    question: str
    answer: str
    uncertainty: str = ""
    items: tuple[str, ...] = ()


def describe_value(issue: Issue, value: float) -> str:
    """``value`` on ``issue``'s scale in its own words: the nearest anchor, or between two."""
    anchors = [(0.0, issue.anchors.low), (0.5, issue.anchors.mid), (1.0, issue.anchors.high)]
    for at, words in anchors:
        if abs(value - at) <= 0.08:
            return f"about: {words}"
    lo, hi = (anchors[0], anchors[1]) if value < 0.5 else (anchors[1], anchors[2])
    return f"between “{lo[1]}” ({lo[0]:g}) and “{hi[1]}” ({hi[0]:g})"


def _names(items: list[str]) -> str:
    if not items:
        return "nobody"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _month(rd: RunData, t: int | None) -> str:
    if t is None:
        return "never within the span"
    cal = rd.calendar
    return f"month {t} ({cal[t]})" if t < len(cal) else f"month {t}"


def headline(rd: RunData) -> list[Answer]:
    """The headline answers, in the briefing's order."""
    d = rd.d
    out: list[Answer] = []
    s = d.get("settlement")
    ex = rd.explore or {}
    exs = ex.get("settlement") or {}
    spread_note = (
        f"Across {ex.get('worlds', '?')} worlds of the analyst's judgements ({ex.get('method')}): "
        if exs
        else "The spread over the analyst's own judgements is not shown: run "
        "`ceasefire explore --json FILE` and pass `--explore FILE`."
    )
    if s and s.get("p_by_month"):
        p = s["p_by_month"]
        se = s.get("p_se") or [0.0] * len(p)
        k = min(11, len(p) - 1)
        ans = (
            f"P(a deal is signed within 12 months) = {p[k]:.0%}; within {len(p)} months "
            f"{p[-1]:.0%}."
        )
        unc = f"Monte Carlo 95% interval ± {1.96 * se[k]:.1%} at 12 months. " + spread_note
        if exs.get("p_by_month_q10"):
            q10, q90 = exs["p_by_month_q10"][k], exs["p_by_month_q90"][k]
            unc += f"10-90% of worlds at 12 months: {q10:.0%} to {q90:.0%}."
        out.append(Answer("Will a deal come?", ans, unc))
        med = s.get("median_month")
        out.append(
            Answer(
                "When?",
                f"Median month of signature: {_month(rd, med)}.",
                "Half of the simulated futures have a deal by then.",
            )
        )
    elif "ripeness" in d:
        g = d["ripeness"]["G"]
        se = d["ripeness"].get("G_se") or [0.0] * len(g)
        fo = d.get("first_window_month")
        ans = (
            "This engine version gives no probability of a deal over time (that comes with "
            "the engine's second generation). What it gives: whether a deal exists that every "
            "veto player prefers to fighting on (the settlement window). "
            + (
                f"The window is shut now (G_0 = {g[0]:+.3f}) and first opens in {_month(rd, fo)}."
                if fo
                else "The window is open now."
                if fo == 0
                else f"The window stays shut for all {len(g)} months."
            )
        )
        near = [t for t in range(len(g)) if abs(g[t]) < 2 * se[t]]
        unc = f"G_0 ± {se[0]:.3f} (Monte Carlo s.e.). " + (
            f"G is within two standard errors of 0 in months {near[0]}-{near[-1]}: the "
            "opening month is not resolved more finely than that by this many paths. "
            if near
            else ""
        )
        unc += spread_note
        out.append(Answer("Will a deal come, and when?", ans, unc))
    deal = d.get("predicted_deal")
    terms = deal.get("terms", deal) if isinstance(deal, Mapping) else None
    sc = rd.scenario
    if terms and sc is not None:
        parts = []
        for issue in sc.issues:
            v = terms.get(issue.id)
            if v is not None:
                parts.append(f"{issue.label}: {v:.2f}, {describe_value(issue, float(v))}")
        when = deal.get("month", d.get("first_window_month")) if isinstance(deal, Mapping) else None
        out.append(
            Answer(
                "On what terms?",
                f"Predicted deal (Nash point when the window opens, {_month(rd, when)}), "
                "issue by issue, in each issue's own words:",
                "A point forecast: the bargaining models' forecasts in the issue-space figure "
                "show how far apart the standard models are on each issue.",
                tuple(parts),
            )
        )
    elif "ripeness" in d:
        out.append(Answer("On what terms?", "No deal is predicted within the span.", ""))
    plans = d.get("plans") or []
    if plans:
        firsts = [
            f"{p['id']} ({_month(rd, p.get('first_month_all_veto_accept'))})"
            for p in plans
            if p.get("first_month_all_veto_accept") is not None
        ]
        now = [p["id"] for p in plans if p.get("veto_players_accept")]
        out.append(
            Answer(
                "Which named plan could pass?",
                (
                    f"Accepted by every veto player now: {_names(now)}. "
                    if now
                    else "No named plan is accepted by every veto player now. "
                )
                + (
                    "First month each is accepted by all: " + ", ".join(firsts) + "."
                    if firsts
                    else "None is accepted by all veto players within the span."
                ),
                "Margins by month in the plans figure; a margin near 0 is within Monte Carlo "
                "noise.",
            )
        )
    block = [a for a, v in (d.get("blocking") or {}).items() if v]
    stall = [a for a, v in (d.get("stalling") or {}).items() if v]
    if "blocking" in d or "stalling" in d:
        out.append(
            Answer(
                "Who blocks, who stalls?",
                f"Blocking the window at month 0: {_names(block)}. "
                "Stalling (in talks while refusing every deal the others accept, because talks "
                f"pay): {_names(stall)}.",
                "Both are read at month 0 from the same Monte Carlo values as G_0.",
            )
        )
    rr = d.get("regime_risk") or {}
    if rr.get("actor"):
        settle = rr.get("settle") or {}
        lo = min(settle.values()) if settle else None
        hi = max(settle.values()) if settle else None
        out.append(
            Answer(
                f"Is settling riskier than war for the {rr['actor']} leadership?",
                f"Removal risk within the span: {rr['fight']:.1%} if it fights on; "
                + (
                    f"{lo:.1%} to {hi:.1%} if it settles now on one of the plans." if settle else ""
                ),
                "Monte Carlo estimates over the run's paths.",
            )
        )
    cfs = d.get("counterfactuals") or {}
    opens = [
        k.removeprefix("no_").replace("_", " ")
        for k, v in cfs.items()
        if v.get("first_window_month") == 0
    ]
    surf = d.get("report_lever_surface")
    change = []
    if opens:
        change.append(
            "Switching off " + _names(opens) + " (one at a time) opens the window at once."
        )
    if surf:
        cells = [r for r in surf["grid"] if r.get("first_window_month") is not None]
        if cells:
            best = min(
                cells, key=lambda r: (r["sanctions"] + r["strikes"], r["first_window_month"])
            )
            change.append(
                f"Least pressure on the grid that opens the window within {surf['months']} months: "
                f"sanctions {best['sanctions']:g}, strikes {best['strikes']:g} (opens in month "
                f"{best['first_window_month']})."
            )
        else:
            change.append("No sanctions × strikes setting on the grid opens the window.")
    if change:
        out.append(
            Answer(
                "What would change it?",
                " ".join(change),
                f"The lever grid uses {surf['paths']} paths per cell: cells near the edge of "
                "opening are noisy."
                if surf
                else "",
            )
        )
    if not out:
        out.append(Answer("What does the run say?", "This scenario has no engine section.", ""))
    return out
