"""The benchmark of how wars end: the outcome block, the registry and split, the outcome-
stripping test, the harness's scores, the JSON contract and the CLI (issue 10).

The unit tests run on the small fixture registry ``tests/data/cases`` (copies of the
three old backtest scenarios with outcome blocks; one synthetic victory); the registry
tests also cover every case that ships in ``ceasefire/validation/cases``.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

import ceasefire as cf
from ceasefire.cli._app import app
from ceasefire.validation._cases import (
    TEST_DIGITS,
    case_ids,
    cases,
    load_case,
    split_of,
)
from ceasefire.validation._scoring import log_score, settlement_pmf
from ceasefire.validation._wars import (
    EngineForecast,
    WarsResult,
    bench_wars,
    blind,
    engine_forecast,
    summarize,
    terms_baselines,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "data" / "cases"
DOCS = ROOT / "docs" / "validation.md"
PATHS = 30
runner = CliRunner()


def _all_case_files() -> list[Any]:
    """Every case file: the fixtures, then every built-in case (each over a second: slow)."""
    fixtures = [
        pytest.param(FIXTURES / f"{c}.yaml", marks=pytest.mark.slow, id=c)
        for c in case_ids(FIXTURES)
    ]
    builtin = [
        pytest.param(Path(load_case_file(c)), marks=pytest.mark.slow, id=c) for c in case_ids()
    ]
    return [*fixtures, *builtin]


def _strip_outcome(text: str) -> str:
    y = YAML(typ="rt")
    tree = y.load(text)
    assert "outcome" in tree
    del tree["outcome"]
    buf = io.StringIO()
    y.dump(tree, buf)
    return buf.getvalue()


def _stub_forecast(sc: cf.Scenario, *, months: int, **kw: Any) -> EngineForecast:
    """A cheap stand-in for the engine, for the tests of the harness's plumbing."""
    p = 1.0 - 0.9 ** np.arange(1, months + 1)
    return EngineForecast(
        p_by_month=p,
        terms=dict(zip(sc.issue_ids, sc.status_quo.tolist(), strict=True)),
        p_hold_36=0.8,
        source="stub",
    )


@pytest.fixture
def stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    import ceasefire.validation._wars as wars

    monkeypatch.setattr(wars, "engine_forecast", _stub_forecast)


@pytest.fixture(scope="module")
def bench() -> WarsResult:
    return bench_wars("all", root=FIXTURES, paths=PATHS, seed=0, reps=200)


# ----- the outcome block ----------------------------------------------------------------


def _case_text(**outcome: Any) -> str:
    base = (FIXTURES / "fixture-korea.yaml").read_text(encoding="utf-8")
    head, _ = base.split("\noutcome:\n", 1)
    fields = {
        "origin": '"1951-07"',
        "window_months": "36",
        "actual_month": "24",
        "ended_by": "settlement",
        "victor": "null",
        "terms": "{demarcation_line: 0.5}",
        "held": "{m12: true, m36: true, m60: true}",
        "war_start": '"1950-06"',
        "note": "test",
    }
    fields.update({k: str(v) for k, v in outcome.items()})
    body = "".join(f"  {k}: {v}\n" for k, v in fields.items() if v != "<drop>")
    return f"{head}\noutcome:\n{body}"


