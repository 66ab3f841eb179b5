"""The war engine: window solver against brute force, seeds, levers, the run JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import ceasefire as cf
from ceasefire.cli._app import app
from ceasefire.engine import (
    analyze_window,
    compile_scenario,
    maximize,
    read_lever_file,
    ripeness_path,
    simulate,
    value,
)
from ceasefire.engine._window import candidates, maxmin

TOY = Path(__file__).parent / "data" / "toy-two-issues.yaml"
runner = CliRunner()


def brute_force_g(v: cf.engine.Valuation, t: int, n: int = 401) -> float:
    grid = np.linspace(0.0, 1.0, n)
    zz = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(1, -1, 2)
    veto = np.flatnonzero(v.compiled.scenario.veto)
    return float(v.gaps(zz, np.array([t]), veto).min(axis=-1).max())


@pytest.mark.parametrize("open_window", [False, True])
def test_window_solver_matches_brute_force_on_two_issues(open_window: bool) -> None:
    sc = cf.load(TOY)
    if open_window:
        sc = cf.with_parameters(sc, punishment=0.0, backlash=0.0)
    v, g, _z = ripeness_path(compile_scenario(sc), 0)
    for t in (0, 5, 11):
        bf = brute_force_g(v, t)
        assert g[t] >= bf - 1e-9  # never worse than the grid
        assert g[t] == pytest.approx(bf, abs=2e-3)
    assert (g[0] > 0) == open_window


def test_window_solver_beats_dense_sampling_in_seven_dimensions() -> None:
    sc = cf.load("russia-ukraine-2024")
    c = compile_scenario(sc, paths=300)
    v = value(c, simulate(c, np.random.default_rng(0)))
    veto = np.flatnonzero(sc.veto)
    _, g = maxmin(v, veto, np.array([0, 20]), candidates(v))
    zz = np.random.default_rng(1).random((1, 50_000, len(sc.issues)))
    for i, t in enumerate((0, 20)):
        sampled = v.gaps(zz, np.array([t]), veto).min(axis=-1).max()
        assert g[i] >= sampled - 1e-9


def test_maximize_finds_a_known_maximum() -> None:
    target = np.array([[0.3, 0.8], [0.9, 0.1]])

    def f(z: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return -np.abs(z - target[:, None, :]).sum(axis=-1)

    z, best = maximize(f, np.full((2, 2), 0.5), np.arange(2))
    np.testing.assert_allclose(z, target, atol=1e-3)
    np.testing.assert_allclose(best, 0.0, atol=2e-3)


@pytest.mark.slow
def test_same_seed_same_numbers_other_seed_only_noise() -> None:
    sc = cf.load("russia-ukraine-2024")
    a = analyze_window(sc, seed=7, paths=300)
    b = analyze_window(sc, seed=7, paths=300)
    c = analyze_window(sc, seed=8, paths=300)
    np.testing.assert_array_equal(a.ripeness, b.ripeness)
    assert a.stalling == b.stalling and a.counterfactuals == b.counterfactuals
    assert not np.array_equal(a.ripeness, c.ripeness)
    assert abs(a.ripeness[0] - c.ripeness[0]) < 0.05  # Monte Carlo noise, not a new answer


def test_simulation_is_vectorised_over_paths_and_bounded() -> None:
    sc = cf.load("russia-ukraine-2024")
    c = compile_scenario(sc, paths=64)
    sim = simulate(c, np.random.default_rng(0))
    assert sim.z_war.shape == (64, c.steps, len(sc.issues))
    assert np.all((sim.z_war >= 0) & (sim.z_war <= 1))
    assert np.all((sim.theta > 0) & (sim.theta < 1))
    # the bubble, once popped, stays popped
    assert np.all(np.diff(sim.popped.astype(int), axis=1) >= 0)


def test_higher_sanctions_drain_the_buffer_sooner() -> None:
    sc = cf.load("russia-ukraine-2024")
    low = simulate(
        compile_scenario(sc, paths=400, levers={"sanctions": 0.2}), np.random.default_rng(0)
    )
    high = simulate(
        compile_scenario(sc, paths=400, levers={"sanctions": 1.0}), np.random.default_rng(0)
    )
    assert high.popped[:, 24].mean() > low.popped[:, 24].mean()
    assert high.theta[:, 24].mean() < low.theta[:, 24].mean()


def test_lever_override_and_file(tmp_path: Path) -> None:
    sc = cf.load("russia-ukraine-2024")
    c = compile_scenario(sc, levers={"sanctions": 0.8})
    assert np.all(c.levers["sanctions"] == 0.8)
    f = tmp_path / "levers.yaml"
    f.write_text("sanctions: [[0, 0.5], [10, 1.0]]\nstrikes: 0.9\n")
    lv = read_lever_file(f)
    assert lv["strikes"] == 0.9 and lv["sanctions"][10] == 1.0 and lv["sanctions"][5] == 0.75
    csv = tmp_path / "levers.csv"
    csv.write_text("month,aid\n0,0.6\n6,0.0\n")
    assert read_lever_file(csv)["aid"][3] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        ("sanctions: 2\n", ".yaml", "must lie in [0, 1]"),
        ("bombing: 0.5\n", ".yaml", "bombing: unknown lever"),
        ("", ".yaml", "the file is empty"),
        ("month,aid\n0,x\n", ".csv", "is not a number"),
    ],
)
def test_bad_lever_files(tmp_path: Path, text: str, suffix: str, message: str) -> None:
    f = tmp_path / f"levers{suffix}"
    f.write_text(text)
    with pytest.raises(cf.InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_lever_file(f)


@pytest.mark.slow
def test_run_json_contract(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    res = runner.invoke(app, ["run", "--paths", "200", "--json", str(out), "-q"])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    t = 36
    assert d["months"] == list(range(t))
    assert len(d["ripeness"]["G"]) == t and len(d["ripeness"]["window_open"]) == t
    assert all(
        (g > 0) == o for g, o in zip(d["ripeness"]["G"], d["ripeness"]["window_open"], strict=True)
    )
    assert d["first_window_month"] is None or isinstance(d["first_window_month"], int)
    for plan in d["plans"]:
        assert set(plan["accepts_by_month"]) == set(d["actors"])
        assert all(len(v) == t for v in plan["accepts_by_month"].values())
        assert plan["accepts"] == {a: v[0] for a, v in plan["accepts_by_month"].items()}
    assert set(d["regime_risk"]) >= {"fight", "settle"}
    assert set(d["regime_risk"]["settle"]) == {p["id"] for p in d["plans"]}
    assert isinstance(d["stalling"]["russia"], bool)
    assert d["predicted_deal"] is None or set(d["predicted_deal"]) == set(d["issues"])
    assert set(d["counterfactuals"]) == {"no_leader_survival", "no_war_economy", "no_hardliners"}
    for cf_ in d["counterfactuals"].values():
        assert set(cf_) >= {"G0", "first_window_month"}
    assert set(d["levers"]) == {"sanctions", "strikes", "aid", "foreign_troops"}
    assert all(len(v) == t for v in d["levers"].values())
    assert set(d["forecasts"]) >= {"compromise", "median", "nbs", "bdm", "smp"}


@pytest.mark.slow
def test_run_levers_and_horizon_options(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    res = runner.invoke(
        app,
        [
            "run",
            "--paths",
            "100",
            "--horizon",
            "12",
            "--lever",
            "sanctions=1",
            "--lever",
            "strikes=1",
            "--json",
            str(out),
            "-q",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert d["months"] == list(range(12))
    assert d["levers"]["sanctions"] == [1.0] * 12


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--lever", "sanctions"],
        ["run", "--lever", "sanctions=abc"],
        ["run", "--lever", "bombing=0.5"],
        ["run", "--lever", "sanctions=1.5"],
        ["run", "--levers", "/nonexistent/levers.yaml"],
    ],
)
def test_bad_lever_options_exit_2(args: list[str]) -> None:
    res = runner.invoke(app, [*args, "--paths", "50"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


@pytest.mark.slow
def test_levers_command_json() -> None:
    res = runner.invoke(
        app,
        [
            "levers",
            "--paths",
            "80",
            "--sanctions",
            "0.5,1",
            "--strikes",
            "0.5,1",
            "--aid",
            "0.6",
            "--json",
            "-",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert len(d["grid"]) == 4
    assert d["cheapest"] is None or d["cheapest"]["first_window_month"] is not None


def test_blocking_over_paths_changes_no_number(monkeypatch: pytest.MonkeyPatch) -> None:
    import ceasefire.engine._sim as sim_mod
    import ceasefire.engine._window as win_mod

    sc = cf.load("russia-ukraine-2024")
    c = compile_scenario(sc, paths=300)
    whole = simulate(c, np.random.default_rng(5))
    v_whole = value(c, whole)
    monkeypatch.setattr(sim_mod, "SIM_BLOCK", 64)
    monkeypatch.setattr(win_mod, "PATH_BLOCK", 50)
    blocked = simulate(c, np.random.default_rng(5))
    v_blocked = value(c, blocked)
    np.testing.assert_array_equal(whole.z_war, blocked.z_war)
    np.testing.assert_array_equal(whole.hazard, blocked.hazard)
    np.testing.assert_allclose(v_whole.fight, v_blocked.fight, rtol=0, atol=1e-12)
    np.testing.assert_allclose(v_whole.k_settle, v_blocked.k_settle, rtol=0, atol=1e-12)


@pytest.mark.slow
def test_ripeness_standard_error_matches_seed_to_seed_spread() -> None:
    sc = cf.load("russia-ukraine-2024")
    runs = [analyze_window(sc, seed=s, paths=400) for s in range(6)]
    spread = np.std([r.ripeness for r in runs], axis=0, ddof=1)  # (T,)
    se = np.mean([r.ripeness_se for r in runs], axis=0)
    months = [0, 12, 24]
    ratio = se[months] / spread[months]
    assert np.all((ratio > 1 / 3) & (ratio < 3)), ratio


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--paths", "0"], "--paths"),
        (["frobnicate"], "No such command"),
        (["forecast"], "Missing argument"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(args: list[str], needle: str) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("ceasefire")
    res = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ")
    assert needle in res.stderr and res.stdout == ""


@pytest.mark.slow
def test_notebook_api_of_the_readme() -> None:
    """The README's Python lines work and their frames have the promised shape."""
    sc = cf.load("russia-ukraine-2024")
    res = cf.analyze(sc, seed=0, paths=200)
    frame = res.to_frame()
    assert len(frame) == len(sc.proposals) * len(sc.actors)
    assert set(frame.columns) >= {"plan", "actor", "utility", "reservation", "margin", "accepts"}
    assert list(res.forecasts_frame().index) == sc.issue_ids
    rf = res.window.ripeness_frame()
    assert list(rf["month"]) == list(range(36))
    assert list(rf["open"]) == [bool(g > 0) for g in rf["G"]]
    assert res.to_dict()["first_window_month"] == res.window.first_window_month
