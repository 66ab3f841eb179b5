"""The article's claims are results of the default scenario, not settings.

Each claim C1-C7 (issue 3) is asserted on the default scenario, and a second
test changes the premise the article gives for it and shows the claim fail.
"""

from __future__ import annotations

import numpy as np
import pytest

import ceasefire as cf
from ceasefire.engine import WindowAnalysis, analyze_window, compile_scenario, first_open
from ceasefire.engine import ripeness_path as _ripeness_path

# every claim runs the engine (a few seconds each)
pytestmark = pytest.mark.slow

FREEZE_PLANS = ["turkey", "trump", "china", "brazil"]


@pytest.fixture(scope="module")
def sc() -> cf.Scenario:
    return cf.load("russia-ukraine-2024")


@pytest.fixture(scope="module")
def base(sc: cf.Scenario) -> WindowAnalysis:
    return analyze_window(sc, seed=0)


def accepts(w: WindowAnalysis, plan: str, actor: str, month: int = 0) -> bool:
    sc = w.scenario
    return bool(w.accepts_by_month[month, sc.proposal_ids.index(plan), sc.actor_index(actor)])


def first_window(sc: cf.Scenario, levers: dict[str, float] | None = None) -> int | None:
    _, g, _ = _ripeness_path(compile_scenario(sc, levers=levers), 0)
    return first_open(g)


# C1 ---------------------------------------------------------------------------------------
def test_c1_russia_rejects_freeze_plans(base: WindowAnalysis) -> None:
    for plan in FREEZE_PLANS:
        assert not accepts(base, plan, "russia"), plan


def test_c1_premise_without_regime_survival_russia_accepts_a_freeze(sc: cf.Scenario) -> None:
    # Premise (¶1, ¶13-14): settling risks the leader's survival. Without punishment
    # after removal and without the hardliners' backlash, freezes pass Russia's test.
    w = analyze_window(cf.with_parameters(sc, punishment=0.0, backlash=0.0), seed=0)
    assert any(accepts(w, plan, "russia") for plan in FREEZE_PLANS)


# C2 ---------------------------------------------------------------------------------------
def test_c2_ukraine_and_usa_reject_russia_maximal(base: WindowAnalysis) -> None:
    assert not accepts(base, "russia-maximal", "ukraine")
    assert not accepts(base, "russia-maximal", "usa")


def test_c2_premise_ukraine_accepts_if_it_could_cede_land_and_war_were_unbearable(
    sc: cf.Scenario,
) -> None:
    edited = cf.with_parameters(sc, war_cost={"ukraine": 0.6}, ratification_penalty=0.0)
    assert accepts(analyze_window(edited, seed=0), "russia-maximal", "ukraine")


def test_c2_premise_usa_accepts_without_the_open_door_and_with_costly_aid(
    sc: cf.Scenario,
) -> None:
    # Premise (¶6): abandoning NATO's open door would hurt the alliance's credibility.
    edited = cf.with_parameters(sc, red_line={"usa": {"nato": None}}, aid_cost={"usa": 0.6})
    assert accepts(analyze_window(edited, seed=0), "russia-maximal", "usa")


# C3 ---------------------------------------------------------------------------------------
def test_c3_window_shut_at_month_0_and_for_a_year(base: WindowAnalysis) -> None:
    assert base.ripeness[0] < 0
    assert not base.window_open[:12].any()
    assert base.first_window_month is None or base.first_window_month >= 12


def test_c3_premise_without_leader_survival_the_window_is_open_now(sc: cf.Scenario) -> None:
    w = analyze_window(cf.with_parameters(sc, punishment=0.0, backlash=0.0), seed=0)
    assert w.window_open[0]


# C4 ---------------------------------------------------------------------------------------
def test_c4_russia_is_stalling(base: WindowAnalysis) -> None:
    assert base.stalling["russia"]
    assert not base.stalling["ukraine"]
    assert base.talk_value["russia"] > 0


def test_c4_premise_if_talks_did_not_pay_russia_would_not_stall(sc: cf.Scenario) -> None:
    # Premise (¶7-8, ¶16): talks pay because they buy time and relief from pressure.
    w = analyze_window(cf.with_parameters(sc, talks_relief=0.0), seed=0)
    assert not w.stalling["russia"]


# C5 ---------------------------------------------------------------------------------------
def test_c5_settling_on_a_freeze_is_riskier_for_the_leader(base: WindowAnalysis) -> None:
    fight = base.valuation.p_fight[0]
    for plan in FREEZE_PLANS:
        p = base.scenario.proposal_ids.index(plan)
        assert base.plan_removal[p] > fight, plan


def test_c5_premise_without_backlash_or_war_economy_settling_is_safer(sc: cf.Scenario) -> None:
    # Premises (¶13-14): the war boom keeps unrest down, hardliners call a deal betrayal.
    w = analyze_window(cf.with_parameters(sc, backlash=0.0, war_dependence=0.0), seed=0)
    fight = w.valuation.p_fight[0]
    for plan in FREEZE_PLANS:
        assert w.plan_removal[w.scenario.proposal_ids.index(plan)] <= fight, plan


# C6 ---------------------------------------------------------------------------------------
def test_c6_steeper_costs_open_the_window(sc: cf.Scenario) -> None:
    high = first_window(sc, {"sanctions": 1.0, "strikes": 1.0})
    mid = first_window(sc, {"sanctions": 0.7, "strikes": 0.7})
    assert high is not None and high < 36
    assert mid is None or high <= mid


def test_c6_premise_if_sanctions_and_strikes_did_not_bite_the_window_stays_shut(
    sc: cf.Scenario,
) -> None:
    # Premise (¶15): sanctions and strikes drain revenue and war production.
    toothless = cf.with_parameters(
        sc, revenue_sanctions=0.0, revenue_strikes=0.0, strike_effect=0.0, sanctions_supply=0.0
    )
    assert first_window(toothless, {"sanctions": 1.0, "strikes": 1.0}) is None


# C7 ---------------------------------------------------------------------------------------
def test_c7_leader_survival_explains_the_impasse(base: WindowAnalysis) -> None:
    cf_ = base.counterfactuals["no_leader_survival"]
    assert cf_["G0"] > base.ripeness[0]
    fo = base.first_window_month
    assert cf_["first_window_month"] is not None
    assert fo is None or cf_["first_window_month"] < fo


def test_c7_premise_without_survival_stakes_the_counterfactual_changes_nothing(
    sc: cf.Scenario,
) -> None:
    w = analyze_window(cf.with_parameters(sc, punishment=0.0, backlash=0.0), seed=0)
    assert w.counterfactuals["no_leader_survival"]["delta_G0"] == pytest.approx(0.0, abs=1e-9)


def test_claims_hold_for_other_seeds(sc: cf.Scenario) -> None:
    """The claims are not an accident of seed 0 (fewer paths, three seeds)."""
    for seed in (1, 2, 3):
        w = analyze_window(sc, seed=seed, paths=500)
        assert w.ripeness[0] < 0 and not w.window_open[:12].any()
        assert w.stalling["russia"]
        assert np.all(~w.accepts_by_month[0, :4, sc.actor_index("russia")])