def test_outcome_is_typed_and_carried() -> None:
    sc = cf.loads(_case_text(), file="case.yaml")
    assert sc.outcome is not None
    assert sc.outcome.window_months == 36
    assert sc.outcome.war_age_months == 13
    assert sc.outcome.negotiated
    assert cf.loads(_case_text(ended_by="ceasefire"), file="c.yaml").outcome is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"actual_month": 36}, "outcome", "actual_month 36 must lie in 0..35"),
        ({"ended_by": "truce"}, "outcome.ended_by", "Input should be"),
        ({"ended_by": "none"}, "outcome", "null exactly when ended_by is none"),
        ({"victor": "side_a"}, "outcome", "victor is set exactly when ended_by is victory"),
        ({"window_months": 6}, "outcome.window_months", "must be >= 12"),
        ({"origin": '"1951-08"'}, "outcome.origin", "not the month of as_of 1951-07-10"),
        ({"origin": '"July 1951"'}, "outcome.origin", "expected a month 'YYYY-MM'"),
        ({"war_start": '"1952-01"'}, "outcome", "is after the origin"),
        ({"terms": "{nowhere: 0.5}"}, "outcome.terms.nowhere", "unknown issue 'nowhere'"),
        ({"terms": "{demarcation_line: 1.5}"}, "outcome.terms", "must lie in [0, 1]"),
        ({"held": "{m12: false, m36: true}"}, "outcome.held", "cannot hold again"),
        ({"held": "{m24: true}"}, "outcome.held.m24", "unknown field"),
        ({"war_start": "<drop>"}, "outcome", "required field is missing"),
    ],
)
def test_outcome_errors_name_file_line_col(
    change: dict[str, str], field: str, message: str
) -> None:
    text = _case_text(**change)
    with pytest.raises(cf.ScenarioError) as ei:
        cf.loads(text, file="case.yaml")
    err = ei.value
    assert err.file == "case.yaml" and err.line is not None and err.col is not None
    assert err.field is not None and err.field.startswith(field)
    assert message in err.message
    outcome_line = text.splitlines().index("outcome:") + 1
    assert err.line >= outcome_line  # it points into the outcome block
    assert str(err).count("\n") == 0


# ----- the registry and the split -------------------------------------------------------


def test_split_rule() -> None:
    assert TEST_DIGITS == "01234"
    for cid in [*case_ids(), *case_ids(FIXTURES), "korea-1951", "x", ""]:
        digit = hashlib.sha256(cid.encode()).hexdigest()[0]
        assert split_of(cid) == ("test" if digit in "01234" else "train")
    # a known answer each way
    assert hashlib.sha256(b"fixture-korea").hexdigest()[0] == "3"
    assert split_of("fixture-korea") == "test"
    assert split_of("fixture-bosnia") == "train"


