"""The DEU accuracy benchmark: scoring convention, JSON contract, errors, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from ceasefire._errors import InputError
from ceasefire.validation._deu import (
    COUNCIL_WEIGHTS,
    BenchResult,
    capability_vector,
    cluster_bootstrap_ci,
    group_kfold,
    load_deu,
    run_benchmark,
)
from conftest import DEU, needs_shared

needs_deu = needs_shared(DEU)

FAST = ["compromise", "median", "commission", "reference_point", "midpoint"]


@pytest.fixture(scope="module")
def equal() -> BenchResult:
    return run_benchmark(DEU, capability="equal", reps=200)


# ---------------------------------------------------------------------------------------------
# the shared development split
# ---------------------------------------------------------------------------------------------


@needs_deu
def test_compromise_equal_capability_matches_published_number() -> None:
    res = run_benchmark(DEU, capability="equal", models=["compromise"], reps=10)
    assert res.n_issues == 248
    assert res.models["compromise"].n == 248
    assert res.models["compromise"].mae == pytest.approx(22.36, abs=0.01)


@pytest.mark.slow
@needs_deu
def test_json_contract(equal: BenchResult) -> None:
    d = json.loads(equal.to_json())
    assert d["n_issues"] == 248 and d["capability"] == "equal"
    for name in ("compromise", "median", "nbs", "commission", "reference_point", "midpoint"):
        assert name in d["models"], name
    for name in ("ensemble_cv", "ensemble_rule_cv", "tuned_cv"):
        assert "cv_mae" in d["models"][name]
        assert len(d["cv_choices"][name]) >= 10  # one pick per fold (per stratum)
    for name, m in d["models"].items():
        assert {"mae", "median_ae", "rmse", "within", "by_proc", "delta_vs_compromise"} <= set(m)
        assert set(m["within"]) == {"5", "10", "20"}
        assert set(m["by_proc"]) == {"CNS", "COD"}
        for proc in m["by_proc"].values():
            assert {"n", "mae"} <= set(proc)
        delta = m["delta_vs_compromise"]
        assert set(delta) >= {"mean", "ci95"} and len(delta["ci95"]) == 2
        lo, hi = delta["ci95"]
        assert lo <= delta["mean"] <= hi, name
        assert sum(p["n"] for p in m["by_proc"].values()) == m["n"]
    # the reference point is scored only where the data give one
    assert d["models"]["reference_point"]["n"] == 185
    assert d["models"]["compromise"]["delta_vs_compromise"] == {
        "mean": 0.0,
        "ci95": [0.0, 0.0],
        "n": 248,
    }
    for name in ("bdm", "smp"):
        assert name in d["models"] or name in d["skipped"]
    frame = equal.to_frame()
    assert list(frame.index) == list(d["models"])
    assert frame.loc["compromise", "mae"] == pytest.approx(22.3587, abs=1e-3)


@pytest.mark.slow
@needs_deu
def test_cv_forecasts_do_not_read_the_held_out_outcomes(equal: BenchResult) -> None:
    from dataclasses import replace

    from ceasefire.validation._deu import (
        ENSEMBLE_COMPONENTS,
        ensemble_cv,
        ensemble_rule_cv,
        tuned_cv,
    )

    data = equal.data  # the scored issues
    cap = capability_vector(data.actors, "equal")
    comps = {k: equal.models[k].forecast for k in ENSEMBLE_COMPONENTS}
    base = ensemble_cv(data, cap, folds=5, seed=3, components=comps)
    tuned = tuned_cv(data, cap, folds=5, seed=3)
    np.testing.assert_array_equal(base.fold, tuned.fold)
    # scramble the outcomes of fold 0: its out-of-fold forecasts must not move
    fold0 = base.fold == 0
    scrambled = data.out.copy()
    scrambled[fold0] = 100.0 - scrambled[fold0]
    other = replace(data, out=scrambled)
    moved = ensemble_cv(other, cap, folds=5, seed=3, components=comps)
    np.testing.assert_array_equal(base.forecast[fold0], moved.forecast[fold0])
    moved = tuned_cv(other, cap, folds=5, seed=3)
    np.testing.assert_array_equal(tuned.forecast[fold0], moved.forecast[fold0])
    rule = ensemble_rule_cv(data, cap, folds=5, seed=3, components=comps)
    moved = ensemble_rule_cv(other, cap, folds=5, seed=3, components=comps)
    np.testing.assert_array_equal(rule.forecast[fold0], moved.forecast[fold0])
    assert base.cv_mae == pytest.approx(np.abs(base.forecast - data.out).mean())


@pytest.mark.slow
@needs_deu
def test_council_and_equal_differ(equal: BenchResult) -> None:
    council = run_benchmark(DEU, capability="council", models=FAST, reps=10)
    assert council.capability == "council"
    assert council.models["compromise"].mae != pytest.approx(equal.models["compromise"].mae)
    assert council.models["median"].mae != pytest.approx(equal.models["median"].mae)
    # the baselines do not depend on capability
    assert council.models["midpoint"].mae == pytest.approx(equal.models["midpoint"].mae)


def test_council_weights_cover_the_deu_actors() -> None:
    codes = ["com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de"]
    codes += ["el", "hu", "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si"]
    codes += ["sk", "es", "se", "uk"]
    cap = capability_vector(codes, "council")
    assert cap.max() == 29 and cap.min() == 3
    assert sum(COUNCIL_WEIGHTS[c] for c in codes if c not in ("com", "ep")) == 352  # EU-28
    with pytest.raises(InputError, match="capability variant"):
        capability_vector(codes, "gdp")


# ---------------------------------------------------------------------------------------------
# the scoring convention on a synthetic file
# ---------------------------------------------------------------------------------------------

HEADER = "prnr\tisnr\tproc\tcounvte\tpcom\tpep\tpde\tpfr\tscom\tsep\tsde\tsfr\trp\tout"


def _write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    p = tmp_path / "mini.tsv"
    p.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return p


def test_scoring_convention(tmp_path: Path) -> None:
    rows = [
        # 999 is missing; fr has a position but no salience (-> 50)
        "a\ta1\tCOD\tQMV\t0\t100\t999\t50\t100\t50\t80\t\t\t40",
        # only two actors with a position in [0, 100]: not scored
        "a\ta2\tCOD\tQMV\t0\t\t999\t100\t50\t50\t50\t50\t0\t10",
        # outcome outside [0, 100]: not scored
        "b\tb1\tCNS\tUnan\t0\t50\t100\t100\t50\t50\t50\t50\t0\t999",
        # a clean issue with a reference point
        "b\tb2\tCNS\tUnan\t0\t100\t100\t100\t50\t50\t50\t50\t0\t100",
        "c\tc1\tCNS\tQMV\t20\t40\t60\t80\t10\t10\t10\t10\t\t50",
    ]
    data = load_deu(_write(tmp_path, rows))
    assert data.actors == ("com", "ep", "de", "fr")
    assert data.scored.tolist() == [True, False, False, True, True]
    assert np.isnan(data.positions[0, 2])  # 999 -> missing
    assert data.salience[0, 3] == 50.0  # missing salience of an actor with a position
    assert np.isnan(data.salience[0, 2])  # no position: no salience either
    res = run_benchmark(data, models=FAST, reps=50)
    assert res.n_issues == 3
    comp = res.models["compromise"].forecast
    # issue a1: (100*0 + 50*100 + 50*50) / (100 + 50 + 50) = 37.5
    assert comp[0] == pytest.approx(37.5)
    assert comp[1] == pytest.approx(75.0)
    assert comp[2] == pytest.approx(50.0)
    assert res.models["compromise"].mae == pytest.approx((2.5 + 25.0 + 0.0) / 3)
    assert res.models["reference_point"].n == 1
    assert res.models["commission"].forecast.tolist() == [0.0, 0.0, 20.0]
    assert res.models["compromise"].by_proc == {
        "CNS": {"n": 2, "mae": 12.5, "median_ae": 12.5, "rmse": pytest.approx(17.6777, abs=1e-3)},
        "COD": {"n": 1, "mae": 2.5, "median_ae": 2.5, "rmse": 2.5},
    }
    assert res.models["compromise"].within == {
        "5": pytest.approx(2 / 3),
        "10": pytest.approx(2 / 3),
        "20": pytest.approx(2 / 3),
    }


def test_capability_weights_the_compromise(tmp_path: Path) -> None:
    header = "prnr\tproc\tpde\tpmt\tpcom\tsde\tsmt\tscom\tout"
    data = load_deu(_write(tmp_path, ["x\tCNS\t100\t0\t0\t50\t50\t50\t90"], header))
    eq = run_benchmark(data, capability="equal", models=["compromise"], reps=5)
    co = run_benchmark(data, capability="council", models=["compromise"], reps=5)
    assert eq.models["compromise"].forecast[0] == pytest.approx(100 / 3)
    assert co.models["compromise"].forecast[0] == pytest.approx(100 * 29 / (29 + 3 + 29))


def test_all_models_run_on_a_tiny_file(tmp_path: Path) -> None:
    rows = [
        "a\ta1\tCOD\tQMV\t0\t100\t30\t50\t100\t50\t80\t20\t0\t40",
        "b\tb1\tCNS\tUnan\t0\t50\t100\t100\t50\t50\t50\t50\t0\t60",
        "c\tc1\tCNS\tQMV\t20\t40\t60\t80\t10\t10\t10\t10\t\t50",
    ]
    res = run_benchmark(_write(tmp_path, rows), reps=20, folds=3)
    for name, m in res.models.items():
        assert m.n == (2 if name == "reference_point" else 3), name
        f = m.forecast[~np.isnan(m.forecast)]
        assert np.all((f >= 0) & (f <= 100)), name
    json.loads(res.to_json())


# ---------------------------------------------------------------------------------------------
# bootstrap and folds are seeded
# ---------------------------------------------------------------------------------------------


def test_bootstrap_is_seeded() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=60)
    groups = np.repeat(np.arange(20), 3).astype(str)
    a = cluster_bootstrap_ci(values, groups, reps=300, seed=7)
    b = cluster_bootstrap_ci(values, groups, reps=300, seed=7)
    c = cluster_bootstrap_ci(values, groups, reps=300, seed=8)
    assert a == b
    assert a != c
    assert a[0] < values.mean() < a[1]
    folds = group_kfold(groups, 5, seed=0)
    np.testing.assert_array_equal(folds, group_kfold(groups, 5, seed=0))
    for g in np.unique(groups):  # a proposal never straddles folds
        assert len(set(folds[groups == g].tolist())) == 1


@needs_deu
def test_benchmark_ci_same_seed_same_interval() -> None:
    a = run_benchmark(DEU, models=FAST, reps=100, seed=5)
    b = run_benchmark(DEU, models=FAST, reps=100, seed=5)
    c = run_benchmark(DEU, models=FAST, reps=100, seed=6)
    assert a.models["median"].delta_ci95 == b.models["median"].delta_ci95
    assert a.models["median"].delta_ci95 != c.models["median"].delta_ci95


# ---------------------------------------------------------------------------------------------
# malformed input
# ---------------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found") as exc:
        load_deu(tmp_path / "absent.tsv")
    assert "\n" not in str(exc.value)


def test_missing_required_column(tmp_path: Path) -> None:
    header = HEADER.replace("\tout", "")
    p = _write(tmp_path, ["a\ta1\tCOD\tQMV\t0\t100\t30\t50\t100\t50\t80\t20\t0"], header)
    with pytest.raises(InputError, match=r"mini\.tsv:1: missing required column 'out'") as exc:
        load_deu(p)
    assert "\n" not in str(exc.value)


def test_position_without_salience_column(tmp_path: Path) -> None:
    header = HEADER.replace("\tsfr", "")
    p = _write(tmp_path, ["a\ta1\tCOD\tQMV\t0\t100\t30\t50\t100\t50\t80\t0\t40"], header)
    with pytest.raises(InputError, match="missing required column 'sfr'"):
        load_deu(p)


def test_non_numeric_value(tmp_path: Path) -> None:
    rows = [
        "a\ta1\tCOD\tQMV\t0\t100\t30\t50\t100\t50\t80\t20\t0\t40",
        "a\ta2\tCOD\tQMV\t0\tlots\t30\t50\t100\t50\t80\t20\t0\t40",
    ]
    with pytest.raises(InputError, match=r"mini\.tsv:3: column 'pep': 'lots' is not a number") as e:
        load_deu(_write(tmp_path, rows))
    assert e.value.line == 3
    assert "\n" not in str(e.value)


def test_too_few_actors_and_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="need at least 3"):
        load_deu(
            _write(tmp_path, ["a\tCOD\t1\t2\t50\t50\t3"], "prnr\tproc\tpde\tpfr\tsde\tsfr\tout")
        )
    empty = tmp_path / "empty.tsv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        load_deu(empty)
    with pytest.raises(InputError, match="no issue meets the scoring convention"):
        run_benchmark(_write(tmp_path, ["a\ta1\tCOD\tQMV\t0\t100\t\t\t\t\t\t\t\t40"]))


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------


def _cli() -> tuple[CliRunner, typer.Typer]:
    from ceasefire.cli._app import app

    return CliRunner(), app


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    runner, app = _cli()
    res = runner.invoke(app, ["bench", "deu", "--data", str(tmp_path / "nope.tsv")])
    assert res.exit_code == 2
    assert "file not found" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_cli_json_stdout_and_file(tmp_path: Path) -> None:
    rows = [
        "a\ta1\tCOD\tQMV\t0\t100\t30\t50\t100\t50\t80\t20\t0\t40",
        "b\tb1\tCNS\tUnan\t0\t50\t100\t100\t50\t50\t50\t50\t0\t60",
        "c\tc1\tCNS\tQMV\t20\t40\t60\t80\t10\t10\t10\t10\t\t50",
    ]
    path = _write(tmp_path, rows)
    runner, app = _cli()
    args = ["bench", "deu", "--data", str(path), "--reps", "20", "--folds", "3"]
    res = runner.invoke(app, [*args, "--json", "-"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["n_issues"] == 3 and "compromise" in d["models"]
    out = tmp_path / "bench.json"
    res = runner.invoke(app, [*args, "--capability", "council", "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text(encoding="utf-8"))["capability"] == "council"
    res = runner.invoke(app, [*args])
    assert res.exit_code == 0 and "compromise" in res.stdout
    res = runner.invoke(app, [*args, "--capability", "gdp"])
    assert res.exit_code == 2 and "--capability" in res.output
