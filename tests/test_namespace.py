"""The public namespace: ``ceasefire.__all__`` is what it says (after Mesa's import test)."""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys
import types

import pytest

import ceasefire as cf


def test_all_names_importable() -> None:
    assert len(cf.__all__) == len(set(cf.__all__)), "duplicate names in __all__"
    for name in cf.__all__:
        assert hasattr(cf, name), name
        assert getattr(cf, name) is not None, name


def test_no_private_names() -> None:
    private = [n for n in cf.__all__ if n.startswith("_") and n != "__version__"]
    assert private == []


def test_star_import_is_all() -> None:
    ns: dict[str, object] = {}
    exec("from ceasefire import *", ns)
    assert set(ns) - {"__builtins__"} == set(cf.__all__)


def test_nothing_public_outside_all() -> None:
    # every public attribute of the package is listed, or is a subpackage
    stray = [
        n
        for n in dir(cf)
        if not n.startswith("_")
        and n not in cf.__all__
        and n != "annotations"  # from __future__
        and not isinstance(getattr(cf, n), types.ModuleType)
    ]
    assert stray == []


def test_implementation_modules_are_private() -> None:
    # public names are defined in private modules (the layer folders scenario/, bargaining/,
    # engine/, validation/ hold private modules only) and reached through ``ceasefire``
    for name in cf.__all__:
        obj = getattr(cf, name)
        module = getattr(obj, "__module__", None)
        if module is not None and module.startswith("ceasefire"):
            parts = module.split(".")[1:]
            assert parts and parts[-1].startswith("_"), (name, module)


def test_version_matches_metadata() -> None:
    assert cf.__version__ == importlib.metadata.version("ceasefire")


@pytest.mark.slow
def test_first_lines_of_a_user() -> None:
    # STYLE.md: import ceasefire as cf; sc = cf.load(...); res = cf.analyze(sc)
    sc = cf.load("russia-ukraine-2024")
    assert isinstance(sc, cf.Scenario)
    res = cf.analyze(sc, paths=50)
    assert isinstance(res, cf.AnalysisResult)
    frame = res.to_frame()
    assert {"plan", "actor", "utility", "reservation", "margin", "accepts"} <= set(frame.columns)
    assert res.to_json()["scenario"] == sc.id


def test_errors_share_one_base() -> None:
    assert issubclass(cf.ScenarioError, cf.CeasefireError)
    assert issubclass(cf.InputError, cf.CeasefireError)


def test_import_is_light() -> None:
    # the CLI and the heavy optional libraries load only when used
    code = (
        "import sys, ceasefire; "
        "print(sorted(m for m in ('typer', 'rich', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_cli_entry_point() -> None:
    cli = importlib.import_module("ceasefire.cli")
    assert callable(cli.main)