def _docs_case_table() -> dict[str, str]:
    """The case list in docs/validation.md: rows ``| `case-id` | split | ...``."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## The benchmark of how wars end", 1)[1]
    return dict(re.findall(r"^\| `([a-z0-9-]+)` \| (train|test) \|", section, flags=re.M))


def test_docs_state_the_rule_and_list_every_case_with_its_split() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert 'sha256(case_id.encode()).hexdigest()[0] in "01234"' in text
    listed = _docs_case_table()
    assert sorted(listed) == case_ids()  # the same cases, no more, no fewer
    for cid, split in listed.items():
        assert split == split_of(cid), cid


def load_case_file(case_id: str) -> str:
    from importlib import resources

    return str(resources.files("ceasefire.validation.cases") / f"{case_id}.yaml")


def test_every_case_lever_file_reads() -> None:
    """Every case's lever file reads: whole-month knots only (the six files that had
    fractional months were rounded, each saying so in its header)."""
    from ceasefire.scenario._levers import read_lever_file

    for cid in case_ids():
        path = Path(load_case_file(cid)).with_name(f"{cid}.levers.yaml")
        if path.exists():
            levers = read_lever_file(path)
            assert levers, cid


def test_registry_has_the_cases_the_issue_asks_for() -> None:
    ids = case_ids()
    assert len(ids) >= 24
    assert sum(split_of(c) == "test" for c in ids) >= 7


@pytest.mark.slow
def test_registry_cases_load_and_validate() -> None:
    for c in cases("all"):
        assert c.outcome.origin_matches(c.scenario.as_of)
        assert c.scenario.engine is not None, c.id
        assert cf.load(f"case:{c.id}").outcome == c.outcome
    assert {c.id for c in cases("train")} | {c.id for c in cases("test")} == set(case_ids())
    did_not_settle = [c for c in cases("all") if not c.outcome.negotiated]
    assert len(did_not_settle) >= 5


def test_fixture_registry() -> None:
    ids = case_ids(FIXTURES)
    assert "fixture-bosnia" in ids and not any(i.endswith(".levers") for i in ids)
    c = load_case("fixture-bosnia", FIXTURES)
    assert c.levers is not None and c.levers_file is not None
    assert c.levers["strikes"][8] == pytest.approx(0.9)
    assert load_case(FIXTURES / "fixture-korea.yaml").levers is None
    assert [c.id for c in cases("test", FIXTURES)] == ["fixture-iran-iraq", "fixture-korea"]


def test_registry_errors(tmp_path: Path) -> None:
    with pytest.raises(cf.InputError, match="no war case 'nope'"):
        load_case("nope", FIXTURES)
    with pytest.raises(cf.ScenarioError, match="no war case 'nope'"):
        cf.load("case:nope")
    with pytest.raises(cf.InputError, match="split must be one of"):
        cases("dev", FIXTURES)
    with pytest.raises(cf.InputError, match="not a directory"):
        cases("all", tmp_path / "missing")
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        _strip_outcome((FIXTURES / "fixture-korea.yaml").read_text()).replace(
            "id: fixture-korea", "id: plain"
        )
    )
    with pytest.raises(cf.ScenarioError, match="needs an `outcome` block"):
        load_case(plain)
    dyn = tmp_path / "fixture-korea.yaml"
    dyn.write_text(
        (FIXTURES / "fixture-korea.yaml")
        .read_text()
        .replace("  parameters:\n", "  parameters:\n    punishment: {value: 50, judgement: x}\n")
    )
    with pytest.raises(cf.ScenarioError, match=r"may set only buffer0, theta0 .* not punishment"):
        load_case(dyn)
    renamed = tmp_path / "other.yaml"
    renamed.write_text((FIXTURES / "fixture-korea.yaml").read_text())
    with pytest.raises(cf.ScenarioError, match="id must be its file name"):
        load_case(renamed)


def test_validate_and_run_take_a_case_file(tmp_path: Path) -> None:
    r = runner.invoke(app, ["validate", str(FIXTURES / "fixture-korea.yaml")])
    assert r.exit_code == 0 and r.stdout.startswith("ok "), r.stderr
    bad = tmp_path / "fixture-korea.yaml"
    text = (FIXTURES / "fixture-korea.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("  actual_month: 24", "  actual_month: 40"), encoding="utf-8")
    line = text.splitlines().index("outcome:") + 1
    r = runner.invoke(app, ["validate", str(bad)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith(f"error: {bad}:{line}:1: outcome: actual_month 40 must lie in")
    assert r.stderr.count("\n") == 1


def test_cases_ship_as_package_data() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    # hatch's wheel target takes the whole package directory, YAML included
    assert 'packages = ["src/ceasefire"]' in text
    assert "exclude" not in text.split("[tool.hatch.build.targets.wheel]", 1)[1].split("[", 1)[0]
    from importlib import resources

    assert resources.files("ceasefire.validation.cases").is_dir()


# ----- no forecast reads the outcome ----------------------------------------------------


@pytest.mark.parametrize("path", _all_case_files())
def test_stripping_the_outcome_changes_no_forecast(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    full = cf.loads(text, file=str(path))
    bare = cf.loads(_strip_outcome(text), file=str(path))
    assert full.outcome is not None and bare.outcome is None
    levers = load_case(path).levers

    def forecasts(sc: cf.Scenario) -> str:
        res = cf.analyze(sc, seed=3, paths=PATHS, horizon=12, levers=levers)
        eng = engine_forecast(blind(sc), months=12, levers=levers, paths=PATHS, seed=3)
        return json.dumps(
            {
                "analyze": res.to_dict(),  # includes every bargaining model's forecast
                "engine": eng.to_dict(),
                "baselines": terms_baselines(sc),
            },
            sort_keys=True,
        )

    assert forecasts(full) == forecasts(bare)


def test_engine_adapter_reads_the_run_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter reads settlement.p_by_month and predicted_deal of the run contract."""
    import ceasefire.validation._wars as wars

    sc = blind(load_case("fixture-korea", FIXTURES).scenario)
    seen: dict[str, Any] = {}

    class Result:
        def to_dict(self) -> dict[str, Any]:
            return {
                "settlement": {"p_by_month": [0.1 * (t // 3) for t in range(36)]},
                "predicted_deal": {
                    "month": 4,
                    "terms": {i: 0.25 for i in sc.issue_ids},
                    "p_hold_12": 0.9,
                    "p_hold_36": 0.7,
                },
                "first_window_month": 2,
            }

    def fake_analyze(scenario: cf.Scenario, **kw: Any) -> Result:
        seen.update(kw, scenario=scenario)
        return Result()

    monkeypatch.setattr(wars, "analyze_window", fake_analyze)
    f = engine_forecast(sc, months=24, levers={"aid": 0.5}, paths=7, seed=5)
    assert f.source == "engine" and f.p_hold_36 == 0.7 and f.first_window_month == 2
    assert f.p_by_month.shape == (24,) and f.p_by_month[23] == pytest.approx(0.7)
    assert f.terms == {i: 0.25 for i in sc.issue_ids}
    assert seen["levers"] == {"aid": 0.5} and seen["paths"] == 7 and seen["seed"] == 5
    assert seen["horizon"] == 36 and seen["scenario"].outcome is None
    # no predicted deal: the status quo stands
    monkeypatch.setattr(Result, "to_dict", lambda self: {"settlement": {"p_by_month": [0.0] * 36}})
    f = engine_forecast(sc, months=12, paths=7)
    assert f.terms == dict(zip(sc.issue_ids, sc.status_quo.tolist(), strict=True))
    assert f.p_hold_36 is None


def test_engine_adapter_refuses_an_unblinded_scenario() -> None:
    sc = load_case("fixture-korea", FIXTURES).scenario
    with pytest.raises(cf.InputError, match="blinded"):
        engine_forecast(sc, months=12, paths=PATHS)


@pytest.mark.slow
def test_cli_run_is_byte_identical_without_the_outcome(tmp_path: Path) -> None:
    src = FIXTURES / "fixture-korea.yaml"
    bare = tmp_path / "fixture-korea.yaml"
    bare.write_text(_strip_outcome(src.read_text(encoding="utf-8")), encoding="utf-8")
    args = ["--json", "-", "--paths", str(PATHS), "--horizon", "12", "--seed", "1"]
    a = runner.invoke(app, ["run", str(src), *args])
    b = runner.invoke(app, ["run", str(bare), *args])
    assert a.exit_code == 0 and b.exit_code == 0, a.stderr + b.stderr
    assert a.stdout == b.stdout
    assert '"outcome"' not in a.stdout


# ----- the harness ----------------------------------------------------------------------


@pytest.mark.slow
def test_engine_timing_is_the_engines_settlement_hazard(bench: WarsResult) -> None:
    for c in bench.cases:
        p = c.engine.p_by_month
        assert c.engine.source == "engine"
        assert p.shape == (c.window,)
        assert (np.diff(p) >= 0).all() and 0 <= p.min() and p.max() <= 1
        hold = c.engine.p_hold_36
        assert hold is None or 0 <= hold <= 1
    # the same numbers as a run of the engine on the blinded case
    case = load_case("fixture-korea", FIXTURES)
    (rec,) = [c for c in bench.cases if c.id == case.id]
    sc = blind(case.scenario)
    horizon = max(sc.engine_spec.horizon_months, rec.window)
    out = cf.analyze(sc, seed=0, paths=PATHS, horizon=horizon, levers=case.levers).to_dict()
    assert rec.engine.p_by_month.tolist() == out["settlement"]["p_by_month"][: rec.window]
    assert rec.engine.p_hold_36 == out["predicted_deal"]["p_hold_36"]
    if out["predicted_deal"]["terms"]:
        assert rec.engine.terms == out["predicted_deal"]["terms"]


@pytest.mark.slow
def test_scores_follow_from_the_forecasts(bench: WarsResult) -> None:
    for c in bench.cases:
        rec = c.to_dict()
        k = rec["outcome_bin"]
        if c.ended_by in ("settlement", "ceasefire"):
            assert k == c.actual_month
        else:
            assert k == c.window  # a victory or nothing: "no negotiated end in the window"
        for prefix in ("", "base_rate_"):
            p = np.array(rec[f"{prefix}p_by_month"])
            assert rec[f"{prefix}log_score"] == pytest.approx(
                log_score(settlement_pmf(p, c.window), k)
            )
            y = float(c.ended_by in ("settlement", "ceasefire") and c.actual_month < 12)
            assert rec[f"{prefix}brier_12"] == pytest.approx((p[11] - y) ** 2)
        if rec["actual_terms"]:
            for m, mae in rec["terms_mae"].items():
                errs = [abs(rec["terms"][m][i] - v) for i, v in rec["actual_terms"].items()]
                assert mae == pytest.approx(np.mean(errs))


@pytest.mark.slow
def test_victory_counts_as_no_negotiated_end(bench: WarsResult) -> None:
    (v,) = [c for c in bench.cases if c.ended_by == "victory"]
    assert v.to_dict()["outcome_bin"] == v.window
    assert v.terms_mae["engine"] is None and v.held_36 is None


@pytest.mark.slow
def test_summary_means_and_intervals(bench: WarsResult) -> None:
    s = bench.summary
    assert s["n"] == len(bench.cases) == 5
    assert s["engine"]["log_score"] == pytest.approx(np.mean([c.log_score for c in bench.cases]))
    assert s["base_rate"]["brier_12"] == pytest.approx(
        np.mean([c.base_rate_brier_12 for c in bench.cases])
    )
    with_terms = [c for c in bench.cases if c.terms_mae["engine"] is not None]
    assert s["n_terms"] == len(with_terms) == 3
    assert s["compromise"]["terms_mae"] == pytest.approx(
        np.mean([c.terms_mae["compromise"] for c in with_terms])
    )
    lo, hi = s["engine"]["ci"]["log_score"]
    assert lo <= s["engine"]["log_score"] <= hi
    d = s["differences"]["engine_minus_base_rate"]["log_score"]
    assert d["mean"] == pytest.approx(s["engine"]["log_score"] - s["base_rate"]["log_score"])
    # every deal held in the fixtures: one class only, so the AUC is undefined
    assert s["engine"]["durability_auc_36"] is None


@pytest.mark.slow
@pytest.mark.usefixtures("stub_engine")
def test_base_rate_is_fitted_on_train_only(bench: WarsResult) -> None:
    train = [c.id for c in cases("train", FIXTURES)]
    assert bench.train_ids == train
    res = bench_wars("test", root=FIXTURES, paths=PATHS, seed=0, reps=20)
    assert res.weibull == bench.weibull  # the test cases' outcomes never enter the fit
    assert [c.id for c in res.cases] == ["fixture-iran-iraq", "fixture-korea"]


@pytest.mark.slow
def test_seeded(bench: WarsResult) -> None:
    a, b = (bench_wars("test", root=FIXTURES, paths=PATHS, seed=0, reps=50) for _ in range(2))
    assert a.to_json() == b.to_json()
    s0, s1 = (summarize(bench.cases, hold_rate=None, reps=200, seed=s) for s in (0, 1))
    assert s0["engine"]["ci"] == bench.summary["engine"]["ci"]
    assert s1["engine"]["ci"] != s0["engine"]["ci"]  # the bootstrap follows the seed


# ----- the command line -----------------------------------------------------------------


def _bench_args(*extra: str) -> list[str]:
    base = ["bench", "wars", "--cases", str(FIXTURES), "--paths", str(PATHS), "--reps", "50"]
    return [*base, *extra]


@pytest.mark.slow
@pytest.mark.usefixtures("stub_engine")
def test_json_contract() -> None:
    r = runner.invoke(app, _bench_args("--split", "test", "--json", "-"))
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"cases", "summary"} <= set(out)
    for c in out["cases"]:
        assert isinstance(c["id"], str) and c["split"] == "test"
        assert re.fullmatch(r"\d{4}-\d{2}", c["origin"])
        assert c["actual_month"] is None or type(c["actual_month"]) is int
        assert c["ended_by"] in ("settlement", "ceasefire", "victory", "none")
        assert all(type(x) is float for x in c["p_by_month"])
        for k in ("log_score", "brier_12", "base_rate_log_score", "base_rate_brier_12"):
            assert type(c[k]) is float
    s = out["summary"]
    assert type(s["n"]) is int and s["n"] == len(out["cases"]) == 2
    for k in ("log_score", "brier_12"):
        assert type(s["engine"][k]) is float and type(s["base_rate"][k]) is float
    for block in (s["engine"], s["compromise"]):
        assert block["terms_mae"] is None or type(block["terms_mae"]) is float


@pytest.mark.slow
@pytest.mark.usefixtures("stub_engine")
def test_table_on_stdout() -> None:
    r = runner.invoke(app, _bench_args("--split", "train"))
    assert r.exit_code == 0, r.stderr
    assert "fixture-bosnia" in r.stdout and "fixture-korea" not in r.stdout
    assert "Weibull" in r.stdout and "Summary, the train split: 3 cases" in r.stdout


@pytest.mark.slow
@pytest.mark.usefixtures("stub_engine")
def test_json_to_file(tmp_path: Path) -> None:
    target = tmp_path / "wars.json"
    r = runner.invoke(app, _bench_args("--split", "test", "--json", str(target)))
    assert r.exit_code == 0, r.stderr
    assert json.loads(target.read_text())["summary"]["n"] == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--split", "dev"], "--split must be train, test or all, got 'dev'"),
        (["--paths", "0"], "paths must lie in [1, 100,000], not 0"),
        (["--reps", "0"], "reps must be a whole number in [1, 100,000], not 0"),
    ],
)
@pytest.mark.usefixtures("stub_engine")
def test_cli_errors(extra: list[str], message: str) -> None:
    r = runner.invoke(app, _bench_args(*extra))
    assert r.exit_code == 2
    assert r.stderr == f"error: {message}" + r.stderr.split(message, 1)[1]
    assert r.stderr.count("\n") == 1 and r.stdout == ""


