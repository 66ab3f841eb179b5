"""Terminal output: the sparkline's fixed, stated scale, and tables that fit 80 columns."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from ceasefire.cli._report import sparkline, sparkline_scale
from conftest import DEU, needs_shared


def test_sparkline_lowest_value_draws_the_lowest_bar() -> None:
    g = np.array([-0.058, -0.03, 0.0, 0.039])
    line = sparkline(g)
    assert line[0] == "▁"  # not a blank
    assert " " not in line
    assert line[-1] != "▁"


def test_sparkline_small_change_is_flat() -> None:
    # a 0.003 change must not be stretched into a collapse across the bars
    # (the old scale stretched any range over all eight bars)
    g = np.array([0.100, 0.099, 0.098, 0.097])
    _base, step = sparkline_scale(g)
    assert step >= 0.005
    levels = {"▁▂▃▄▅▆▇█".index(c) for c in sparkline(g)}
    assert max(levels) - min(levels) <= 1


@pytest.mark.parametrize(
    "values", [[-0.058, 0.039], [0.0, 1.0], [5.0, 5.0], [-3.2, -3.1, 7.7], [1e-4, 2e-4]]
)
def test_sparkline_scale_spans_the_values(values: list[float]) -> None:
    g = np.array(values)
    base, step = sparkline_scale(g)
    assert base <= g.min() + 1e-12
    assert base + 7 * step >= g.max() - 1e-12
    # nice steps: 1, 2, 2.5 or 5 times a power of ten
    mant = step / 10 ** np.floor(np.log10(step))
    assert min(abs(mant - m) for m in (1, 2, 2.5, 5, 10)) < 1e-9
    bars = sparkline(g, (base, step))
    assert bars[int(np.argmin(g))] == min(bars)


def _cli(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    out = subprocess.run(
        [sys.executable, "-c", "from ceasefire.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    return out.stdout


def _check_fits(text: str, words: list[str]) -> None:
    long = [line for line in text.splitlines() if len(line) > 80]
    assert long == [], long[:3]
    for w in words:  # each word printed whole (never broken across lines or cut)
        assert re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text), w


@pytest.mark.slow
def test_run_fits_80_columns() -> None:
    text = _cli("run", "--paths", "60", "--horizon", "12")
    _check_fits(
        text,
        [
            "Russia-Ukraine war, late November 2024",
            "as of 2024-11-28",
            "ukraine-land-swap",
            "zaporizhzhia_kherson",
            "all veto players accept",
            "long_range_strikes",
            "no_leader_survival",
        ],
    )
    assert "(scale: ▁ = " in text


@pytest.mark.slow
def test_levers_fits_80_columns() -> None:
    text = _cli("levers", "--paths", "40", "--horizon", "6", "--aid", "0.6")
    _check_fits(text, ["first window month", "sanctions", "strikes"])


@pytest.mark.slow
@needs_shared(DEU)
def test_bench_deu_fits_80_columns() -> None:
    text = _cli("bench", "deu", "--data", str(DEU))
    _check_fits(text, ["ensemble_rule_cv", "reference_point", "delta [95% CI]"])
    assert re.search(r"\+27\.87 \[\+\d+\.\d\d, \+\d+\.\d\d\]", text)  # numbers whole
