"""Layer A kernels: compromise, weighted median, Nash bargaining, spatial utility.

Known answers (BDM 1994's emission standards, analytic Nash solutions) and
properties checked with hypothesis (actor order, bounds, clout).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ceasefire as cf
from ceasefire.bargaining._forecast import forecast_table
from ceasefire.bargaining._table import ActorTable, read_issue_csv
from conftest import EMISSION

# ---------------------------------------------------------------------------------------
# BDM 1994, emission standards
# ---------------------------------------------------------------------------------------


def test_compromise_and_median_on_emission_standards() -> None:
    t = read_issue_csv(EMISSION)
    assert len(t.actors) == 10
    c = cf.compromise(t.positions[:, 0], t.salience[:, 0], t.capability)
    m = cf.weighted_median(t.positions[:, 0], t.salience[:, 0], t.capability)
    assert c == pytest.approx(7.39, abs=0.01)
    assert m == 7.0
    assert cf.forecast_file(EMISSION, "compromise")["forecast"]["issue"] == pytest.approx(
        7.39, abs=0.01
    )
    assert cf.forecast_file(EMISSION, "median")["forecast"]["issue"] == 7.0


def test_compromise_by_hand() -> None:
    # sum c s x / sum c s
    x, s, c = np.array([0.0, 10.0]), np.array([1.0, 3.0]), np.array([2.0, 1.0])
    assert cf.compromise(x, s, c) == pytest.approx(30.0 / 5.0)
    # (n, K): per issue
    xx = np.array([[0.0, 1.0], [1.0, 0.0]])
    ss = np.array([[1.0, 1.0], [3.0, 1.0]])
    np.testing.assert_allclose(cf.compromise(xx, ss), [0.75, 0.5])
    # every weight zero on an issue: the plain mean
    assert cf.compromise([2.0, 4.0], [0.0, 0.0]) == 3.0


# ---------------------------------------------------------------------------------------
# Weighted median and its tie rule
# ---------------------------------------------------------------------------------------


def test_weighted_median_plain() -> None:
    assert cf.weighted_median([1.0, 2.0, 3.0], [1.0, 1.0, 3.0]) == 3.0
    assert cf.weighted_median([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]) == 2.0
    assert cf.weighted_median([3.0, 1.0, 2.0], [1.0, 3.0, 1.0]) == 1.0


def test_weighted_median_tie_rule() -> None:
    # an even split: the midpoint between the two halves, whatever the order
    assert cf.weighted_median([0.0, 1.0], [1.0, 1.0]) == 0.5
    assert cf.weighted_median([1.0, 0.0], [1.0, 1.0]) == 0.5
    assert cf.weighted_median([2.0, 4.0, 6.0, 8.0], [1.0, 1.0, 1.0, 1.0]) == 5.0
    assert cf.weighted_median([8.0, 2.0, 6.0, 4.0], [1.0, 1.0, 1.0, 1.0]) == 5.0
    # capability x salience decides the split
    assert cf.weighted_median([0.0, 10.0], [1.0, 2.0], [2.0, 1.0]) == 5.0
    # an actor without weight does not count, even between the halves
    assert cf.weighted_median([0.0, 5.0, 10.0], [1.0, 0.0, 1.0]) == 5.0
    assert cf.weighted_median([0.0, 5.0, 10.0], [1.0, 1.0, 1.0], [1.0, 0.0, 1.0]) == 5.0
    # several actors at the same position
    assert cf.weighted_median([4.0, 4.0, 6.0, 6.0], [1.0, 1.0, 1.0, 1.0]) == 5.0
    # per issue, with (n, K) input
    x = np.array([[0.0, 1.0], [5.0, 2.0], [10.0, 3.0]])
    w = np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(cf.weighted_median(x, w), [5.0, 3.0])


# ---------------------------------------------------------------------------------------
# Nash bargaining: analytic cases
# ---------------------------------------------------------------------------------------

TWO = np.array([[0.0], [1.0]])  # actor 1 at 0, actor 2 at 1, one issue
ONES = np.ones((2, 1))


@pytest.mark.parametrize(("w1", "w2"), [(1.0, 1.0), (1.0, 3.0), (2.0, 1.0), (0.2, 0.7)])
def test_nbs_two_actors_linear(w1: float, w2: float) -> None:
    # u1 = 1 - z, u2 = z, d = 0: max w1 log(1 - z) + w2 log z  =>  z = w2 / (w1 + w2)
    sol = cf.nash_bargaining(TWO, ONES, [w1, w2], [0.0, 0.0])
    assert sol.feasible
    assert sol.point[0] == pytest.approx(w2 / (w1 + w2), abs=1e-6)
    np.testing.assert_allclose(sol.gains, [1 - sol.point[0], sol.point[0]], atol=1e-12)


@pytest.mark.parametrize(
    ("w1", "w2", "d1", "d2"),
    [(1.0, 1.0, 0.2, 0.0), (1.0, 3.0, 0.1, 0.3), (2.0, 1.0, 0.0, 0.4), (1.0, 1.0, -0.5, 0.1)],
)
def test_nbs_two_actors_disagreement(w1: float, w2: float, d1: float, d2: float) -> None:
    # max w1 log(1 - z - d1) + w2 log(z - d2): the first-order condition
    # w2 (1 - z - d1) = w1 (z - d2) gives z = (w2 (1 - d1) + w1 d2) / (w1 + w2),
    # the d = 0 answer shifted away from whoever has the better outside option
    z = (w2 * (1 - d1) + w1 * d2) / (w1 + w2)
    assert d2 < z < 1 - d1 and 0 <= z <= 1
    sol = cf.nash_bargaining(TWO, ONES, [w1, w2], [d1, d2])
    assert sol.feasible
    assert sol.point[0] == pytest.approx(z, abs=1e-6)
    # gains are in the ratio of the weights
    assert sol.gains[0] / sol.gains[1] == pytest.approx(w1 / w2, rel=1e-5)


def test_nbs_infeasible_is_flagged() -> None:
    # u1 + u2 = 1 on [0, 1]: nothing gives both 0.6; the least-bad point splits the shortfall
    sol = cf.nash_bargaining(TWO, ONES, [1.0, 1.0], [0.6, 0.6])
    assert not sol.feasible
    assert sol.point[0] == pytest.approx(0.5, abs=1e-6)
    np.testing.assert_allclose(sol.gains, [-0.1, -0.1], atol=1e-6)


# Two issues, actor 1 at (0, 0) caring 0.8/0.2, actor 2 at (1, 1) caring 0.2/0.8, d = 0:
#   u1 = 1 - 0.8 z1 - 0.2 z2,  u2 = 0.2 z1 + 0.8 z2.
# Lowering z1 and raising z2 by the same step gains both 0.6 a step, so the Pareto
# frontier is {z1 = 0, z2 in [0, 1]} U {z2 = 1, z1 in [0, 1]} (the logroll). On the
# first leg, max w1 log(1 - 0.2 z2) + w2 log(0.8 z2) gives z2 = w2 / (0.2 (w1 + w2));
# when that exceeds 1 the solution is the kink (0, 1), since on the second leg the
# derivative at z1 = 0, -0.8 w1 / 0.8 + 0.2 w2 / 0.8, is negative whenever w2 < 4 w1.
X2 = np.array([[0.0, 0.0], [1.0, 1.0]])
S2 = np.array([[0.8, 0.2], [0.2, 0.8]])


@pytest.mark.parametrize(
    ("w", "z"),
    [
        ((1.0, 1.0), (0.0, 1.0)),
        ((3.0, 1.0), (0.0, 1.0)),
        ((9.0, 1.0), (0.0, 0.5)),
        ((0.85, 0.15), (0.0, 0.75)),
    ],
)
def test_nbs_two_issues_logroll(w: tuple[float, float], z: tuple[float, float]) -> None:
    sol = cf.nash_bargaining(X2, S2, w, [0.0, 0.0])
    assert sol.feasible
    np.testing.assert_allclose(sol.point, z, atol=1e-5)
    u1 = 1 - 0.8 * z[0] - 0.2 * z[1]
    u2 = 0.2 * z[0] + 0.8 * z[1]
    np.testing.assert_allclose(sol.gains, [u1, u2], atol=1e-5)


def test_nbs_respects_box() -> None:
    sol = cf.nash_bargaining(TWO, ONES, [1.0, 1.0], [0.0, 0.0], lower=[0.0], upper=[0.3])
    assert sol.point[0] == pytest.approx(0.3, abs=1e-9)


# ---------------------------------------------------------------------------------------
# Spatial utility
# ---------------------------------------------------------------------------------------


def test_spatial_utility_linear_and_shapes() -> None:
    x = np.array([[0.2, 0.5], [0.9, 0.1]])
    s = np.array([[0.5, 0.5], [0.25, 0.75]])
    u = cf.spatial_utility([0.2, 0.5], x, s)
    np.testing.assert_allclose(u, [1.0, 1 - 0.25 * 0.7 - 0.75 * 0.4])
    z = np.zeros((3, 4, 2))
    assert cf.spatial_utility(z, x, s).shape == (3, 4, 2)
    # risk exponent: |z - x| ** q
    uq = cf.spatial_utility([0.0, 0.0], x, s, risk=[2.0, 0.5])
    np.testing.assert_allclose(
        uq, [1 - 0.5 * 0.2**2 - 0.5 * 0.5**2, 1 - 0.25 * 0.9**0.5 - 0.75 * 0.1**0.5]
    )


def test_spatial_utility_red_line_penalty() -> None:
    # actor 0: ideal 0.2, red line 0.6 above it; actor 1: ideal 0.8, red line 0.3 below it;
    # actor 2: no red line
    x = np.array([[0.2], [0.8], [0.5]])
    s = np.ones((3, 1))
    r = np.array([[0.6], [0.3], [np.nan]])
    J = 2.0

    def u(z: float) -> np.ndarray:
        return cf.spatial_utility([z], x, s, red_line=r, penalty=J)

    base = lambda z: 1 - np.abs(z - x[:, 0])  # noqa: E731
    np.testing.assert_allclose(u(0.6), base(0.6))  # on the line: not crossed
    np.testing.assert_allclose(u(0.3), base(0.3))
    np.testing.assert_allclose(u(0.7), base(0.7) - [J, 0, 0])  # beyond 0's line
    np.testing.assert_allclose(u(0.1), base(0.1) - [0, J, 0])  # beyond 1's line
    np.testing.assert_allclose(u(0.0), base(0.0) - [0, J, 0])  # 0's own side is fine
    # no penalty: red lines ignored
    np.testing.assert_allclose(cf.spatial_utility([0.7], x, s, red_line=r, penalty=0.0), base(0.7))
    # the penalty counts every issue crossed
    x2 = np.array([[0.0, 0.0]])
    s2 = np.array([[0.5, 0.5]])
    r2 = np.array([[0.5, 0.5]])
    assert cf.spatial_utility([0.9, 0.9], x2, s2, red_line=r2, penalty=1.0)[0] == pytest.approx(
        1 - 0.9 - 2.0
    )
    assert cf.spatial_utility([0.9, 0.4], x2, s2, red_line=r2, penalty=1.0)[0] == pytest.approx(
        1 - 0.65 - 1.0
    )


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

PROPS = settings(max_examples=40, deadline=None)
# the Nash solver polishes with Nelder-Mead (~0.1 s per one-issue call, ~1 s on two issues)
NBS_PROPS = settings(max_examples=12, deadline=None)
NBS2_PROPS = settings(max_examples=6, deadline=None)


@st.composite
def one_issue(draw: st.DrawFn, min_actors: int = 2, max_actors: int = 6) -> ActorTable:
    n = draw(st.integers(min_actors, max_actors))
    # positions on a coarse grid (ties happen), capability and salience bounded away from 0
    pos = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    cap = draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    sal = draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    p = np.array(pos, dtype=float)[:, None] / 2.0
    return ActorTable(
        actors=[f"a{i}" for i in range(n)],
        issues=["issue"],
        capability=np.array(cap, dtype=float) / 10.0,
        positions=p,
        salience=np.array(sal, dtype=float)[:, None] * 10.0,
        lower=np.array([p.min()]),
        upper=np.array([p.max()]),
    )


def _permuted(t: ActorTable, order: list[int]) -> ActorTable:
    return ActorTable(
        actors=[t.actors[i] for i in order],
        issues=t.issues,
        capability=t.capability[order],
        positions=t.positions[order],
        salience=t.salience[order],
        lower=t.lower,
        upper=t.upper,
    )


def _with_capability(t: ActorTable, cap: np.ndarray) -> ActorTable:
    return ActorTable(
        actors=t.actors,
        issues=t.issues,
        capability=cap,
        positions=t.positions,
        salience=t.salience,
        lower=t.lower,
        upper=t.upper,
    )


def _tol(t: ActorTable, model: str) -> float:
    span = float(t.upper[0] - t.lower[0])
    return 1e-9 if model in ("compromise", "median") else 1e-4 * max(span, 1.0)


def _check_order(model: str, t: ActorTable, order: list[int]) -> None:
    f, _ = forecast_table(t, model)
    g, _ = forecast_table(_permuted(t, order), model)
    assert g[0] == pytest.approx(f[0], abs=_tol(t, model))


def _check_within(model: str, t: ActorTable) -> None:
    f, rounds = forecast_table(t, model)
    lo, hi = t.positions.min(), t.positions.max()
    tol = _tol(t, model)
    assert lo - tol <= f[0] <= hi + tol
    for r in rounds:
        assert lo - tol <= r[0] <= hi + tol


def _check_clout(model: str, t: ActorTable, i: int, factor: float) -> None:
    cap = t.capability.copy()
    cap[i] *= factor
    f, _ = forecast_table(t, model)
    g, _ = forecast_table(_with_capability(t, cap), model)
    xi = t.positions[i, 0]
    assert abs(g[0] - xi) <= abs(f[0] - xi) + _tol(t, model)


@pytest.mark.parametrize("model", ["compromise", "median", "bdm"])
@PROPS
@given(t=one_issue(), data=st.data())
def test_actor_order_does_not_matter(model: str, t: ActorTable, data: st.DataObject) -> None:
    _check_order(model, t, list(data.draw(st.permutations(range(len(t.actors))))))


@pytest.mark.slow
@NBS_PROPS
@given(t=one_issue(), data=st.data())
def test_actor_order_does_not_matter_nbs(t: ActorTable, data: st.DataObject) -> None:
    _check_order("nbs", t, list(data.draw(st.permutations(range(len(t.actors))))))


@pytest.mark.parametrize("model", ["compromise", "median", "bdm"])
@PROPS
@given(t=one_issue())
def test_forecast_within_positions(model: str, t: ActorTable) -> None:
    _check_within(model, t)


@pytest.mark.slow
@NBS_PROPS
@given(t=one_issue())
def test_forecast_within_positions_nbs(t: ActorTable) -> None:
    _check_within("nbs", t)


@PROPS
@given(t=one_issue(), data=st.data())
def test_more_clout_moves_compromise_toward_actor(t: ActorTable, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(t.actors) - 1))
    _check_clout("compromise", t, i, data.draw(st.sampled_from([1.5, 2.0, 5.0])))


@pytest.mark.slow
@NBS_PROPS
@given(t=one_issue(), data=st.data())
def test_more_clout_moves_nash_point_toward_actor(t: ActorTable, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(t.actors) - 1))
    _check_clout("nbs", t, i, data.draw(st.sampled_from([1.5, 2.0, 5.0])))


def test_all_actors_at_one_position() -> None:
    t = ActorTable(
        actors=["a", "b"],
        issues=["issue"],
        capability=np.array([1.0, 2.0]),
        positions=np.array([[3.0], [3.0]]),
        salience=np.array([[50.0], [20.0]]),
        lower=np.array([3.0]),
        upper=np.array([3.0]),
    )
    for model in ("compromise", "median", "nbs", "bdm", "smp"):
        f, _ = forecast_table(t, model)
        assert f[0] == pytest.approx(3.0), model


@pytest.mark.slow
@NBS2_PROPS
@given(t=one_issue(min_actors=2, max_actors=4), data=st.data())
def test_more_clout_moves_multi_issue_compromise_and_nash(
    t: ActorTable, data: st.DataObject
) -> None:
    # two issues on [0, 1]: the compromise moves toward the actor on every issue; the
    # (asymmetric) Nash point does not move away from it: its utility weakly rises
    n = len(t.actors)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x = rng.integers(0, 11, size=(n, 2)) / 10.0
    s = rng.integers(1, 5, size=(n, 2)).astype(float)
    s /= s.sum(axis=1, keepdims=True)
    w = t.capability
    i = data.draw(st.integers(0, n - 1))
    w2 = w.copy()
    w2[i] *= 3.0
    c1 = cf.compromise(x, s, w)
    c2 = cf.compromise(x, s, w2)
    assert np.all(np.abs(c2 - x[i]) <= np.abs(c1 - x[i]) + 1e-12)
    d = cf.spatial_utility(np.array([[0, 0], [0, 1], [1, 0], [1, 1.0]]), x, s).min(axis=0) - 1e-9
    # the objective is concave, so a few polished starts find the optimum
    n1 = cf.nash_bargaining(x, s, w, d, n_starts=3)
    n2 = cf.nash_bargaining(x, s, w2, d, n_starts=3)
    assert n2.gains[i] >= n1.gains[i] - 1e-5


@PROPS
@given(t=one_issue(), data=st.data())
def test_weighted_median_order_free_and_a_median(t: ActorTable, data: st.DataObject) -> None:
    x, s, c = t.positions[:, 0], t.salience[:, 0], t.capability
    m = cf.weighted_median(x, s, c)
    order = list(data.draw(st.permutations(range(len(x)))))
    assert cf.weighted_median(x[order], s[order], c[order]) == pytest.approx(m, abs=1e-12)
    # a weighted median: at most half the weight lies strictly on either side
    w = s * c
    assert w[x < m - 1e-12].sum() <= w.sum() / 2 + 1e-9
    assert w[x > m + 1e-12].sum() <= w.sum() / 2 + 1e-9


@pytest.mark.parametrize("model", ["compromise", "median", "nbs", "bdm", "smp"])
def test_actors_without_salience(model: str) -> None:
    # actors with zero salience: no warning (warnings are errors here), a forecast in range
    t = ActorTable(
        actors=["a", "b", "c"],
        issues=["issue"],
        capability=np.array([1.0, 2.0, 1.0]),
        positions=np.array([[3.0], [5.0], [9.0]]),
        salience=np.array([[0.0], [0.0], [10.0]]),
        lower=np.array([3.0]),
        upper=np.array([9.0]),
    )
    f, _ = forecast_table(t, model)
    assert 3.0 <= f[0] <= 9.0
    if model in ("compromise", "median", "nbs"):
        assert f[0] == pytest.approx(9.0, abs=1e-6)  # only c cares
