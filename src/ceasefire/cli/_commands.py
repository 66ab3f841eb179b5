"""Imports every command module so that each registers its commands on the app."""

from __future__ import annotations

from . import (
    _core,  # noqa: F401  (run, validate, scenarios, schema, forecast)
    _levers,  # noqa: F401  (levers)
)
from ._app import app
from ._bench import bench_app

app.add_typer(bench_app, name="bench")
from . import _backtest, _explore  # noqa: E402, F401  (backtest, explore)
