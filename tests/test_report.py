"""`ceasefire report`: the HTML briefing parses, has every section and every input's
provenance, and its figures carry the run's own numbers."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ceasefire as cf
from conftest import SHARED_DATA

pytest.importorskip("altair", reason="the report extra is not installed")

from ceasefire.cli._app import app
from ceasefire.report import (
    SECTIONS,
    MissingData,
    lever_surface_data,
    make_report,
    provenance_rows,
    read_article,
    run_data,
    sensitivity,
    settlement,
)

ARTICLE_TEXT = SHARED_DATA.parent / "seed" / "article.txt"
runner = CliRunner()
SMALL = {"paths": 100, "horizon": 24, "surface_paths": 30, "surface_steps": 3}

# Exploration output in the shape of `ceasefire explore --json` (issue 12's contract):
# test data for the figure code, not results of the model.
EXPLORE_SHAPE: dict[str, Any] = {
    "method": "morris",
    "worlds": 64,
    "paths": 100,
    "seed": 0,
    "settlement": {
        "p_by_month_median": [0.01 * t for t in range(24)],
        "p_by_month_q10": [0.005 * t for t in range(24)],
        "p_by_month_q90": [0.02 * t for t in range(24)],
    },
    "claims": {"C1": {"share": 0.5, "lo": 0.4, "hi": 0.6}},
    "sensitivity": [
        {
            "input": "punishment",
            "output": "p_settle_12",
            "index": "mu_star",
            "value": 0.3,
            "conf": 0.05,
        },
        {
            "input": "backlash",
            "output": "p_settle_12",
            "index": "mu_star",
            "value": 0.1,
            "conf": 0.02,
        },
        {"input": "theta0", "output": "G0", "index": "mu_star", "value": 0.2, "conf": 0.01},
    ],
    "boxes": [],
}


class _Checker(HTMLParser):
    """Fails on mismatched tags; collects ids and the text of the provenance table."""

    VOID = frozenset({"meta", "link", "br", "input", "img", "hr", "wbr", "col", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.scripts: dict[str, str] = {}
        self.prov_rows = 0
        self._script_id: str | None = None
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "script":
            self._script_id = a.get("id")
        if tag == "tr" and "prov" in self.stack_ids():
            self.prov_rows += 1
        if tag not in self.VOID:
            self.stack.append(f"{tag}#{a.get('id') or ''}")

    def stack_ids(self) -> list[str]:
        return [s.split("#", 1)[1] for s in self.stack]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1].split("#")[0] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()
        if tag == "script":
            self._script_id = None

    def handle_data(self, data: str) -> None:
        if self._script_id:
            self.scripts[self._script_id] = self.scripts.get(self._script_id, "") + data


@pytest.fixture(scope="module")
def built() -> tuple[str, Any]:
    sc = cf.load("russia-ukraine-2024")
    rep = make_report(sc, article=ARTICLE_TEXT if ARTICLE_TEXT.is_file() else None, **SMALL)
    return rep.html, rep


def _parse(html: str) -> _Checker:
    p = _Checker()
    p.feed(html)
    p.close()
    assert p.errors == []
    assert p.stack == []
    return p


@pytest.mark.slow
def test_report_parses_and_has_every_section(built: tuple[str, Any]) -> None:
    html, rep = built
    p = _parse(html)
    assert html.startswith("<!DOCTYPE html>")
    for sid, heading, fig, _lead in SECTIONS:
        assert sid in p.ids, sid
        assert escape(heading) in html
        if fig is not None:  # drawn, or a note that says why not
            assert f"fig-{fig}" in p.ids or fig in rep.notes, fig
    assert {
        "settlement",
        "ripeness",
        "plans",
        "issue_space",
        "removal_risk",
        "counterfactuals",
        "lever_surface",
    } == set(rep.specs)
    assert "fig-settlement" in p.ids and "fig-lever_surface" in p.ids
    # only the tornado is missing (no exploration given), and the page says why
    assert set(rep.notes) == {"sensitivity"}
    assert "no exploration results" in html


@pytest.mark.slow
def test_headline_answers_carry_the_run_numbers(built: tuple[str, Any]) -> None:
    html, _ = built
    run = json.loads(_parse(html).scripts["run-data"])
    s, deal = run["settlement"], run["predicted_deal"]
    p, se = s["p_by_month"][11], s["p_se"][11]
    assert f"P(a deal is signed within 12 months) = {p:.0%}" in html
    lo, hi = max(0.0, p - 1.96 * se), min(1.0, p + 1.96 * se)
    assert f"Monte Carlo 95% interval at 12 months: {lo:.0%} to {hi:.0%}" in html
    med = s["median_month"]
    when = "never within the span" if med is None else f"month {med} ({s['calendar'][med]})"
    assert f"Median month of signature: {when}" in html
    assert f"12 months after signing) = {deal['p_hold_12']:.0%}" in html
    assert f"36 months after = {deal['p_hold_36']:.0%}" in html
    grid = run["report_lever_surface"]["grid"]
    top = max(grid, key=lambda r: r["p12"])
    assert f"to {top['p12']:.0%} (sanctions {top['sanctions']:g}, strikes" in html


@pytest.mark.slow
def test_report_is_self_contained(built: tuple[str, Any]) -> None:
    html, _ = built
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "vegaEmbed" in html  # the Vega bundle is inlined
    assert '<script type="module">' in html


@pytest.mark.slow
def test_every_input_has_its_provenance(built: tuple[str, Any]) -> None:
    html, _ = built
    sc = cf.load("russia-ukraine-2024")
    rows = provenance_rows(sc)
    p = _parse(html)
    assert p.prov_rows == len(rows) + 1  # + the header row
    plain = re.sub(r"<wbr>", "", html)
    for r in rows:
        assert r["field"].replace("<", "&lt;") in plain, r["field"]
        if r["quote"]:
            assert r["quote"].replace("'", "&#x27;").replace('"', "&quot;")[:20] in plain
        elif r["judgement"]:
            frag = r["judgement"][:25]
            assert frag.replace("'", "&#x27;").replace('"', "&quot;") in plain, frag


@pytest.mark.slow
@pytest.mark.skipif(not ARTICLE_TEXT.is_file(), reason="the shared article is not present")
def test_paragraph_text_beside_the_quote(built: tuple[str, Any]) -> None:
    html, _ = built
    para = read_article(ARTICLE_TEXT)
    # ¶13 is cited by the hardliners' positions; its text and the highlighted quote appear
    assert "Minsk II Accords" in para[13]
    assert "<mark>a naïve act of betrayal</mark>" in html


@pytest.mark.slow
def test_without_the_article_only_quotes_are_shown() -> None:
    sc = cf.load("russia-ukraine-2024")
    rep = make_report(sc, paths=60, horizon=12, surface_paths=0)
    assert "text not included" in rep.html
    assert "Faustian bargain" not in rep.html  # ¶14's text is not shipped
    assert "lever_surface" in rep.notes


def _datasets(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for ds in spec.get("datasets", {}).values() for r in ds]


@pytest.mark.slow
def test_figures_carry_the_run_numbers(built: tuple[str, Any]) -> None:
    html, rep = built
    p = _parse(html)
    run = json.loads(p.scripts["run-data"])
    specs = json.loads(p.scripts["specs"])
    assert specs.keys() == rep.specs.keys()
    g = [r["G"] for r in _datasets(specs["ripeness"]) if "G" in r and "lo" in r]
    assert g == pytest.approx(run["ripeness"]["G"])
    risk = {r["course"]: r["p"] for r in _datasets(specs["removal_risk"])}
    assert risk["fight on"] == pytest.approx(run["regime_risk"]["fight"])
    for pid, x in run["regime_risk"]["settle"].items():
        assert risk[f"settle on {pid}"] == pytest.approx(x)
    cf_g0 = {r["case"]: r["G0"] for r in _datasets(specs["counterfactuals"]) if "case" in r}
    assert cf_g0["baseline"] == pytest.approx(run["ripeness"]["G"][0])
    # the heatmap's month-0 margins are the plans' margins in the run JSON
    cells = _datasets(specs["plans"])
    for rec in run["plans"]:
        for actor in run["veto_players"]:
            (m0,) = [
                c["margin"]
                for c in cells
                if c["plan"] == rec["id"] and c["actor"] == actor and c["month"] == 0
            ]
            assert m0 == pytest.approx(rec["margin"][actor], abs=1e-9)
    # the settlement curve and its band are the run's p_by_month and p ± 1.96 s.e.
    rows = _datasets(specs["settlement"])
    p, se = run["settlement"]["p_by_month"], run["settlement"]["p_se"]
    assert [r["p"] for r in rows if r.get("series") == "this run"] == pytest.approx(p)
    band = [r for r in rows if r.get("series") == "Monte Carlo 95% band"]
    lo = [max(0.0, a - 1.96 * b) for a, b in zip(p, se, strict=True)]
    assert [r["lo"] for r in band] == pytest.approx(lo)
    cal = run["settlement"]["calendar"]
    assert [r["month"] for r in rows if r.get("series") == "this run"] == cal
    assert [r["date"][:7] for r in band[:-1]] == cal[1:]  # at the end of each month
    marked = [r for r in rows if "label" in r]
    assert marked[0]["p"] == pytest.approx(p[11]) and "within 12 months" in marked[0]["label"]
    # the lever surface: P(deal within 12 months) per cell, the run's setting marked
    surf = run["report_lever_surface"]
    cells = [r for r in _datasets(specs["lever_surface"]) if "x1" in r]
    assert len(cells) == 9
    assert [c["p12"] for c in cells] == pytest.approx([g["p12"] for g in surf["grid"]])
    (here,) = [r for r in _datasets(specs["lever_surface"]) if "this run" in r.get("label", "")]
    assert here["label"] == f"this run: {p[11]:.0%}"  # the run's own P(deal within 12 months)
    assert here["sanctions"] == pytest.approx(run["levers"]["sanctions"][0])
    assert here["strikes"] == pytest.approx(run["levers"]["strikes"][0])


@pytest.mark.slow
def test_run_data_equals_the_cli_json(built: tuple[str, Any], tmp_path: Path) -> None:
    html, _ = built
    run = json.loads(_parse(html).scripts["run-data"])
    out = tmp_path / "run.json"
    r = runner.invoke(
        app, ["run", "--paths", "100", "--horizon", "24", "--worlds", "0", "--json", str(out), "-q"]
    )
    assert r.exit_code == 0, r.output
    cli = json.loads(out.read_text())
    assert {k: v for k, v in run.items() if not k.startswith("report_")} == cli


@pytest.mark.slow
def test_settlement_figure_follows_the_contract() -> None:
    res = cf.analyze(cf.load("russia-ukraine-2024"), paths=60, horizon=12)
    d = res.to_dict()
    s = d["settlement"]  # contract 3: the engine's own P(deal by month)
    assert len(s["p_by_month"]) == len(s["p_se"]) == len(s["calendar"]) == 12
    spec = settlement(d, explore=EXPLORE_SHAPE).to_dict()
    rows = _datasets(spec)
    line = [r["p"] for r in rows if r.get("series") == "this run"]
    assert line == pytest.approx(s["p_by_month"])
    worlds = [r for r in rows if r.get("series") == "10-90% of worlds"]
    assert [r["hi"] for r in worlds] == pytest.approx(
        EXPLORE_SHAPE["settlement"]["p_by_month_q90"][:12]
    )
    assert rows[0]["date"] == "2024-12-01"  # P(signed by the end of November 2024)
    # an exploration whose worlds carry only the 0/1 proxy: no band over worlds, and it says so
    proxy = {**EXPLORE_SHAPE, "settlement": {**EXPLORE_SHAPE["settlement"], "source": "proxy: 1"}}
    spec = settlement(d, explore=proxy).to_dict()
    assert not [r for r in _datasets(spec) if r.get("series") == "10-90% of worlds"]
    assert "no band over worlds" in json.dumps(spec["title"])
    # a run without the engine's settlement (a scenario with no engine section): not drawn
    del d["settlement"]
    with pytest.raises(MissingData):
        settlement(d)


@pytest.mark.slow
def test_lever_surface_cell_is_the_engine_run_at_that_setting() -> None:
    # a cell of the grid is the run's own P(deal within 12 months) at the cell's levers
    sc = cf.load("russia-ukraine-2024")
    held = {"sanctions": 0.5, "strikes": 1.0}
    run = cf.analyze(sc, paths=60, horizon=12, seed=4, levers=held).to_dict()
    surf = lever_surface_data(sc, levers=held, paths=60, horizon=12, seed=4, steps=3)
    assert surf["current"] == held
    (cell,) = [r for r in surf["grid"] if (r["sanctions"], r["strikes"]) == (0.5, 1.0)]
    assert cell["p12"] == pytest.approx(run["settlement"]["p_by_month"][11], abs=1e-12)
    assert cell["p12_se"] == pytest.approx(run["settlement"]["p_se"][11], abs=1e-12)
    assert cell["median_month"] == run["settlement"]["median_month"]
    assert cell["first_window_month"] == run["first_window_month"]


def test_sensitivity_tornado_from_explore_json(tmp_path: Path) -> None:
    spec = sensitivity(explore=EXPLORE_SHAPE).to_dict()
    rows = [r for r in _datasets(spec) if "input" in r]
    assert [r["input"] for r in rows] == ["punishment", "backlash"]  # p_settle_12, ranked
    with pytest.raises(MissingData):
        sensitivity(explore={"method": "lhs"})
    rd = run_data(
        cf.analyze(cf.load("russia-ukraine-2024"), paths=60, horizon=12), explore=EXPLORE_SHAPE
    )
    assert rd.explore is not None


@pytest.mark.slow
def test_cli_report_writes_html_and_pngs(tmp_path: Path) -> None:
    ex = tmp_path / "ex"
    ex.mkdir()
    (ex / "explore.json").write_text(json.dumps(EXPLORE_SHAPE))
    out = tmp_path / "brief.html"
    pngs = tmp_path / "png"
    r = runner.invoke(
        app,
        [
            "report",
            "--paths",
            "60",
            "--grid-paths",
            "0",
            "-o",
            str(out),
            "--png",
            str(pngs),
            "--explore",
            str(ex),
        ],
    )
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output.replace("\n", "")
    html = out.read_text(encoding="utf-8")
    assert "fig-sensitivity" in html and "morris over 64 worlds" in html.replace("\\u", "")
    files = sorted(f.name for f in pngs.iterdir())
    assert "ripeness.png" in files and "sensitivity.png" in files
    assert (pngs / "ripeness.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_report_bad_inputs_are_one_line(tmp_path: Path) -> None:
    r = runner.invoke(app, ["report", "--explore", str(tmp_path / "none.json")])
    assert r.exit_code == 2 and r.output.count("\n") == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = runner.invoke(app, ["report", "--explore", str(bad)])
    assert r.exit_code == 2 and "not a JSON file" in r.output


def test_report_without_the_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "vl_convert", None)  # as if not installed
    r = runner.invoke(app, ["report"])
    assert r.exit_code == 2
    assert "pip install 'ceasefire[report]'" in r.output


def test_headline_reads_the_engine_v2_deal() -> None:
    # predicted_deal in the shape of contract 3: month, terms, P(holds)
    from ceasefire.report._words import headline

    res = cf.analyze(cf.load("russia-ukraine-2024"), paths=60, horizon=12)
    d = res.to_dict()
    terms = {k: 0.5 for k in d["issues"]}
    d["predicted_deal"] = {"month": 3, "terms": terms, "p_hold_12": 0.9, "p_hold_36": 0.8}
    d["plans"][0]["first_month_all_veto_accept"] = 4
    d["plans"][0]["p_hold_36"] = 0.75
    answers = {h.question: h for h in headline(run_data(d))}
    terms_answer = answers["On what terms?"]
    assert "(median signature: month 3 (2025-02))" in terms_answer.answer
    hold = answers["Will the deal hold?"]
    assert "12 months after signing) = 90%; 36 months after = 80%" in hold.answer
    lo = min(pl["p_hold_36"] for pl in d["plans"])  # the named plans' own P(holds 36 months)
    assert f"runs from {lo:.0%} (" in hold.uncertainty
    assert len(terms_answer.items) == len(d["issues"])
    assert all("about: " in item for item in terms_answer.items)  # 0.5: the mid anchor
    assert "holds 36 months with P = 75%" in answers["Which named plan could pass?"].answer


@pytest.mark.slow
def test_cli_report_bad_article_or_explore_fail_before_the_run(tmp_path: Path) -> None:
    r = runner.invoke(app, ["report", "--article", str(tmp_path)])
    assert r.exit_code == 2 and "is a directory" in r.output
    r = runner.invoke(app, ["report", "--article", str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "not found" in r.output
    r = runner.invoke(app, ["report", "--explore", "/dev/null"])
    assert r.exit_code == 2 and r.output.count("\n") == 1


def test_headline_states_the_spread_over_judgements() -> None:
    # the small exploration `ceasefire run --json` carries (shape of its "exploration" key)
    from ceasefire.report._words import headline

    d = cf.analyze(cf.load("russia-ukraine-2024"), paths=60, horizon=12).to_dict()
    d["exploration"] = {
        "method": "lhs",
        "worlds": 32,
        "paths": 100,
        "seed": 0,
        "settlement": {},
        "spread": {
            "G0": {"median": -0.05, "q10": -0.13, "q90": -0.001, "share_nan": 0.0},
            "first_window_month": {"median": 8.0, "q10": 1.0, "q90": 12.0, "share_nan": 0.47},
        },
    }
    rd = run_data(d)
    assert rd.explore is not None and rd.explore["worlds"] == 32
    first = headline(rd)[0]
    assert "Over 32 worlds" in first.uncertainty
    assert "never opens within 12 months in 47% of worlds" in first.uncertainty
    assert "10-90% of worlds [1, 12]" in first.uncertainty