def test_cli_error_empty_registry(tmp_path: Path) -> None:
    r = runner.invoke(app, ["bench", "wars", "--cases", str(tmp_path)])
    assert r.exit_code == 2
    assert r.stderr == f"error: no war cases in the all split of {tmp_path}\n"
    r = runner.invoke(app, ["bench", "wars", "--cases", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "not a directory of war cases" in r.stderr
    assert r.stderr.count("\n") == 1


@pytest.mark.slow
@pytest.mark.usefixtures("stub_engine")
def test_backtest_one_case() -> None:
    r = runner.invoke(app, ["backtest", "fixture-korea", "--cases", str(FIXTURES)])
    assert r.exit_code == 0, r.stderr
    assert "settlement in month 24 (1953-07)" in r.stdout
    assert re.search(r"24\s+1953-07\s+0\.928\s+\S+\s+◀", r.stdout)  # the stub: 1 - 0.9^25
    assert "demarcation_line" in r.stdout and "mean |error|" in r.stdout
    r = runner.invoke(app, ["backtest", "fixture-korea", "--cases", str(FIXTURES), "--json", "-"])
    assert r.exit_code == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["id"] == "fixture-korea" and rec["outcome_bin"] == 24
    assert rec["calendar"][0] == "1951-07" and rec["calendar"][-1] == "1954-06"
    assert rec["base_rate_model"]["fitted_on"] == [c.id for c in cases("train", FIXTURES)]


def test_backtest_errors() -> None:
    r = runner.invoke(app, ["backtest", "atlantis", "--cases", str(FIXTURES)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: no war case 'atlantis' (cases: fixture-bosnia, ")
    assert r.stderr.count("\n") == 1


@pytest.mark.slow
@pytest.mark.usefixtures("stub_engine")
def test_split_all_reports_each_split() -> None:
    res = bench_wars("all", root=FIXTURES, paths=PATHS, reps=50)
    by = res.to_dict()["summary_by_split"]
    assert {k: v["n"] for k, v in by.items()} == {"train": 3, "test": 2}
    test_only = bench_wars("test", root=FIXTURES, paths=PATHS, reps=50).summary
    assert by["test"] == test_only  # the same numbers as a run of that split alone
    r = runner.invoke(app, _bench_args())
    assert r.exit_code == 0, r.stderr
    for label in ("all cases: 5 cases", "the train split: 3 cases", "the test split: 2 cases"):
        assert f"Summary, {label}" in r.stdout
