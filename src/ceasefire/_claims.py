"""The article's claims C1-C7 as functions of an analysis result.

One definition per claim, used by ``ceasefire explore`` (the share of worlds where
each claim holds), the tests and the report, so that all three mean the same
thing. Each function takes the result of :func:`ceasefire.analyze` (or its
``window``, a :class:`~ceasefire.engine.WindowAnalysis`) and returns ``True`` or
``False``, or ``None`` where the claim does not apply (the scenario lacks the
actors or plans the claim names, or has no engine section).

The engine's vectorised :func:`ceasefire.engine.evaluate_worlds` computes the same
claims per world (``C1`` .. ``C7``) on its candidate-deal ripeness (a lower bound to
the windowed search used here); ``ceasefire explore`` reports its shares. Each
claim is the model's answer, whatever the article says: on the second-generation
engine C3, C4 and C7 do not hold at the default beliefs (``tests/test_claims.py``).

The claims restate the article (``/work/shared/seed/article.txt``, one paragraph
per line, ¶1 = the title) for the built-in ``russia-ukraine-2024`` scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .engine import WindowAnalysis

__all__ = ["CLAIMS", "CLAIM_IDS", "FREEZE_PLANS", "Claim", "evaluate_claims"]

FREEZE_PLANS = ("turkey", "trump", "china", "brazil")
"""The plans that freeze the front lines (the article's ¶4 and ¶6)."""

CLAIM_IDS = ("C1", "C2", "C3", "C4", "C5", "C6", "C7")


@dataclass(frozen=True)
class Claim:
    id: str
    text: str  # the claim as the model tests it
    paragraph: str  # where the article makes it
    quote: str  # a few words of the article
    check: Callable[[Any], bool | None]


def _window(res: Any) -> WindowAnalysis | None:
    """The window analysis inside ``res`` (an AnalysisResult or a WindowAnalysis)."""
    if hasattr(res, "ripeness"):
        return res
    return getattr(res, "window", None)


def _has(w: WindowAnalysis, actors: tuple[str, ...] = (), plans: tuple[str, ...] = ()) -> bool:
    sc = w.scenario
    return all(a in sc.actor_ids for a in actors) and all(p in sc.proposal_ids for p in plans)


def _accepts(w: WindowAnalysis, plan: str, actor: str, month: int = 0) -> bool:
    sc = w.scenario
    return bool(w.accepts_by_month[month, sc.proposal_ids.index(plan), sc.actor_index(actor)])


def c1(res: Any) -> bool | None:
    """Russia rejects every freeze-the-lines plan at month 0."""
    w = _window(res)
    if w is None or not _has(w, ("russia",), FREEZE_PLANS):
        return None
    return not any(_accepts(w, p, "russia") for p in FREEZE_PLANS)


def c2(res: Any) -> bool | None:
    """Ukraine and the US both reject Russia's maximal plan at month 0."""
    w = _window(res)
    if w is None or not _has(w, ("ukraine", "usa"), ("russia-maximal",)):
        return None
    return not _accepts(w, "russia-maximal", "ukraine") and not _accepts(w, "russia-maximal", "usa")


def c3(res: Any) -> bool | None:
    """The settlement window is shut at month 0 and stays shut for the first 12 months."""
    w = _window(res)
    if w is None:
        return None
    return bool(w.ripeness[0] < 0 and not w.window_open[:12].any())


def c4(res: Any) -> bool | None:
    """Russia stalls (blocks the window, takes part in talks, talks pay it); Ukraine does not."""
    w = _window(res)
    if w is None or not _has(w, ("russia", "ukraine")):
        return None
    return bool(
        w.stalling.get("russia", False)
        and not w.stalling.get("ukraine", False)
        and w.talk_value["russia"] > 0
    )


def c5(res: Any) -> bool | None:
    """Settling on any freeze plan raises the Russian leader's removal risk above fighting on."""
    w = _window(res)
    if w is None or not _has(w, (), FREEZE_PLANS) or w.valuation.regime is None:
        return None
    fight = float(w.valuation.p_fight[0])
    ids = w.scenario.proposal_ids
    return all(float(w.plan_removal[ids.index(p)]) > fight for p in FREEZE_PLANS)


def c6(res: Any) -> bool | None:
    """Steeper costs open the window: with full sanctions and strikes (held from month 0)
    the window opens within the report, no later than at the run's own levers.

    The same definition as the engine's vectorised ``C6``
    (:func:`ceasefire.engine.evaluate_worlds`). Runs the engine once more (same paths,
    seed and other levers as ``res``).
    """
    w = _window(res)
    if w is None:
        return None
    from .engine import first_open, ripeness_path
    from .engine._sim import with_levers

    c = w.compiled
    lv: dict[str, object] = {name: arr for name, arr in c.levers.items()}
    lv.update(sanctions=np.full(c.steps, 1.0), strikes=np.full(c.steps, 1.0))
    _, g, _ = ripeness_path(with_levers(c, lv), w.seed)
    high = first_open(g)
    if high is None or high >= c.months:
        return False
    base = w.first_window_month
    return base is None or high <= base


def c7(res: Any) -> bool | None:
    """Without the leader's survival stakes the window is wider at month 0 and opens, earlier."""
    w = _window(res)
    if w is None or "no_leader_survival" not in w.counterfactuals:
        return None
    cf = w.counterfactuals["no_leader_survival"]
    fo = w.first_window_month
    opens = cf["first_window_month"]
    return bool(cf["G0"] > w.ripeness[0] and opens is not None and (fo is None or opens < fo))


CLAIMS: dict[str, Claim] = {
    "C1": Claim(
        "C1",
        "Russia rejects the freeze-the-lines plans (Turkey, Trump, China, Brazil)",
        "¶3-4",
        "any option of freezing the conflict won't work for us",
        c1,
    ),
    "C2": Claim(
        "C2",
        "Ukraine and the US reject Russia's maximal plan",
        "¶5-6",
        "equally improbable that Trump will accede to Putin's far-fetched demands",
        c2,
    ),
    "C3": Claim(
        "C3",
        "the settlement window is shut now and for at least a year",
        "¶5",
        "Russia's short-term calculus on negotiations is unlikely to change",
        c3,
    ),
    "C4": Claim(
        "C4",
        "Russia's diplomacy is stalling: talks pay it while it refuses every deal",
        "¶7-8, ¶16",
        "diplomacy is a tool of psychological warfare and a stalling tactic",
        c4,
    ),
    "C5": Claim(
        "C5",
        "for the Kremlin, settling on a freeze is riskier than the war",
        "¶1, ¶13-14",
        "Putin sees the war's continuation as vital for regime stability",
        c5,
    ),
    "C6": Claim(
        "C6",
        "steeper costs (full sanctions and strikes) open the window",
        "¶15",
        "the most effective way to change Putin's calculus is to further steepen the costs",
        c6,
    ),
    "C7": Claim(
        "C7",
        "the leader's survival stakes explain the impasse",
        "¶1, ¶13-14",
        "Putin can't end the war in Ukraine without Russia collapsing",
        c7,
    ),
}


def evaluate_claims(res: Any, ids: tuple[str, ...] = CLAIM_IDS) -> dict[str, bool | None]:
    """Each claim's verdict on ``res``: True, False, or None where it does not apply."""
    return {cid: CLAIMS[cid].check(res) for cid in ids}
