"""``ceasefire report``: one self-contained HTML briefing (all JavaScript and data inlined).

The page reads top to bottom: the headline answers in words with their uncertainty,
the figures (each drawn by Vega-Lite from the run's numbers, which are embedded as
JSON), and the provenance of every input number: its source (paragraph and quote,
beside the paragraph's text when the article is supplied) or its judgement and reason,
filtered by a search box. Nothing is fetched from the network.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._data import MissingData, RunData
from ._figures import FIGURES
from ._words import headline

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["SECTIONS", "Report", "build_report", "provenance_rows", "read_article"]

# (section id, heading, figure name or None, text under the heading)
SECTIONS: list[tuple[str, str, str | None, str]] = [
    ("headline", "Headline answers", None, ""),
    (
        "settlement",
        "Settlement probability by calendar month",
        "settlement",
        "P(a deal is signed by the end of each month), with the headline's two numbers marked: "
        "P(deal within 12 months) and the median month. Band: Monte Carlo 95% interval; with "
        "exploration results whose worlds carry P(settlement), a second band: 10-90% of worlds "
        "drawn from the analyst's ranges.",
    ),
    (
        "ripeness",
        "Ripeness over time",
        "ripeness",
        "G_t is the gain, for the veto player that gains least, from the best deal available in "
        "month t over fighting on; the window is open when G_t > 0. Band: Monte Carlo 95%.",
    ),
    (
        "plans",
        "Named plans: who accepts, and when",
        "plans",
        "Each veto player's margin (value of settling on the plan minus value of fighting on) "
        "by month. The bottom row is the worst veto player's margin: a plan passes when it is "
        "green.",
    ),
    (
        "issues",
        "The issue space",
        "issue_space",
        "Every issue on its own [0, 1] scale, labelled with the scenario's words for 0, 0.5 and 1.",
    ),
    (
        "removal",
        "Removal risk by course of action",
        "removal_risk",
        "The regime's probability of losing power within the span if it fights on or settles "
        "now on each plan.",
    ),
    (
        "counterfactuals",
        "Counterfactuals",
        "counterfactuals",
        "Ripeness at month 0 with one mechanism switched off at a time: how much of the "
        "impasse each mechanism explains.",
    ),
    (
        "levers",
        "The lever surface",
        "lever_surface",
        "P(a deal is signed within 12 months) if sanctions and long-range strikes are held at "
        "each level from month 0 (other levers as in the run); the cross marks the run's own "
        "setting.",
    ),
    (
        "sensitivity",
        "Sensitivity to the analyst's judgements",
        "sensitivity",
        "From `ceasefire explore`: which uncertain inputs move the answer most.",
    ),
    ("provenance", "Provenance of every input number", None, ""),
    ("about", "About this run", None, ""),
]

_PARA = re.compile(r"¶\s*(\d+)(?:\s*[-–]\s*¶?\s*(\d+))?")


def read_article(path: str | Path) -> dict[int, str]:
    """An article as ``{paragraph number: text}``: line N of the file is ¶N (blank lines skipped
    only at the end). This is how the built-in scenario cites its article."""
    from .._io import read_text  # regular files only, bounded, UTF-8

    text = read_text(path, what="article")
    lines = text.rstrip("\n").split("\n")
    return {i + 1: line.strip() for i, line in enumerate(lines)}


def provenance_rows(sc: Scenario) -> list[dict[str, Any]]:
    """Every input number (and every plan) with its source or judgement."""
    rows: list[dict[str, Any]] = []
    for path, q in sc.quantities():
        row: dict[str, Any] = {
            "field": path,
            "value": q.value,
            "range": list(q.range) if q.range is not None else None,
            "ref": None,
            "at": None,
            "quote": None,
            "paragraphs": [],
            "judgement": q.judgement,
        }
        if q.source is not None:
            row.update(ref=q.source.ref, at=q.source.at, quote=q.source.quote)
        rows.append(row)
    for p in sc.proposals:
        row = {
            "field": f"proposals[{p.id}]",
            "value": None,
            "range": None,
            "ref": p.source.ref if p.source else None,
            "at": p.source.at if p.source else None,
            "quote": p.source.quote if p.source else None,
            "paragraphs": [],
            "judgement": p.judgement,
        }
        rows.append(row)
    for row in rows:
        paras: set[int] = set()
        for text in (row["at"], row["judgement"]):
            for m in _PARA.finditer(text or ""):
                a = int(m.group(1))
                b = int(m.group(2)) if m.group(2) else a
                paras.update(range(a, min(b, a + 20) + 1))
        row["paragraphs"] = sorted(paras)
    return rows


@lru_cache(maxsize=1)
def _vega_bundle() -> str:
    import vl_convert

    bundle: str = vl_convert.javascript_bundle(
        "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
    )
    return bundle.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _json_for_script(data: Any) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\u0021--")


@dataclass
class Report:
    """A built report: the HTML text, the figures' Vega-Lite specs and the notes for skipped
    figures."""

    html: str
    specs: dict[str, dict[str, Any]]
    notes: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)

    def write(self, path: str | Path) -> Path:
        from .._io import write_text  # keeps the user's umask, devices and links

        write_text(path, self.html)
        return Path(path)

    def write_png(self, directory: str | Path, *, scale: float = 2.0) -> list[Path]:
        """Each figure as ``DIR/<section>.png`` (offline, with vl-convert)."""
        import vl_convert

        from .._errors import InputError

        out = Path(directory)
        if out.exists() and not out.is_dir():
            raise InputError(f"--png {str(out)!r}: not a directory")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, spec in self.specs.items():
            png = vl_convert.vegalite_to_png(spec, scale=scale)
            target = out / f"{name}.png"
            try:
                target.write_bytes(png)
            except OSError as exc:
                raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None
            written.append(target)
        return written


_CSS = """
:root { --ink:#1d2733; --muted:#5b6675; --line:#dde2e8; --accent:#1f5f99; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif;
       color: var(--ink); margin: 0; background: #f6f7f9; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 60px; background: white; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header p { color: var(--muted); margin: 2px 0; }
nav { position: sticky; top: 0; background: white; border-bottom: 1px solid var(--line);
      padding: 6px 0; margin: 12px 0 8px; font-size: 13px; z-index: 5;
      display: flex; flex-wrap: wrap; gap: 2px 14px; }
nav a { color: var(--accent); text-decoration: none; white-space: nowrap; }
h2 { font-size: 20px; border-bottom: 2px solid var(--ink); padding-bottom: 3px; margin-top: 34px; }
.lead { color: var(--muted); margin-top: 0; }
.note { background: #fff8e1; border-left: 4px solid #e0a800; padding: 8px 12px; }
dl.answers dt { font-weight: 700; margin-top: 12px; }
dl.answers dd { margin: 2px 0 0 0; }
dl.answers .unc { color: var(--muted); font-size: 13px; display: block; }
dl.answers ul { margin: 4px 0; }
.figure { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top;
         text-align: left; }
th { background: #eef1f4; position: sticky; top: 34px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.field { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; width: 24%; }
.quote { font-style: italic; }
.para { color: var(--muted); font-size: 12px; }
.para mark { background: #fff0a8; }
#prov-filter { width: 100%; padding: 7px 10px; font-size: 14px; margin: 6px 0; }
#prov-count { color: var(--muted); font-size: 13px; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
"""

_JS = """
const specs = JSON.parse(document.getElementById('specs').textContent);
const opts = {actions: {export: true, source: false, compiled: false, editor: false},
              renderer: 'svg'};
const jobs = Object.entries(specs).map(([name, spec]) =>
  window.vegaEmbed('#fig-' + name, spec, opts).then(() => {
    document.getElementById('fig-' + name).dataset.rendered = 'yes';
  }));
Promise.all(jobs).then(() => { document.body.dataset.figures = 'rendered'; });
"""

_FILTER_JS = """
(function () {
  const box = document.getElementById('prov-filter');
  const rows = Array.from(document.querySelectorAll('#prov tbody tr'));
  const count = document.getElementById('prov-count');
  function apply() {
    const words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const text = row.textContent.toLowerCase();
      const ok = words.every(w => text.includes(w));
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = shown + ' of ' + rows.length + ' inputs shown';
  }
  box.addEventListener('input', apply);
  apply();
})();
"""


def _fmt(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def _breakable(path: str) -> str:
    """A field path that wraps only after a dot or before a bracket, never mid-word."""
    text = escape(path).replace(".", ".<wbr>").replace("[", "<wbr>[")
    return text


def _highlight(paragraph: str, quote: str | None) -> str:
    text = escape(paragraph)
    if quote:
        for piece in re.split(r"\s*\.\.\.\s*|\s*…\s*", quote):
            piece = piece.strip()
            if len(piece) >= 4 and escape(piece) in text:
                text = text.replace(escape(piece), f"<mark>{escape(piece)}</mark>", 1)
    return text


def _provenance_html(sc: Scenario, article: Mapping[int, str] | None) -> str:
    rows = provenance_rows(sc)
    titles = {s.id: s.title for s in sc.sources}
    body = []
    for r in rows:
        if r["ref"] is not None:
            where = (
                f'<span title="{escape(titles.get(r["ref"], r["ref"]))}">{escape(r["ref"])}</span> '
                f"{escape(r['at'] or '')}"
            )
            src = f"<b>source</b>: {where}"
            if r["quote"]:
                src += f'<br><span class="quote">“{escape(r["quote"])}”</span>'
        else:
            src = f"<b>judgement</b>: {escape(r['judgement'] or '(none given)')}"
        paras = []
        if r["paragraphs"]:
            for n in r["paragraphs"]:
                if article and n in article:
                    paras.append(f"<b>¶{n}</b> {_highlight(article[n], r['quote'])}")
                else:
                    paras.append(f"<b>¶{n}</b> (text not included)")
        rng = r["range"]
        body.append(
            "<tr>"
            f'<td class="field">{_breakable(r["field"])}</td>'
            f'<td class="num">{escape(_fmt(r["value"]))}</td>'
            f'<td class="num">{escape(f"{rng[0]:g} – {rng[1]:g}") if rng else ""}</td>'
            f"<td>{src}</td>"
            f'<td class="para">{"<br>".join(paras)}</td>'
            "</tr>"
        )
    n_src = sum(1 for r in rows if r["ref"] is not None)
    n_judg = sum(1 for r in rows if r["ref"] is None and r["judgement"])
    bare = len(rows) - n_src - n_judg
    article_note = (
        "Paragraph text is shown beside each source; the quoted words are highlighted."
        if article
        else "The article's text is not shipped with ceasefire (it is not ours to "
        "redistribute): each source shows its paragraph number and quote; pass "
        "<code>--article FILE</code> (one paragraph per line, line N = ¶N) to show the "
        "paragraphs' text."
    )
    return (
        f'<p class="lead">{len(rows)} inputs: {n_src} with a source, {n_judg} with a stated '
        f"judgement{f', {bare} with neither' if bare else ''}. {article_note}</p>"
        '<input id="prov-filter" type="search" placeholder="Filter: e.g. ¶15, sanctions, '
        'russia salience" aria-label="Filter the inputs">'
        '<div id="prov-count"></div>'
        '<table id="prov"><thead><tr><th>input</th><th>value</th><th>range</th>'
        "<th>source or judgement</th><th>paragraph</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def _about_html(rd: RunData, command: str | None, timings: Mapping[str, float]) -> str:
    d = rd.d
    eng = d.get("engine") or {}
    items = [
        ("scenario", f"{d.get('scenario')} ({d.get('title')})"),
        ("as of", d.get("as_of")),
        ("ceasefire version", d.get("version")),
        ("seed", d.get("seed")),
        ("Monte Carlo paths", eng.get("paths")),
        ("months simulated", eng.get("horizon")),
        ("command", command),
        ("built in", f"{sum(timings.values()):.1f} s" if timings else None),
    ]
    if rd.explore:
        ex = rd.explore
        items.append(
            (
                "exploration",
                f"{ex.get('method')}, {ex.get('worlds')} worlds, {ex.get('paths')} paths, "
                f"seed {ex.get('seed')}",
            )
        )
    lis = "".join(
        f"<li><b>{escape(k)}</b>: {escape(str(v))}</li>" for k, v in items if v is not None
    )
    return (
        f"<ul>{lis}</ul><p>The run's full JSON (the same as <code>ceasefire run --json</code>, "
        "plus the report's lever grid) is embedded in this file as "
        '<code>&lt;script id="run-data"&gt;</code>.</p>'
    )


def build_report(
    rd: RunData,
    *,
    article: Mapping[int, str] | None = None,
    command: str | None = None,
    timings: Mapping[str, float] | None = None,
) -> Report:
    """Build the HTML briefing from a run (its JSON, scenario and optional exploration)."""
    t0 = time.perf_counter()
    specs: dict[str, dict[str, Any]] = {}
    notes: dict[str, str] = {}
    for _sid, _heading, fig, _lead in SECTIONS:
        if fig is None:
            continue
        try:
            chart = FIGURES[fig](rd)
        except MissingData as exc:
            notes[fig] = str(exc)
            continue
        specs[fig] = chart.to_dict()
    sc = rd.scenario
    d = rd.d
    parts: list[str] = []
    for sid, heading, fig, lead in SECTIONS:
        if sid == "sensitivity" and fig in notes and not rd.explore:
            body = f'<p class="note">{escape(notes[fig])}</p>'
        elif fig is not None:
            body = f'<p class="lead">{escape(lead)}</p>' + (
                f'<div class="figure" id="fig-{fig}" role="img" '
                f'aria-label="{escape(heading)}"></div>'
                if fig in specs
                else f'<p class="note">Not drawn: {escape(notes[fig])}.</p>'
            )
        elif sid == "headline":
            body = (
                '<dl class="answers">'
                + "".join(
                    f"<dt>{escape(h.question)}</dt><dd>{escape(h.answer)}"
                    + (
                        "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in h.items) + "</ul>"
                        if h.items
                        else ""
                    )
                    + (
                        f'<span class="unc">Uncertainty: {escape(h.uncertainty)}</span>'
                        if h.uncertainty
                        else ""
                    )
                    + "</dd>"
                    for h in headline(rd)
                )
                + "</dl>"
            )
        elif sid == "provenance":
            body = (
                _provenance_html(sc, article)
                if sc is not None
                else '<p class="note">The scenario is not available: no provenance.</p>'
            )
        else:
            body = _about_html(rd, command, dict(timings or {}))
        parts.append(f'<section id="{sid}"><h2>{escape(heading)}</h2>{body}</section>')
    nav = "".join(f'<a href="#{sid}">{escape(h.split(":")[0])}</a>' for sid, h, _f, _l in SECTIONS)
    title = f"{d.get('title', d.get('scenario'))}: briefing"
    desc = escape(sc.description) if sc is not None and getattr(sc, "description", None) else ""
    html = (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<header><h1>{escape(str(d.get('title', '')))}</h1>"
        f"<p>ceasefire briefing · scenario <b>{escape(str(d.get('scenario')))}</b> · as of "
        f"{escape(str(d.get('as_of')))} · ceasefire {escape(str(d.get('version')))} · seed "
        f"{escape(str(d.get('seed')))}</p>"
        + (f"<p><i>{desc}</i></p>" if desc else "")
        + f"</header><nav>{nav}</nav>"
        + "".join(parts)
        + "<footer>Made with ceasefire. The figures are drawn in this page by Vega-Lite from "
        "the embedded numbers; the page needs no network.</footer></main>"
        f'<script type="application/json" id="specs">{_json_for_script(specs)}</script>'
        f'<script type="application/json" id="run-data">{_json_for_script(d)}</script>'
        f'<script type="module">{_vega_bundle()}</script>'
        f'<script type="module">{_JS}</script>'
        f"<script>{_FILTER_JS}</script>"
        "</body></html>\n"
    )
    timing = dict(timings or {})
    timing["html"] = time.perf_counter() - t0
    return Report(html=html, specs=specs, notes=notes, timings=timing)
