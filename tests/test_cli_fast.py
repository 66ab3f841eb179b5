"""The start-up path of ``ceasefire forecast``: no Typer, rich, pydantic (nor numpy.random or
numpy.ma, which the SMP does not need), same results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ceasefire.cli._app import app
from ceasefire.cli._fast import _parse, fast_forecast
from conftest import EMISSION, KTAB

runner = CliRunner()


@pytest.mark.parametrize(
    ("argv", "parsed"),
    [
        (["forecast", "f.csv"], ("f.csv", "compromise", None)),
        (["forecast", "f.csv", "--model", "smp"], ("f.csv", "smp", None)),
        (["forecast", "-m", "smp", "f.csv", "--json", "o.json"], ("f.csv", "smp", "o.json")),
        (["forecast", "--model=bdm", "--json=-", "a=b.csv"], ("a=b.csv", "bdm", "-")),
        (["forecast", "f.csv", "--json", "-"], ("f.csv", "compromise", "-")),
        # everything else is Typer's: help, unknown options, bad or missing values
        (["forecast", "--help"], None),
        (["forecast", "f.csv", "--model", "nope"], None),
        (["forecast", "f.csv", "--model"], None),
        (["forecast", "f.csv", "g.csv"], None),
        (["forecast", "f.csv", "--model", "smp", "-m", "bdm"], None),
        (["forecast", "f.csv", "--json", "--model"], None),
        (["forecast"], None),
        (["run", "f.csv"], None),
        ([], None),
    ],
)
def test_parse(argv: list[str], parsed: tuple[str, str, str | None] | None) -> None:
    assert _parse(argv) == parsed
    if parsed is None:
        assert fast_forecast(argv) is False


@pytest.mark.parametrize(
    ("path", "model"), [(KTAB / "SOE-Pol-Comp.csv", "smp"), (EMISSION, "median")]
)
def test_fast_path_equals_typer(
    tmp_path: Path, path: Path, model: str, capsys: pytest.CaptureFixture[str]
) -> None:
    fast = tmp_path / "fast.json"
    slow = tmp_path / "typer.json"
    assert fast_forecast(["forecast", "--model", model, str(path), "--json", str(fast)])
    printed = capsys.readouterr().out
    r = runner.invoke(app, ["forecast", "--model", model, str(path), "--json", str(slow)])
    assert r.exit_code == 0, r.output
    assert fast.read_text() == slow.read_text()
    assert printed == r.stdout
    assert f"{model} forecast: {path}" in printed


def test_fast_path_errors_are_one_line(tmp_path: Path) -> None:
    code = (
        "import sys; from ceasefire.cli import main; "
        f"sys.argv = ['ceasefire', 'forecast', '-m', 'smp', {str(tmp_path / 'none.csv')!r}]; main()"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr == f"error: {tmp_path / 'none.csv'}: file not found\n"


def test_fast_path_loads_no_typer_rich_or_pydantic(tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    code = (
        "import sys; from ceasefire.cli import main; "
        f"sys.argv = ['ceasefire', 'forecast', '-m', 'smp', {str(KTAB / 'SOE-Pol-Comp.csv')!r}, "
        f"'--json', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print(sorted(m for m in ('typer', 'rich', 'pydantic', 'scipy', 'pandas', 'numba',"
        " 'numpy.ma', 'numpy.random', 'ruamel') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "[]"
    assert json.loads(out.read_text())["model"] == "smp"
