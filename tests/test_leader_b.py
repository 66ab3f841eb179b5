"""The other belligerent's leader as a second regime actor (docs/model.md §4.3.2).

Ukraine's leader as a democracy: removal at a settlement by how the deal ends the war for
Ukraine (Goemans 2000; Croco 2011), an optional wartime removal risk (elections), and what
both do to Ukraine's values. Every assertion compares numbers the engine computes.
"""

from __future__ import annotations

import numpy as np
import pytest

import ceasefire as cf
from ceasefire.engine import analyze_window
from ceasefire.engine._sim import compile_scenario, simulate

pytestmark = pytest.mark.slow  # each test runs the engine

UKRAINE_LEADER = {
    "actor": "ukraine",
    "regime_type": "democracy",
    "regime_type_basis": "judgement: an electoral democracy (test)",
}
PATHS = 120


@pytest.fixture(scope="module")
def sc() -> cf.Scenario:
    return cf.load("russia-ukraine-2024")


def _margins(sc: cf.Scenario, w: object) -> np.ndarray:
    """Ukraine's margin (value of settling minus fighting on) on every plan at month 0."""
    v = w.valuation  # type: ignore[attr-defined]
    ua = sc.actor_index("ukraine")
    s, _ = v.settle(sc.proposal_matrix[None], np.array([0]))
    return np.asarray(s[0, :, ua] - v.fight[0, ua])


@pytest.fixture(scope="module")
def runs(sc: cf.Scenario) -> dict[str, object]:
    return {
        "base": analyze_window(sc, seed=0, paths=PATHS),
        "leader": analyze_window(
            cf.with_parameters(sc, leader_b=UKRAINE_LEADER), seed=0, paths=PATHS
        ),
        "elections": analyze_window(
            cf.with_parameters(sc, leader_b={**UKRAINE_LEADER, "war_removal": 0.02}),
            seed=0,
            paths=PATHS,
        ),
    }


def test_a_losing_deal_costs_the_leader_a_winning_one_nothing(
    sc: cf.Scenario, runs: dict[str, object]
) -> None:
    base, lead = _margins(sc, runs["base"]), _margins(sc, runs["leader"])
    lb = runs["leader"].valuation.leader_b  # type: ignore[attr-defined]
    loss = lb.outcome.loss(sc.proposal_matrix)
    # Russia's maximal plan is a disastrous loss for Ukraine, Turkey's freeze none
    assert loss[sc.proposal_ids.index("russia-maximal")] > 0.75
    assert loss[sc.proposal_ids.index("turkey")] == 0.0
    # the drop is exactly the expected removal cost: (1 - delta) K share(l) p(l)
    cost = lb.settle_cost(sc.proposal_matrix, per_row=False)
    np.testing.assert_allclose(base - lead, cost, rtol=0, atol=1e-12)
    assert np.all(cost[loss == 0] == 0) and np.all(cost[loss > 0] > 0)
    rem = lb.removal(sc.proposal_matrix)
    assert rem[sc.proposal_ids.index("russia-maximal")] > rem[sc.proposal_ids.index("china")] > 0


def test_wartime_elections_make_fighting_on_costlier(
    sc: cf.Scenario, runs: dict[str, object]
) -> None:
    ua = sc.actor_index("ukraine")
    lead, elec = runs["leader"], runs["elections"]
    lb = elec.valuation.leader_b  # type: ignore[attr-defined]
    assert lb.q == 0.02 and float(lb.war_cost[0]) > 0
    d_fight = lead.valuation.fight[:, ua] - elec.valuation.fight[:, ua]  # type: ignore[attr-defined]
    np.testing.assert_allclose(d_fight, float(lb.war_cost[0]), rtol=1e-9)
    # so every plan's margin rises, and Russia's values do not move
    assert np.all(_margins(sc, elec) > _margins(sc, lead))
    ru = sc.actor_index("russia")
    np.testing.assert_array_equal(
        lead.valuation.fight[:, ru],  # type: ignore[attr-defined]
        elec.valuation.fight[:, ru],  # type: ignore[attr-defined]
    )


def test_without_leader_survival_or_punishment_the_leader_changes_nothing(
    sc: cf.Scenario, runs: dict[str, object]
) -> None:
    free = cf.with_parameters(sc, leader_b={**UKRAINE_LEADER, "punishment": 0.0})
    w = analyze_window(free, seed=0, paths=PATHS)
    np.testing.assert_allclose(_margins(sc, w), _margins(sc, runs["base"]), rtol=0, atol=1e-12)
    # and a positive K does change them (the check above can fail)
    assert np.abs(_margins(sc, runs["leader"]) - _margins(sc, runs["base"])).max() > 0.01


def test_the_leader_reaches_the_settlement_hazard_and_the_json(
    sc: cf.Scenario, runs: dict[str, object]
) -> None:
    base, lead = runs["base"], runs["leader"]
    # Ukraine's costlier losing deals narrow the perceived zone
    assert lead.ripeness[0] < base.ripeness[0]  # type: ignore[attr-defined]
    out = lead.to_dict()  # type: ignore[attr-defined]
    risk = out["leader_b_risk"]
    assert risk["actor"] == "ukraine" and risk["regime_type"] == "democracy"
    assert risk["settle"]["turkey"] == 0.0 < risk["settle"]["russia-maximal"]
    assert risk["fight"] == 0.0
    assert "leader_b_risk" not in base.to_dict()  # type: ignore[attr-defined]


def test_gap_kernel_matches_numpy_with_the_second_leader(
    sc: cf.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ceasefire.engine._hazard as hz_mod
    import ceasefire.engine._kernel as kern
    from ceasefire.engine._hazard import deal_candidates
    from ceasefire.engine._value import path_values

    if not kern.gaps_available():
        pytest.skip("numba is not installed (the kernel is optional)")
    lead = cf.with_parameters(sc, leader_b={**UKRAINE_LEADER, "war_removal": 0.01})
    c = compile_scenario(lead, paths=15, worlds={"punishment": [40.0, 150.0]})
    sim = simulate(c, np.random.default_rng(2))
    assert sim.noise is not None
    pv = path_values(c, sim, sim.noise)
    assert pv.leader_b is not None
    cand = deal_candidates(sc.proposal_matrix, sc.ideal, sc.status_quo, None, n_sobol=32)
    fast = hz_mod.settlement_hazard(pv, cand, len(sc.proposals))
    monkeypatch.setattr(hz_mod, "USE_NUMBA", False)
    slow = hz_mod.settlement_hazard(pv, cand, len(sc.proposals))
    for name in ("gap_rows", "open_rows", "p_by_month", "plan_share"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name))


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        ({"actor": "ukrane"}, "leader_b.actor", "unknown actor"),
        ({"actor": "russia"}, "leader_b.actor", "already the regime actor"),
        ({"actor": "usa"}, "leader_b.actor", "must be a belligerent"),
        ({"regime_type": "junta"}, "leader_b.regime_type", "unknown regime type"),
        ({"war_removal": 1.5}, "leader_b.war_removal", "less than or equal to 1"),
        ({"punishment": -1.0}, "leader_b.punishment", "greater than or equal to 0"),
    ],
)
def test_bad_second_leader_is_one_clear_error(
    sc: cf.Scenario, change: dict[str, object], where: str, what: str
) -> None:
    with pytest.raises(cf.ScenarioError) as err:
        cf.with_parameters(sc, leader_b={**UKRAINE_LEADER, **change})
    assert where in str(err.value) and what in str(err.value)
