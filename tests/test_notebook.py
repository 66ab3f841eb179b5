"""Notebook views: short repr, compact HTML repr, res.plot.*, and the example notebook runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import ceasefire as cf

pytest.importorskip("altair", reason="the report extra is not installed")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "briefing.ipynb"


@pytest.fixture(scope="module")
def res() -> cf.AnalysisResult:
    return cf.analyze(cf.load("russia-ukraine-2024"), seed=0, paths=100, horizon=12)


def test_text_repr_is_short_and_says_the_headline(res: cf.AnalysisResult) -> None:
    text = repr(res)
    assert len(text) < 600
    assert "russia-ukraine-2024" in text and "G_0" in text and ".plot" in text


@pytest.mark.slow
def test_html_repr_is_compact_with_a_figure(res: cf.AnalysisResult) -> None:
    html = res._repr_html_()
    assert len(html) < 100_000
    assert "<table>" in html and "<svg" in html
    assert "G_0" in html


def test_plot_accessor_returns_charts_with_the_run_numbers(res: cf.AnalysisResult) -> None:
    import altair as alt

    chart = res.plot.ripeness()
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()
    # the month-by-month line (not the label marking the first open month)
    values = [
        r["G"] for ds in spec["datasets"].values() for r in ds if "G" in r and "label" not in r
    ]
    assert values == pytest.approx(list(res.to_dict()["ripeness"]["G"]))
    for name in ("plans", "issue_space", "removal_risk", "counterfactuals"):
        assert isinstance(getattr(res.plot, name)(), alt.TopLevelMixin), name


@pytest.mark.slow
def test_example_notebook_runs(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(EXAMPLE, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    first = nb.cells[1].outputs[0]
    assert "text/html" in first.data  # the result's compact HTML view
    assert sum("image/svg+xml" in o.get("data", {}) for o in outputs) >= 5  # the figures
