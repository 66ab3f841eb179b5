"""Known answers for the calibration's fits (ceasefire.validation._calibration)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ceasefire._errors import InputError
from ceasefire.validation._calibration import (
    HoldRecord,
    breakdown_loglik,
    fit_breakdown,
    fit_grid,
    p_by_month_from_gaps,
    settlement_loglik,
)
from ceasefire.validation._scoring import resample

W = 36


def _synthetic(lam: float, sigma: float, n_cases: int, seed: int) -> tuple[list, list[int]]:
    """Cases whose gaps differ by case and month; outcomes drawn from h = lam Phi(G / sigma)."""
    from scipy.special import ndtr

    rng = np.random.default_rng(seed)
    gaps, bins = [], []
    for _ in range(n_cases):
        level = rng.normal(0.0, 0.15)
        g = level + 0.05 * rng.standard_normal((1, W))  # one path (paths only average)
        gaps.append(g)
        h = lam * ndtr(g[0] / sigma)
        u = rng.random(W)
        hit = np.flatnonzero(u < h)
        bins.append(int(hit[0]) if hit.size else W)
    return gaps, bins


def test_p_by_month_is_the_exact_hazard_product() -> None:
    g = np.array([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]])
    p = p_by_month_from_gaps(g, 0.5, 0.0)  # indicator: path 0 opens months 0 and 2, path 1 month 2
    assert np.allclose(p, 1 - np.array([(0.5 + 1) / 2, (0.5 + 1) / 2, (0.25 + 0.5) / 2]))


def test_grid_fit_recovers_known_lambda_and_sigma() -> None:
    lam, sigma = 0.15, 0.05
    gaps, bins = _synthetic(lam, sigma, 200, seed=3)
    # the true values are grid points: the test asks whether they lie in the 95 % intervals
    lam_grid = np.unique(np.r_[np.round(np.geomspace(0.03, 0.6, 12), 4), lam])
    sig_grid = np.unique(np.r_[0.0, np.round(np.geomspace(0.005, 1.0, 10), 4), sigma])
    ll = settlement_loglik(gaps, bins, [W] * len(gaps), lam_grid, sig_grid)
    fit = fit_grid(ll, lam_grid, sig_grid, resample(len(gaps), 50, 0))
    assert fit.lam_profile[0] <= lam <= fit.lam_profile[1]
    assert fit.sigma_profile[0] <= sigma <= fit.sigma_profile[1]
    # and the data can tell: the indicator (sigma 0) and sigma -> large are rejected
    assert fit.sigma_profile[0] > 0.0 and fit.sigma_profile[1] < 1.0
    assert fit.lam_boot is not None and fit.lam_boot[0] <= fit.lam <= fit.lam_boot[1]


def test_grid_fit_finds_no_signal_in_uninformative_gaps() -> None:
    """Outcomes drawn from a constant hazard, unrelated to G: the fit sends sigma to the top."""
    rng = np.random.default_rng(5)
    gaps = [rng.normal(0.0, 0.1) + np.zeros((1, W)) for _ in range(200)]
    bins = []
    for _ in gaps:
        hit = np.flatnonzero(rng.random(W) < 0.05)
        bins.append(int(hit[0]) if hit.size else W)
    lam_grid = np.round(np.geomspace(0.02, 0.5, 12), 4)
    sig_grid = np.array([0.0, 0.01, 0.03, 0.1, 1.0, 10.0])
    fit = fit_grid(settlement_loglik(gaps, bins, [W] * 200, lam_grid, sig_grid), lam_grid, sig_grid)
    assert fit.sigma_profile[1] == 10.0
    assert 0.05 <= fit.lam_profile[1] and fit.lam_profile[0] <= 0.1  # lam/2 ~ 0.05


def test_grid_fit_refuses_a_mismatched_grid() -> None:
    with pytest.raises(InputError):
        fit_grid(np.zeros((2, 3, 4)), np.arange(3.0), np.arange(5.0))


def test_breakdown_one_case_broke_between_12_and_36_months() -> None:
    """max over h of (1-h)^12 - (1-h)^36: s = (1-h)^12 solves 1 = 3 s^2, h = 1 - 3^(-1/24)."""
    fit = fit_breakdown([HoldRecord(True, False)])
    assert fit.h0 == pytest.approx(1 - 3 ** (-1 / 24), rel=1e-6)
    assert fit.profile[0] < fit.h0 < fit.profile[1]


def test_breakdown_constant_hazard_binomial_closed_form() -> None:
    """k of n deals broke within 12 months (36 unrecorded): (1-h)^12 = (n-k)/n."""
    recs = [HoldRecord(False, None)] * 3 + [HoldRecord(True, None)] * 17
    fit = fit_breakdown(recs)
    assert fit.h0 == pytest.approx(1 - (17 / 20) ** (1 / 12), rel=1e-6)
    # the 95 % profile interval's ends lie 1.92 below the maximum
    for end in fit.profile:
        assert breakdown_loglik(end, recs) == pytest.approx(fit.loglik - 1.9207, abs=1e-3)


def test_breakdown_terms_multiplier_scales_the_hazard() -> None:
    """A deal whose terms double its hazard: the fitted reference hazard halves."""
    one = fit_breakdown([HoldRecord(True, False)])
    two = fit_breakdown([HoldRecord(True, False, mult=2.0)])
    assert two.h0 == pytest.approx(one.h0 / 2, rel=1e-6)


def test_breakdown_all_held_puts_the_mle_at_the_lower_end() -> None:
    fit = fit_breakdown([HoldRecord(True, True)] * 10, lo=1e-6)
    assert fit.h0 < 1e-4 and fit.profile[0] == pytest.approx(1e-6)
    # (1-h)^360 = exp(-1.92): the upper end
    assert fit.profile[1] == pytest.approx(1 - math.exp(-1.9207 / 360), rel=1e-3)


def test_breakdown_needs_a_record() -> None:
    with pytest.raises(InputError):
        fit_breakdown([HoldRecord(None, None)])


# ---- the war's age in the hazard (duration_shape) ------------------------------------------
def test_duration_multiplier_known_values() -> None:
    from ceasefire.engine._hazard import duration_multiplier

    np.testing.assert_array_equal(duration_multiplier(5.0, 4, 1.0), np.ones(4))
    d = duration_multiplier(11.5, 3, 0.5)  # month t at age 11.5 + t + 0.5 = 12, 13, 14
    np.testing.assert_allclose(d, [1.0, (13 / 12) ** -0.5, (14 / 12) ** -0.5], rtol=1e-15)
    two = duration_multiplier(0.0, 5, np.array([0.5, 2.0]))
    assert two.shape == (2, 5) and np.all(np.diff(two[0]) < 0) and np.all(np.diff(two[1]) > 0)


def test_duration_term_recovers_a_falling_hazard() -> None:
    # outcomes drawn from a falling hazard lam ((a + t + 1/2) / 12)^(kappa - 1), no gap signal:
    # the likelihood must prefer kappa < 1 to kappa = 1 (it could prefer either)
    from ceasefire.engine._hazard import duration_multiplier

    rng = np.random.default_rng(5)
    lam, kappa = 0.08, 0.4
    gaps, bins, ages = [], [], []
    for _ in range(400):
        age = float(rng.integers(0, 60))
        d = duration_multiplier(age, W, kappa)
        h = np.minimum(lam * d, 1.0)
        hit = np.flatnonzero(rng.random(W) < h)
        gaps.append(np.zeros((1, W)))
        bins.append(int(hit[0]) if hit.size else W)
        ages.append(age)
    lam_grid, sig_grid = np.geomspace(0.02, 0.5, 25), np.array([1e6])
    score = {}
    for k in (0.4, 1.0):
        durs = [duration_multiplier(a, W, k) for a in ages]
        ll = settlement_loglik(gaps, bins, [W] * len(gaps), 2 * lam_grid, sig_grid, durs=durs)
        score[k] = fit_grid(ll, 2 * lam_grid, sig_grid).loglik
    assert score[0.4] > score[1.0] + 10


@pytest.mark.slow
def test_the_engine_hazard_is_the_calibrations_formula() -> None:
    # P(settlement) of the engine equals the calibration's p_by_month_from_gaps on the engine's
    # own gap rows, with the duration term: the fit optimises what the engine computes
    import ceasefire as cf
    from ceasefire.engine import analyze_window
    from ceasefire.engine._hazard import duration_multiplier

    sc = cf.with_parameters(
        cf.load("russia-ukraine-2024"), duration_shape=0.6, settlement_scale=0.05
    )
    w = analyze_window(sc, seed=0, paths=60)
    st = w.settlement
    age = w.compiled.war_age
    assert age == 33.0  # 2022-02 to 2024-11
    d = duration_multiplier(age, st.gap_rows.shape[1], 0.6)
    lam = sc.engine_spec.param("settlement_rate")
    p = p_by_month_from_gaps(st.gap_rows, lam, 0.05, d)
    np.testing.assert_allclose(st.p_by_month[0], p, rtol=0, atol=1e-12)
    flat = analyze_window(cf.with_parameters(sc, duration_shape=1.0), seed=0, paths=60)
    assert flat.settlement.p_by_month[0, 11] > st.p_by_month[0, 11] + 0.02  # age 33: slower
