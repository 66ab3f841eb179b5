"""The page ``ceasefire serve`` shows at ``/``: lever and premise sliders and live results."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from ..scenario._registry import PARAMETERS

__all__ = ["PREMISES", "page_html"]

# Premise sliders: parameter -> (low, high, step) shown (clipped to the parameter's bounds).
PREMISES: dict[str, tuple[float, float, float]] = {
    "punishment": (0.0, 300.0, 5.0),
    "backlash": (0.0, 3.0, 0.05),
    "war_dependence": (0.0, 1.0, 0.05),
    "hazard_base": (-9.0, -3.0, 0.1),
    "talks_relief": (0.0, 1.0, 0.05),
    "theta0": (0.45, 0.65, 0.01),
    # how much the perceived zone gates the deal: 10 (the calibrated bound) barely, 0 fully
    "settlement_scale": (0.0, 10.0, 0.1),
}

_LEVER_WORDS = {
    "sanctions": "Western sanctions on Russia",
    "strikes": "Ukraine's long-range strikes",
    "aid": "Western military aid to Ukraine",
    "foreign_troops": "foreign (North Korean) troops with Russia",
}

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2733; background: #f6f7f9; }
header { padding: 12px 20px; background: white; border-bottom: 1px solid #dde2e8; }
header h1 { font-size: 20px; margin: 0; }
header p { margin: 2px 0; color: #5b6675; }
.wrap { display: grid; grid-template-columns: 330px 1fr; gap: 16px; padding: 16px 20px; }
aside, section { background: white; border: 1px solid #dde2e8; border-radius: 6px; padding: 12px; }
aside h2, section h2 { font-size: 15px; margin: 4px 0 8px; }
label { display: block; margin-top: 8px; font-size: 13px; }
label .v { float: right; font-variant-numeric: tabular-nums; font-weight: 600; }
label small { display: block; color: #5b6675; }
input[type=range] { width: 100%; }
select { width: 100%; padding: 4px; }
#status { color: #5b6675; font-size: 13px; min-height: 1.4em; }
#status.err { color: #b8322a; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 4px; }
th, td { border-bottom: 1px solid #e5e8ec; padding: 3px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; white-space: nowrap; }
td.yes { color: #2e7d32; font-weight: 600; } td.no { color: #b8322a; }
#headline { font-size: 15px; margin: 4px 0 10px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
button { margin-top: 10px; }
"""


@lru_cache(maxsize=1)
def _page_js() -> str:
    return (resources.files(__package__) / "page.js").read_text(encoding="utf-8")


def page_html(limits: Mapping[str, Any]) -> str:
    """The page, for a server with these limits (``Limits.__dict__``)."""
    premises = {
        k: (max(lo, PARAMETERS[k].lo), min(hi, PARAMETERS[k].hi), step)
        for k, (lo, hi, step) in PREMISES.items()
        if k in PARAMETERS
    }
    data = {
        "limits": json.dumps(dict(limits)),
        "premises": json.dumps(premises),
        "lever-words": json.dumps(_LEVER_WORDS),
    }
    blobs = "".join(
        f'<script type="application/json" id="{k}">{escape(v, quote=False)}</script>'
        for k, v in data.items()
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='icon' href='data:,'>"
        f"<title>ceasefire: levers and premises</title><style>{_CSS}</style></head><body>"
        "<header><h1>ceasefire: move a lever or a premise, see the war's end move</h1>"
        f"<p id='about'></p><p>Each change reruns the model with {limits['interactive_paths']} "
        "Monte Carlo paths so that it answers in a second or two (the command line uses 1,000): "
        "differences smaller than the band are noise. A moved lever is held at its value from "
        "month 0.</p></header>"
        "<div class='wrap'><aside><h2>Scenario</h2><select id='scenario'></select>"
        "<label>seed <input id='seed' type='number' value='0' min='0' style='width:6em'></label>"
        "<h2>Levers</h2><div id='levers'></div>"
        "<h2>Premises</h2><div id='premises-box'></div>"
        "<button id='reset' type='button'>Reset to the scenario</button></aside>"
        "<main><section><div id='status'></div><p id='headline'></p>"
        "<div id='curve' style='width:100%'></div></section>"
        "<div class='cols'><section><h2>Named plans: margins at month 0 (veto players)</h2>"
        "<table id='plans'></table></section>"
        "<section><h2>Removal risk by course of action</h2><table id='removal'></table>"
        "</section></div></main></div>"
        f"{blobs}<script src='/assets/vega.js' type='module'></script>"
        f"<script type='module'>{_page_js()}</script></body></html>\n"
    )
