"""The report's headline answers, in words, each with its uncertainty."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._data import RunData
from ._figures import worlds_settlement
from ._surface import MONTHS_12

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


def _actor_name(rd: RunData, actor: str) -> str:
    sc = rd.scenario
    """The regime actor as the scenario names it ("the Kremlin leadership (Putin)")."""
    names = {a.id: a.name for a in sc.actors} if sc is not None else {}
    name = names.get(actor)
    return f"the {name}" if name and name != actor else f"the {actor} leadership"


def _month(rd: RunData, t: int | None) -> str:
    if t is None:
        return "never within the span"
    cal = rd.calendar
    return f"month {t} ({cal[t]})" if t < len(cal) else f"month {t}"


def _pct(x: float) -> str:
    """A probability in whole percent; "over 99%" / "under 1%" rather than 100% / 0%."""
    if x > 0.995:
        return "over 99%"
    if x < 0.005:
        return "under 1%"
    return f"{x:.0%}"


def median_range(p: list[float], se: list[float]) -> tuple[int | None, int | None]:
    """The Monte Carlo 95 % range of the median month: the first month whose upper bound
    (p + 1.96 s.e.) reaches 1/2 and the first whose lower bound does (None: not within
    the span)."""

    def first(xs: list[float]) -> int | None:
        return next((t for t, x in enumerate(xs) if x >= 0.5), None)

    return (
        first([a + 1.96 * b for a, b in zip(p, se, strict=True)]),
        first([a - 1.96 * b for a, b in zip(p, se, strict=True)]),
    )


def _spread_note(rd: RunData) -> str:
    ex = rd.explore or {}
    spread = ex.get("spread") or {}
    fw = spread.get("first_window_month") or {}
    g0 = spread.get("G0") or {}
    if fw.get("median") is not None and g0.get("median") is not None:
        months = len(rd.months) or "the"
        return (
            f"Over {ex.get('worlds', '?')} worlds of the analyst's judgements (every stated "
            f"range drawn, {ex.get('method', '?')}, {ex.get('paths', '?')} paths each): the "
            f"window first opens in month {fw['median']:.0f} in the median world, 10-90% of "
            f"worlds [{fw['q10']:.0f}, {fw['q90']:.0f}]; it never opens within {months} months "
            f"in {fw.get('share_nan', 0.0):.0%} of worlds; G_0 median {g0['median']:+.3f}, "
            f"10-90% [{g0['q10']:+.3f}, {g0['q90']:+.3f}]. "
        )
    if ex:
        return f"Across {ex.get('worlds', '?')} worlds of the analyst's judgements: "
    return (
        "The spread over the analyst's own judgements is not shown: run "
        "`ceasefire explore --json FILE` and pass `--explore FILE`."
    )


def _settlement_answers(rd: RunData, s: Mapping[str, Any]) -> list[Answer]:
    """Will a deal come (P within 12 months), and when (the median month)."""
    p = [float(x) for x in s["p_by_month"]]
    se = [float(x) for x in s["p_se"]]
    k = min(MONTHS_12, len(p)) - 1
    lo, hi = max(0.0, p[k] - 1.96 * se[k]), min(1.0, p[k] + 1.96 * se[k])
    ans = (
        f"P(a deal is signed within {k + 1} months) = {_pct(p[k])}; within {len(p)} months "
        f"{_pct(p[-1])}."
    )
    unc = f"Monte Carlo 95% interval at {k + 1} months: {_pct(lo)} to {_pct(hi)}. "
    ws = worlds_settlement(rd.explore)
    if ws is not None and len(ws["p_by_month_q10"]) > k:
        unc += (
            f"Across {(rd.explore or {}).get('worlds', '?')} worlds of the analyst's judgements: "
            f"10-90% at {k + 1} months {_pct(ws['p_by_month_q10'][k])} to "
            f"{_pct(ws['p_by_month_q90'][k])}. "
        )
    elif rd.explore:
        unc += "The exploration's worlds give the spread of the settlement window, not of " + (
            "P(deal) itself. " + _spread_note(rd)
        )
    else:
        unc += _spread_note(rd)
    out = [Answer("Will a deal come?", ans, unc.strip())]
    med = s.get("median_month")
    m_lo, m_hi = median_range(p, se)
    rate = s.get("settlement_rate")
    scale = s.get("settlement_scale")
    if isinstance(rate, int | float) and isinstance(scale, int | float) and scale > 0:
        how = (
            f"A deal is signed with probability {rate:.1%} x Phi(G / {scale:g}) a month, G the "
            "worst-placed veto player's gain from the best deal (both numbers fitted on the "
            "benchmark's train wars). "
            + (
                "At this scale the zone barely moves the rate: the curve is close to a "
                "constant monthly rate learned from history, not a consequence of the "
                "scenario's levers or beliefs."
                if scale >= 1
                else "The wider the zone, the faster a deal comes."
            )
        )
    elif isinstance(rate, int | float):
        how = (
            f"While a deal every veto player prefers to fighting on exists, one is signed with "
            f"probability {rate:.0%} a month (settlement_rate: bargaining friction); "
            "the curve's steepness is mostly that rate."
        )
    else:
        how = ""
    when_unc = (
        f"Monte Carlo 95% range of the median: {_month(rd, m_lo)} to {_month(rd, m_hi)}. "
        if m_lo != m_hi
        else "The Monte Carlo error does not move the median month. "
    ) + how
    out.append(
        Answer(
            "When?",
            f"Median month of signature: {_month(rd, med)}. Half of the simulated futures have "
            "a deal by the end of that month.",
            when_unc,
        )
    )
    return out


def headline(rd: RunData) -> list[Answer]:
    """The headline answers, in the briefing's order."""
    d = rd.d
    out: list[Answer] = []
    s = d.get("settlement")
    if s:
        out.extend(_settlement_answers(rd, s))
    deal = d.get("predicted_deal") or {}
    terms = deal.get("terms") or {}
    sc = rd.scenario
    plans = d.get("plans") or []
    if terms and sc is not None:
        q10 = (s or {}).get("terms_q10") or {}
        q90 = (s or {}).get("terms_q90") or {}
        parts = []
        for issue in sc.issues:
            v = terms.get(issue.id)
            if v is None:
                continue
            spread = (
                f" (10-90%: {q10[issue.id]:.2f}-{q90[issue.id]:.2f})"
                if issue.id in q10 and issue.id in q90
                else ""
            )
            parts.append(f"{issue.label}: {v:.2f}{spread}, {describe_value(issue, float(v))}")
        out.append(
            Answer(
                "On what terms?",
                "The expected terms of the deals signed in the simulated futures (median "
                f"signature: {_month(rd, deal.get('month'))}), issue by issue, in each issue's "
                "own words:",
                "The ranges are the 10-90% of the simulated deals' terms." if q10 else "",
                tuple(parts),
            )
        )
        h12, h36 = deal.get("p_hold_12"), deal.get("p_hold_36")
        if isinstance(h12, int | float) and isinstance(h36, int | float):
            named = [pl for pl in plans if isinstance(pl.get("p_hold_36"), int | float)]
            rng = ""
            if named:
                a = min(named, key=lambda pl: pl["p_hold_36"])
                b = max(named, key=lambda pl: pl["p_hold_36"])
                rng = (
                    f" For comparison, the named plans' own P(holds 36 months) runs from "
                    f"{_pct(a['p_hold_36'])} ({a['id']}) to {_pct(b['p_hold_36'])} ({b['id']})."
                )
            out.append(
                Answer(
                    "Will the deal hold?",
                    f"P(the deal still holds 12 months after signing) = {_pct(h12)}; "
                    f"36 months after = {_pct(h36)}.",
                    "Averages over the simulated deals of the breakdown hazard (Fortna's "
                    "durability factors, stated as judgements); the engine reports no Monte "
                    "Carlo error for them, and the hazard's own inputs are judgements that "
                    "the exploration does not yet vary for this number." + rng,
                )
            )
    elif s and not terms:
        out.append(Answer("On what terms?", "No deal is signed in the simulated futures.", ""))
    if plans:
        firsts = [
            f"{p['id']} ({_month(rd, p.get('first_month_all_veto_accept'))}"
            + (
                f"; holds 36 months with P = {p['p_hold_36']:.0%})"
                if isinstance(p.get("p_hold_36"), int | float)
                else ")"
            )
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
                f"Is settling riskier than war for {_actor_name(rd, rr['actor'])}?",
                f"Removal risk within the span: {rr['fight']:.1%} if it fights on; "
                + (
                    f"{lo:.1%} to {hi:.1%} if it settles now on one of the plans." if settle else ""
                ),
                "Monte Carlo estimates over the run's paths.",
            )
        )
    cfs = d.get("counterfactuals") or {}
    fo = d.get("first_window_month")
    surf = d.get("report_lever_surface")
    change = []
    if fo != 0:  # the window is shut now: which mechanism, switched off, opens it at once
        opens = [
            k.removeprefix("no_").replace("_", " ")
            for k, v in cfs.items()
            if v.get("first_window_month") == 0
        ]
        if opens:
            change.append(
                "Switching off " + _names(opens) + " (one at a time) opens the window at once."
            )
    elif cfs:
        k, v = max(cfs.items(), key=lambda kv: kv[1].get("delta_G0", 0.0))
        change.append(
            "The window is open now; of the mechanisms, switching off "
            f"{k.removeprefix('no_').replace('_', ' ')} widens it most (G_0 "
            f"{v.get('delta_G0', 0.0):+.3f})."
        )
    if surf:
        within = surf.get("within", MONTHS_12)
        lo = min(surf["grid"], key=lambda r: r["p12"])
        hi = max(surf["grid"], key=lambda r: r["p12"])
        change.append(
            f"Sanctions and long-range strikes held from month 0: P(deal within {within} months) "
            f"runs from {_pct(lo['p12'])} (sanctions {lo['sanctions']:g}, strikes "
            f"{lo['strikes']:g}) to {_pct(hi['p12'])} (sanctions {hi['sanctions']:g}, strikes "
            f"{hi['strikes']:g}) over the grid."
        )
    if change:
        out.append(
            Answer(
                "What would change it?",
                " ".join(change),
                (
                    f"The lever grid uses {surf['paths']} paths per cell: Monte Carlo 95% "
                    f"± {1.96 * max(r['p12_se'] for r in surf['grid']):.0%} at most."
                )
                if surf
                else "",
            )
        )
    if not out:
        out.append(Answer("What does the run say?", "This scenario has no engine section.", ""))
    return out
