"""Beliefs about how long the other side's outside support lasts (support_months).

The Kremlin of the default scenario expects Western aid to fade within a year (¶16:
"outlast the West's support"). It values fighting on as if aid stopped then and learns
from each month aid goes on after it. Every assertion compares engine numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

import ceasefire as cf
from ceasefire.engine import analyze_window

pytestmark = pytest.mark.slow  # each test runs the engine

PATHS = 150


@pytest.fixture(scope="module")
def sc() -> cf.Scenario:
    return cf.load("russia-ukraine-2024")


def _without(sc: cf.Scenario, **extra: object) -> cf.Scenario:
    return cf.with_parameters(sc, support_months={"russia": None}, **extra)


def test_the_kremlins_bet_raises_its_value_of_fighting_and_no_one_elses(sc: cf.Scenario) -> None:
    assert sc.engine_spec.beliefs["russia"].support_months is not None
    w = analyze_window(sc, seed=0, paths=PATHS)
    wo = analyze_window(_without(sc), seed=0, paths=PATHS)
    ru, ua, us = (sc.actor_index(a) for a in ("russia", "ukraine", "usa"))
    assert w.valuation.fight[0, ru] > wo.valuation.fight[0, ru] + 0.02
    for a in (ua, us):
        np.testing.assert_array_equal(w.valuation.fight[:, a], wo.valuation.fight[:, a])
    # the zone narrows: Russia needs more to settle
    assert w.ripeness[0] < wo.ripeness[0]


def test_learning_after_the_expected_end(sc: cf.Scenario) -> None:
    # with belief_strength 0 the belief is dropped the first month aid outlives it (month
    # 12), and holds in full before; with the default 12 it fades gradually
    ru = sc.actor_index("russia")
    fast = analyze_window(cf.with_parameters(sc, belief_strength=0.0), seed=0, paths=PATHS)
    fast_wo = analyze_window(_without(sc, belief_strength=0.0), seed=0, paths=PATHS)
    d = fast.valuation.fight[:, ru] - fast_wo.valuation.fight[:, ru]
    assert np.all(d[:12] > 0.01)
    np.testing.assert_allclose(d[13:], 0.0, atol=1e-12)
    slow = analyze_window(sc, seed=0, paths=PATHS)
    slow_wo = analyze_window(_without(sc), seed=0, paths=PATHS)
    d12 = slow.valuation.fight[:, ru] - slow_wo.valuation.fight[:, ru]
    assert d12[20] > 0.001 and d12[20] < d12[10]


def test_which_support_the_belief_is_about_matters(sc: cf.Scenario) -> None:
    # the same belief about sanctions (the other channel of "the West's support") moves
    # Russia's value far more than about aid: the fiscal squeeze is what it escapes
    ru = sc.actor_index("russia")
    data = sc.model_dump(mode="python", exclude_none=True)
    data["engine"]["beliefs"]["russia"]["support_levers"] = ["aid", "sanctions"]
    both = cf.Scenario.model_validate(data)
    w_aid = analyze_window(sc, seed=0, paths=PATHS)
    w_both = analyze_window(both, seed=0, paths=PATHS)
    assert w_both.valuation.fight[0, ru] > w_aid.valuation.fight[0, ru] + 0.1


def test_unknown_support_lever_is_one_clear_error(sc: cf.Scenario) -> None:
    from ceasefire.scenario._scenario import builtin_text

    text = builtin_text("russia-ukraine-2024").replace(
        "      support_months: {value: 12,",
        "      support_levers: [aid, grain]\n      support_months: {value: 12,",
        1,
    )
    with pytest.raises(cf.ScenarioError) as info:
        cf.loads(text)
    assert ":420:" in str(info.value)
    assert "engine.beliefs.russia.support_levers[1]" in str(info.value)
    assert "unknown lever 'grain'" in str(info.value)


def test_a_belief_that_outlasts_the_simulation_changes_nothing_under_a_lever_file(
    sc: cf.Scenario,
) -> None:
    # A support belief beyond every simulated month believes exactly what happens, so the
    # holder's values must equal those without it, also when the realised lever path
    # differs from the baseline only at the start (months where the values are not
    # re-simulated must use the realised path from then on, not month 0's expectation).
    ru = sc.actor_index("russia")
    lev = {"aid": [0.2] + [1.0] * 47}
    far = cf.with_parameters(sc, support_months={"russia": 100_000})
    w = analyze_window(far, seed=0, paths=80, levers=lev)
    wo = analyze_window(_without(sc), seed=0, paths=80, levers=lev)
    np.testing.assert_allclose(
        w.valuation.fight[:, ru], wo.valuation.fight[:, ru], rtol=0, atol=1e-9
    )
