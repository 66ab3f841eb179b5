"""Imports every command module so that each registers its commands on the app."""

from __future__ import annotations

from . import (
    _core,  # noqa: F401  (run, validate, scenarios, schema, forecast)
    _levers,  # noqa: F401  (levers)
    _report,  # noqa: F401  (report)
    _serve,  # noqa: F401  (serve)
)
from ._app import app
from ._bench import bench_app

app.add_typer(bench_app, name="bench")
from . import _backtest  # noqa: F401,E402  (backtest)
