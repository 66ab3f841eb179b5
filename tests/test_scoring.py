"""Known answers for the war-ending scores and the Weibull base rate (validation/_scoring.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ceasefire import InputError
from ceasefire.validation._scoring import (
    LOG_FLOOR,
    Spell,
    Weibull,
    auc,
    brier,
    fit_weibull,
    interval,
    log_score,
    resample,
    settlement_pmf,
    terms_mae,
)


def test_pmf_from_cumulative() -> None:
    pmf = settlement_pmf([0.1, 0.1, 0.4, 0.5, 0.9], 4)  # the fifth month lies outside the window
    assert pmf == pytest.approx([0.1, 0.0, 0.3, 0.1, 0.5])
    assert pmf.sum() == pytest.approx(1.0)


def test_pmf_never_and_sure() -> None:
    assert settlement_pmf(np.zeros(3), 3) == pytest.approx([0, 0, 0, 1])
    assert settlement_pmf(np.ones(3), 3) == pytest.approx([1, 0, 0, 0])


@pytest.mark.parametrize(
    ("cum", "window", "msg"),
    [
        ([0.2, 0.1], 2, "non-decreasing"),
        ([0.2, 1.2], 2, r"\[0, 1\]"),
        ([0.2, float("nan")], 2, r"\[0, 1\]"),
        ([0.2], 2, "window needs 2"),
        ([[0.2]], 1, "one-dimensional"),
        ([0.2], 0, "window must be"),
    ],
)
def test_pmf_rejects(cum: list[float], window: int, msg: str) -> None:
    with pytest.raises(InputError, match=msg):
        settlement_pmf(cum, window)


def test_log_score_known_and_floor() -> None:
    pmf = [0.5, 0.25, 0.0, 0.25]
    assert log_score(pmf, 0) == pytest.approx(math.log(0.5))
    assert log_score(pmf, 3) == pytest.approx(math.log(0.25))
    assert log_score(pmf, 2) == pytest.approx(math.log(LOG_FLOOR))
    assert LOG_FLOOR == 1e-4
    with pytest.raises(InputError, match="outside"):
        log_score(pmf, 4)


def test_brier_known() -> None:
    assert brier(0.7, True) == pytest.approx(0.09)
    assert brier(0.7, False) == pytest.approx(0.49)
    assert brier(0.5, True) == 0.25
    with pytest.raises(InputError):
        brier(1.5, True)


def test_auc_known() -> None:
    assert auc([0.9, 0.8, 0.1], [True, True, False]) == 1.0
    assert auc([0.1, 0.9], [True, False]) == 0.0
    assert auc([0.5, 0.5, 0.5], [True, False, True]) == 0.5  # ties count one half
    # 2 positives x 2 negatives: pairs (0.8>0.3) (0.8>0.6) (0.4>0.3) (0.4<0.6) -> 3/4
    assert auc([0.8, 0.4, 0.3, 0.6], [1, 1, 0, 0]) == pytest.approx(0.75)
    assert auc([0.8, 0.4], [1, 1]) is None
    assert auc([], []) is None


def test_terms_mae() -> None:
    assert terms_mae({"a": 0.5, "b": 0.0, "c": 1.0}, {"a": 0.3, "b": 0.4}) == pytest.approx(0.3)
    assert terms_mae({"a": 0.5}, {}) is None
    with pytest.raises(InputError, match="b"):
        terms_mae({"a": 0.5}, {"a": 0.5, "b": 0.1})


def test_weibull_exponential_conditional_is_memoryless() -> None:
    w = Weibull(shape=1.0, scale=20.0)
    expect = 1 - np.exp(-np.arange(1, 13) / 20.0)
    assert w.p_by_month(0.0, 12) == pytest.approx(expect)
    assert w.p_by_month(50.0, 12) == pytest.approx(expect)  # shape 1: age does not matter


def test_weibull_conditional_known_value() -> None:
    w = Weibull(shape=2.0, scale=10.0)
    # P(end by 5 + 1 | alive at 5) = 1 - exp(-(0.6^2 - 0.5^2)) = 1 - exp(-0.11)
    assert w.p_by_month(5.0, 1)[0] == pytest.approx(1 - math.exp(-0.11))
    p = w.p_by_month(5.0, 30)
    assert (np.diff(p) >= 0).all() and p[-1] < 1


def test_weibull_fit_exponential_closed_form() -> None:
    # Shape free, but with exact exponential data the MLE of the rate is events / exposure.
    # Check the fit against the closed form of the interval-censored exponential instead:
    # every war followed from age 0, ended=True in month m -> likelihood of the geometric
    # p = 1 - exp(-1/scale): MLE p = n / sum(m + 1).
    months = [0, 1, 3, 5, 9, 2, 0, 4]
    spells = [Spell(age=0.0, followed=m + 1, ended=True) for m in months]
    w = fit_weibull(spells)
    assert w.events == 8 and w.n == 8
    # refit with shape pinned to 1 is the geometric; the free fit must do at least as well
    p_hat = len(months) / sum(m + 1 for m in months)
    ll_geo = sum(math.log(p_hat) + m * math.log(1 - p_hat) for m in months)
    assert w.loglik >= ll_geo - 1e-6


def test_weibull_fit_recovers_parameters() -> None:
    rng = np.random.default_rng(1)
    shape, scale = 1.5, 30.0
    d = scale * rng.weibull(shape, size=3000)
    age = rng.uniform(0, 20, size=3000)
    keep = d > age  # left truncation: only wars alive at their origin are seen
    spells = []
    for a, x in zip(age[keep], d[keep], strict=True):
        m = math.floor(x - a)
        spells.append(Spell(a, m + 1, True) if m < 36 else Spell(a, 36, False))
    w = fit_weibull(spells)
    assert w.shape == pytest.approx(shape, rel=0.08)
    assert w.scale == pytest.approx(scale, rel=0.08)


def test_weibull_fit_needs_an_end() -> None:
    with pytest.raises(InputError, match="at least one war that ended"):
        fit_weibull([Spell(5.0, 12, False)])
    with pytest.raises(InputError, match="at least one war"):
        fit_weibull([])


def test_bootstrap_interval_seeded_and_paired() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    d1, d2 = resample(5, 500, seed=3), resample(5, 500, seed=3)
    assert (d1 == d2).all()
    ci = interval(lambda i: float(x[i].mean()), d1)
    assert ci is not None
    lo, hi = ci
    assert lo < x.mean() < hi
    assert 1.0 <= lo and hi <= 10.0
    assert interval(lambda i: float((x[i] - x[i]).mean()), d1) == (0.0, 0.0)
    assert interval(lambda i: None, d1) is None
