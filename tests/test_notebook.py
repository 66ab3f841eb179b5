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
    p = res.to_dict()["settlement"]["p_by_month"]
    assert f"P(deal within 12 months)</th><td style='text-align:left'>{p[11]:.0%}" in html
    assert "median month" in html


def test_plot_accessor_returns_charts_with_the_run_numbers(res: cf.AnalysisResult) -> None:
    import altair as alt

    d = res.to_dict()
    chart = res.plot.ripeness()
    assert isinstance(chart, alt.TopLevelMixin)
    rows = [r for ds in chart.to_dict()["datasets"].values() for r in ds]
    # the line's data (rows with a band) are G_t month by month
    assert [r["G"] for r in rows if "lo" in r] == pytest.approx(d["ripeness"]["G"])
    # the settlement curve is the engine's P(deal by month), its band p ± 1.96 s.e.
    rows = [r for ds in res.plot.settlement().to_dict()["datasets"].values() for r in ds]
    line = [r for r in rows if r.get("series") == "this run"]
    band = [r for r in rows if r.get("series") == "Monte Carlo 95% band"]
    p, se = d["settlement"]["p_by_month"], d["settlement"]["p_se"]
    assert [r["p"] for r in line] == pytest.approx(p)
    hi = [min(1.0, a + 1.96 * b) for a, b in zip(p, se, strict=True)]
    assert [r["hi"] for r in band] == pytest.approx(hi)
    # drawn at the end of each month: P(signed by the end of 2024-11) at 2024-12-01
    assert [r["month"] for r in line] == d["settlement"]["calendar"]
    assert line[0]["date"] == d["settlement"]["calendar"][1] + "-01"
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
