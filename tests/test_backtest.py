"""Backtests on historical war endings: cases, JSON contract, provenance, shared dynamics, CLI.

These tests check that the backtest runs and reports honestly; they do not
assert that the window opens at the right month or that the deal is close:
that is what the backtest measures (docs/validation.md).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import ceasefire as cf
from ceasefire.cli._app import app
from ceasefire.engine import PARAMETERS
from ceasefire.validation._backtest import CASES, INITIAL_STATE_PARAMETERS, BacktestResult, backtest

PATHS = 200
runner = CliRunner()


@pytest.fixture(scope="module")
def result() -> BacktestResult:
    return backtest(seed=0, paths=PATHS)


@pytest.fixture(scope="module")
def result_json(result: BacktestResult) -> dict[str, Any]:
    return result.to_dict()


@pytest.mark.slow
def test_every_case_runs(result: BacktestResult) -> None:
    assert [c.id for c in result.cases] == list(CASES)
    for c in result.cases:
        assert len(c.ripeness) >= c.settlement_month + 12
        assert np.isfinite(c.ripeness).all()
        assert c.deal_kind in {"nash_point_in_window", "best_point_at_max_G"}
        assert (c.deal_kind == "nash_point_in_window") == c.window_opened


@pytest.mark.slow
def test_json_contract(result_json: dict[str, Any]) -> None:
    assert set(result_json) == {"cases"}
    json.dumps(result_json, allow_nan=False)  # plain JSON
    for rec, (cid, case) in zip(result_json["cases"], CASES.items(), strict=True):
        assert rec["id"] == cid
        assert type(rec["settlement_month"]) is int
        assert rec["settlement_month"] == case["settlement_month"]
        fw = rec["first_window_month"]
        assert fw is None or type(fw) is int
        assert set(rec["deal_error"]) == set(case["actual_terms"])
        for issue, err in rec["deal_error"].items():
            assert isinstance(err, float) and 0.0 <= err <= 1.0
            pred, actual = rec["predicted_deal"][issue], rec["actual_terms"][issue]
            assert err == pytest.approx(abs(pred - actual))
        g_as_of = np.asarray(rec["G_as_of"])
        assert g_as_of.shape == np.asarray(rec["G"]).shape
        opened = np.flatnonzero(g_as_of > 0)
        assert rec["first_window_month_as_of"] == (int(opened[0]) if opened.size else None)
        if fw is None:
            assert rec["months_early_or_late"] is None
        else:
            assert rec["months_early_or_late"] == fw - rec["settlement_month"]


@pytest.mark.slow
def test_no_look_ahead_equals_full_run_once_history_is_known(result: BacktestResult) -> None:
    # in the last month no lever changes later: knowing the past is knowing the whole path
    for c in result.cases:
        assert c.ripeness_as_of[-1] == pytest.approx(c.ripeness[-1], abs=1e-9)


@pytest.mark.slow
def test_to_frame(result: BacktestResult) -> None:
    df = result.to_frame()
    assert len(df) == sum(len(c["actual_terms"]) for c in CASES.values())
    assert {"case", "issue", "predicted", "actual", "deal_error"} <= set(df.columns)
    assert np.allclose(df["deal_error"], (df["predicted"] - df["actual"]).abs())


@pytest.mark.parametrize("case_id", list(CASES))
def test_case_scenario_loads_with_provenance(case_id: str) -> None:
    case = CASES[case_id]
    sc = cf.load(case["scenario"])
    assert sc.id in cf.builtin_ids()
    bare = [path for path, q in sc.quantities() if not q.has_provenance]
    assert bare == []
    # actual terms are on the scenario's issues, on [0, 1], and match its actual-terms proposal
    assert set(case["actual_terms"]) == set(sc.issue_ids)
    z = sc.proposal_vector("actual-terms")
    for issue, v in case["actual_terms"].items():
        assert 0.0 <= v <= 1.0
        assert z[sc.issue_ids.index(issue)] == pytest.approx(v)
    assert set(case["terms_note"]) == set(case["actual_terms"])
    assert 0 < case["settlement_month"] < sc.engine_spec.horizon_months


@pytest.mark.parametrize("case_id", list(CASES))
def test_case_sets_only_initial_state(case_id: str) -> None:
    spec = cf.load(CASES[case_id]["scenario"]).engine_spec
    assert set(spec.parameters) <= INITIAL_STATE_PARAMETERS
    for name in PARAMETERS:
        if name not in INITIAL_STATE_PARAMETERS:
            assert spec.param(name) == PARAMETERS[name].default


def test_fronts_share_one_kappa() -> None:
    fronts = [fr for cid in CASES for fr in cf.load(CASES[cid]["scenario"]).engine_spec.fronts]
    assert len({fr.kappa.value for fr in fronts}) == 1
    assert all(fr.troops is None and fr.weight is None for fr in fronts)


def test_refuses_a_fitted_case(monkeypatch: pytest.MonkeyPatch) -> None:
    import ceasefire.validation._backtest as bt

    fitted = cf.with_parameters(cf.load("korea-1951"), punishment=5.0)
    monkeypatch.setattr(bt, "load", lambda source: fitted)
    with pytest.raises(cf.InputError, match="punishment"):
        backtest("korea-1951", paths=10)


@pytest.mark.slow
def test_same_seed_same_json(result_json: dict[str, Any]) -> None:
    again = backtest(seed=0, paths=PATHS).to_dict()
    assert json.dumps(again, sort_keys=True) == json.dumps(result_json, sort_keys=True)


def test_unknown_case_is_an_input_error() -> None:
    with pytest.raises(cf.InputError, match="unknown backtest case 'atlantis'"):
        backtest(["atlantis"])


def test_cli_unknown_case_exits_2() -> None:
    r = runner.invoke(app, ["backtest", "atlantis", "--paths", "10"])
    assert r.exit_code == 2
    assert "unknown backtest case 'atlantis'" in r.output
    assert "Traceback" not in r.output


@pytest.mark.slow
def test_cli_json_stdout_and_file(tmp_path: Any, result_json: dict[str, Any]) -> None:
    r = runner.invoke(app, ["backtest", "bosnia-1995", "--paths", str(PATHS), "--json", "-"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [c["id"] for c in data["cases"]] == ["bosnia-1995"]
    assert data["cases"][0] == result_json["cases"][2]
    out = tmp_path / "bt.json"
    r = runner.invoke(app, ["backtest", "korea-1951", "--paths", str(PATHS), "--json", str(out)])
    assert r.exit_code == 0, r.output
    assert "korea-1951" in r.stdout  # the table is still printed
    assert json.loads(out.read_text(encoding="utf-8"))["cases"][0]["id"] == "korea-1951"


@pytest.mark.slow
def test_cli_table() -> None:
    r = runner.invoke(app, ["backtest", "iran-iraq-1987", "--paths", str(PATHS)])
    assert r.exit_code == 0, r.output
    assert "iran-iraq-1987" in r.stdout
    assert "settlement" in r.stdout
