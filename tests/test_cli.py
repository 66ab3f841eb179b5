"""The command line: run, forecast, validate, scenarios, schema and their JSON contracts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ceasefire as cf
from ceasefire._io import write_text
from ceasefire.cli._app import app
from conftest import EMISSION

BUILTIN = "russia-ukraine-2024"
PLANS = ["turkey", "trump", "china", "brazil", "russia-maximal", "ukraine-land-swap"]
FORECAST_MODELS = ("compromise", "median", "nbs", "bdm")

runner = CliRunner()


def _run_args(*extra: str) -> list[str]:
    """``run`` with a small Monte Carlo, where the command offers --paths."""
    args = ["run", *extra]
    if "--paths" in _run_options():
        args += ["--paths", "200"]
    return args


def _run_options() -> set[str]:
    import typer.main

    cmd = typer.main.get_command(app)
    run = cmd.commands["run"]  # type: ignore[attr-defined]
    return {opt for p in run.params for opt in getattr(p, "opts", [])}


def _ok(r: Any) -> None:
    assert r.exit_code == 0, (r.exit_code, r.output, r.exception)


@pytest.fixture(scope="module")
def run_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("run") / "out.json"
    r = runner.invoke(app, _run_args("--json", str(out), "--quiet"))
    _ok(r)
    return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_run_prints_a_summary() -> None:
    r = runner.invoke(app, _run_args())
    _ok(r)
    sc = cf.load(BUILTIN)
    assert sc.title in r.stdout
    for pid in PLANS:
        assert pid in r.stdout
    assert "Traceback" not in r.output


@pytest.mark.slow
def test_run_json_contract(run_json: dict[str, Any]) -> None:
    d = run_json
    sc = cf.load(BUILTIN)
    assert d["scenario"] == BUILTIN
    assert d["version"] == cf.__version__
    assert d["seed"] == 0
    assert d["issues"] == sc.issue_ids
    assert d["actors"] == sc.actor_ids
    assert [p["id"] for p in d["plans"]] == PLANS
    actors = set(sc.actor_ids)
    veto = [a.id for a in sc.actors if a.veto]
    for plan in d["plans"]:
        assert {
            "id",
            "label",
            "utility",
            "reservation",
            "margin",
            "accepts",
            "veto_players_accept",
        } <= set(plan)
        assert isinstance(plan["label"], str) and plan["label"]
        for key in ("utility", "reservation", "margin"):
            assert set(plan[key]) == actors
            assert all(isinstance(v, float) for v in plan[key].values()), key
        assert set(plan["accepts"]) == actors
        assert all(isinstance(v, bool) for v in plan["accepts"].values())
        assert isinstance(plan["veto_players_accept"], bool)
        for a in actors:
            assert plan["margin"][a] == pytest.approx(plan["utility"][a] - plan["reservation"][a])
        assert plan["veto_players_accept"] == all(plan["accepts"][a] for a in veto)
    f = d["forecasts"]
    assert set(FORECAST_MODELS) <= set(f)
    for model in FORECAST_MODELS:
        assert set(f[model]) == set(sc.issue_ids), model
        assert all(0.0 <= v <= 1.0 for v in f[model].values()), model


@pytest.mark.slow
def test_run_json_stdout_is_only_json() -> None:
    r = runner.invoke(app, _run_args("--json", "-"))
    _ok(r)
    d = json.loads(r.stdout)  # nothing but JSON on stdout
    assert d["scenario"] == BUILTIN


@pytest.mark.slow
def test_run_same_seed_same_json(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    _ok(runner.invoke(app, _run_args("--json", str(a), "--seed", "7", "-q")))
    _ok(runner.invoke(app, _run_args("--json", str(b), "--seed", "7", "-q")))
    assert a.read_bytes() == b.read_bytes()
    assert json.loads(a.read_text())["seed"] == 7
    _ok(runner.invoke(app, _run_args("--json", str(c), "--seed", "8", "-q")))
    assert json.loads(c.read_text())["seed"] == 8


# ---------------------------------------------------------------------------------------
# forecast
# ---------------------------------------------------------------------------------------


def _forecast(path: Path | str, model: str) -> dict[str, Any]:
    r = runner.invoke(app, ["forecast", "--model", model, str(path), "--json", "-"])
    _ok(r)
    return json.loads(r.stdout)


@pytest.mark.parametrize("model", cf.MODELS)
def test_forecast_contract_on_csv(model: str) -> None:
    d = _forecast(EMISSION, model)
    assert set(d) >= {"model", "forecast", "rounds"}
    assert d["model"] == model
    assert list(d["forecast"]) == ["issue"]
    assert isinstance(d["forecast"]["issue"], float)
    assert 4.0 <= d["forecast"]["issue"] <= 10.0
    assert isinstance(d["rounds"], list)
    for r in d["rounds"]:
        assert list(r) == ["issue"]
    if model in ("bdm", "smp"):
        assert len(d["rounds"]) >= 2
    else:
        assert d["rounds"] == []


def test_forecast_known_values_on_csv() -> None:
    assert _forecast(EMISSION, "compromise")["forecast"]["issue"] == pytest.approx(7.39, abs=0.01)
    assert _forecast(EMISSION, "median")["forecast"]["issue"] == 7.0


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sc") / "ru.yaml"
    _ok(runner.invoke(app, ["scenarios", "--export", BUILTIN, str(path)]))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("model", cf.MODELS)
def test_forecast_contract_on_scenario(model: str, scenario_file: Path) -> None:
    sc = cf.load(scenario_file)
    d = _forecast(scenario_file, model)
    assert d["model"] == model
    assert list(d["forecast"]) == sc.issue_ids
    assert all(0.0 <= v <= 1.0 for v in d["forecast"].values())
    for r in d["rounds"]:
        assert list(r) == sc.issue_ids
    if model == "bdm":
        assert len(d["rounds"]) >= 2
    # the same numbers as `run` reports
    if model in FORECAST_MODELS:
        assert d["forecast"] == pytest.approx(cf.layer_a_forecasts(sc)[model])


def test_forecast_json_file_and_table(tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    r = runner.invoke(app, ["forecast", "-m", "median", str(EMISSION), "--json", str(out)])
    _ok(r)
    assert json.loads(out.read_text())["forecast"] == {"issue": 7.0}
    r = runner.invoke(app, ["forecast", "-m", "median", str(EMISSION)])
    _ok(r)
    assert "7.000" in r.stdout


# ---------------------------------------------------------------------------------------
# validate, scenarios, schema
# ---------------------------------------------------------------------------------------


def test_validate_ok(scenario_file: Path) -> None:
    r = runner.invoke(app, ["validate", str(scenario_file)])
    _ok(r)
    assert r.stdout.startswith("ok ")
    assert "8 actors" in r.stdout
    assert r.stdout.count("\n") == 1  # one line, however long
    assert r.stderr == ""
    _ok(runner.invoke(app, ["validate", BUILTIN]))


def test_validate_failing(tmp_path: Path, scenario_file: Path) -> None:
    text = scenario_file.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("veto: true", "veto: maybe", 1), encoding="utf-8")
    line = next(i for i, ln in enumerate(bad.read_text().splitlines(), 1) if "veto: maybe" in ln)
    r = runner.invoke(app, ["validate", str(bad)])
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.startswith(f"error: {bad}:{line}:5: actors[russia].veto: ")
    assert r.stderr.count("\n") == 1


def test_scenarios_lists_builtin() -> None:
    r = runner.invoke(app, ["scenarios"])
    _ok(r)
    assert BUILTIN in r.stdout


def test_schema_is_json_schema(tmp_path: Path) -> None:
    r = runner.invoke(app, ["schema"])
    _ok(r)
    schema = json.loads(r.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert {"id", "title", "as_of", "issues", "actors"} <= set(schema["required"])
    assert {"sources", "issues", "actors", "proposals"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    # every $ref resolves inside the document
    defs = schema.get("$defs", {})
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert refs
    for ref in refs:
        assert ref.startswith("#/$defs/") and ref.split("/")[-1] in defs, ref
    out = tmp_path / "schema.json"
    _ok(runner.invoke(app, ["schema", "--out", str(out)]))
    assert json.loads(out.read_text()) == schema


# ---------------------------------------------------------------------------------------
# Atomic output
# ---------------------------------------------------------------------------------------


def test_failed_run_leaves_no_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [\n", encoding="utf-8")
    out = tmp_path / "out.json"
    r = runner.invoke(app, _run_args(str(bad), "--json", str(out)))
    assert r.exit_code == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]
    # an existing result is left as it was
    out.write_text("old", encoding="utf-8")
    r = runner.invoke(app, _run_args(str(bad), "--json", str(out)))
    assert r.exit_code == 2
    assert out.read_text() == "old"


def test_failed_forecast_leaves_no_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("actor,capability,position\nA,1,2\n", encoding="utf-8")
    out = tmp_path / "out.json"
    r = runner.invoke(app, ["forecast", "-m", "median", str(bad), "--json", str(out)])
    assert r.exit_code == 2
    assert not out.exists()


def test_json_into_missing_directory_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "out.json"
    r = runner.invoke(app, ["forecast", "-m", "median", str(EMISSION), "--json", str(out)])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1
    assert "does not exist" in r.stderr
    assert "Traceback" not in r.output


def test_atomic_write_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    write_text(target, "first")
    assert target.read_text() == "first"

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(cf.InputError, match=r"out\.json: cannot write: disk full"):
        write_text(target, "second")
    assert target.read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temp file left


@pytest.mark.slow
def test_paths_with_brackets_are_printed_verbatim(tmp_path: Path, scenario_file: Path) -> None:
    # rich markup must not eat or choke on a user's path
    for name in ("d[red]", "e[/x]"):
        folder = tmp_path / name
        folder.mkdir(parents=True)
        path = folder / "s.yaml"
        path.write_text(scenario_file.read_text(encoding="utf-8"), encoding="utf-8")
        r = runner.invoke(app, ["validate", str(path)])
        _ok(r)
        assert f"ok {path}: " in r.stdout
        r = runner.invoke(app, ["forecast", "-m", "median", str(path)])
        _ok(r)


def test_json_onto_a_directory_is_one_line(tmp_path: Path) -> None:
    r = runner.invoke(app, ["forecast", "-m", "median", str(EMISSION), "--json", str(tmp_path)])
    assert r.exit_code == 2
    assert r.stderr == f"error: {tmp_path}: cannot write: it is a directory\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_run_summary_prints_titles_verbatim(tmp_path: Path, scenario_file: Path) -> None:
    text = scenario_file.read_text(encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        text.replace("title: Russia-Ukraine war, late November 2024", 'title: "War [/draft]"', 1),
        encoding="utf-8",
    )
    assert cf.load(path).title == "War [/draft]"
    r = runner.invoke(app, _run_args(str(path)))
    _ok(r)
    assert "War [/draft]" in r.stdout


# ---------------------------------------------------------------------------------------
# the program itself: --version, help once, no type shown for flags
# ---------------------------------------------------------------------------------------


def _ceasefire(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("ceasefire")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)


def test_version() -> None:
    r = _ceasefire("--version")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"ceasefire {cf.__version__}\n", "")


@pytest.mark.parametrize("args", [[], ["bench"]])
def test_bare_group_prints_its_help_once(args: list[str]) -> None:
    r = _ceasefire(*args)
    assert r.returncode == 0
    assert r.stdout.count("Usage:") == 1


def test_flags_show_no_type() -> None:
    r = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "120"})
    assert r.exit_code == 0
    assert "<bool>" not in r.stdout
    assert "infinite" in r.stdout  # --horizon says it only sets the months reported
