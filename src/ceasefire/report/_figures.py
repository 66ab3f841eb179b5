"""The report's figures, as Vega-Lite charts (Altair).

Each function takes a run (an :class:`~ceasefire.AnalysisResult`, the run-JSON dict, or
:class:`RunData`) and returns an ``altair`` chart whose data are the run's numbers, or
raises :class:`MissingData` naming what the run lacks. ``docs/report.md`` says why
Vega-Lite: one small, offline JavaScript bundle for the HTML and offline PNG export
(vl-convert) from registry packages alone.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import altair as alt
import pandas as pd

from ._data import MissingData, RunData, calendar_months, run_data
from ._surface import MONTHS_12

if TYPE_CHECKING:
    from .._analysis import AnalysisResult
    from ..scenario._scenario import Scenario

__all__ = [
    "FIGURES",
    "counterfactuals",
    "issue_space",
    "lever_surface",
    "plans",
    "removal_risk",
    "ripeness",
    "sensitivity",
    "settlement",
]

WIDTH = 600
BLUE, GREY, RED, GREEN, ORANGE = "#1f5f99", "#8a8f98", "#b8322a", "#2e7d32", "#c77c0e"


def _style(chart: Any) -> Any:
    return (
        chart.configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, grid=True, gridColor="#eeeeee")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
        .configure_title(
            fontSize=14, anchor="start", subtitleColor="#555555", subtitleFont="sans-serif"
        )
    )


def _title(text: str, subtitle: str | list[str] | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or "")


def _dates(rd: RunData, n: int) -> list[str]:
    cal = rd.calendar
    if len(cal) < n:
        cal = calendar_months(rd.d["as_of"], n)
    return [f"{c}-01" for c in cal[:n]]


def _month_ends(rd: RunData, n: int) -> list[str]:
    """The end of each of the first ``n`` months (as the first day of the next month): a
    probability of a deal *by the end of* month t is drawn there."""
    cal = rd.calendar
    if len(cal) < n + 1:
        cal = calendar_months(rd.d["as_of"], n + 1)
    return [f"{c}-01" for c in cal[1 : n + 1]]


def _month_x(title: str = "calendar month") -> alt.X:
    return alt.X("date:T", title=title, axis=alt.Axis(format="%b %Y", tickCount=8))


# -----------------------------------------------------------------------------
# Settlement probability by calendar month
# -----------------------------------------------------------------------------


def worlds_settlement(explore: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The exploration's P(settlement by month) over worlds, if it is the engine's own.

    An exploration made before the engine had a settlement hazard carries a 0/1 proxy
    (1 from the first window month): it is not a probability and is not drawn.
    """
    ex = (explore or {}).get("settlement") or {}
    if not ex.get("p_by_month_median") or str(ex.get("source", "")).startswith("proxy"):
        return None
    return ex


def settlement(
    run: AnalysisResult | Mapping[str, Any] | RunData,
    *,
    explore: Mapping[str, Any] | None = None,
) -> alt.LayerChart:
    """P(a deal is signed by the end of each calendar month), with its bands.

    The dark band is the Monte Carlo 95 % interval (p ± 1.96 s.e.); with exploration
    results, the light band is the 10-90 % range over worlds (the analyst's judgements)
    and the dashed line their median. Marked: P(deal within 12 months) and the median
    month.
    """
    rd = run_data(run, explore=explore)
    s = rd.need("settlement", "this scenario has no engine section: no P(settlement by month)")
    p = [float(x) for x in s["p_by_month"]]
    se = [float(x or 0.0) for x in s["p_se"]]
    dates = _month_ends(rd, len(p))  # P(signed by the end of the month)
    line = pd.DataFrame(
        {"date": dates, "month": rd.calendar[: len(p)], "p": p, "series": "this run"}
    )
    band = pd.DataFrame(
        {
            "date": dates,
            "lo": [max(0.0, a - 1.96 * b) for a, b in zip(p, se, strict=True)],
            "hi": [min(1.0, a + 1.96 * b) for a, b in zip(p, se, strict=True)],
            "series": "Monte Carlo 95% band",
        }
    )
    domain, colours = ["this run", "Monte Carlo 95% band"], [BLUE, BLUE]
    ex = worlds_settlement(rd.explore)
    if ex is not None:
        n = min(len(p), len(ex["p_by_month_median"]))
        band = pd.concat(
            [
                pd.DataFrame(
                    {
                        "date": dates[:n],
                        "lo": ex["p_by_month_q10"][:n],
                        "hi": ex["p_by_month_q90"][:n],
                        "series": "10-90% of worlds",
                    }
                ),
                band,
            ]
        )
        line = pd.concat(
            [
                line,
                pd.DataFrame(
                    {"date": dates[:n], "p": ex["p_by_month_median"][:n], "series": "median world"}
                ),
            ]
        )
        domain += ["10-90% of worlds", "median world"]
        colours += [ORANGE, ORANGE]
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=6) if ex is not None else None,
    )
    y = alt.Y("p:Q", title="P(deal signed by then)", scale=alt.Scale(domain=[0, 1]))
    areas = (
        alt.Chart(band)
        .mark_area(opacity=0.25)
        .encode(_month_x(), alt.Y("lo:Q", title=None), alt.Y2("hi:Q"), colour)
    )
    lines = (
        alt.Chart(line)
        .mark_line(strokeWidth=2)
        .encode(
            _month_x(),
            y.axis(format="%"),
            colour,
            alt.StrokeDash(
                "series:N",
                legend=None,
                scale=alt.Scale(domain=["this run", "median world"], range=[[1, 0], [5, 3]]),
            ),
            tooltip=[
                alt.Tooltip("month:N", title="by the end of"),
                alt.Tooltip("p:Q", format=".1%", title="P(deal signed)"),
                "series:N",
            ],
        )
    )
    # the two numbers the headline reads off this curve
    k = min(MONTHS_12, len(p)) - 1
    med = s.get("median_month")
    marks = [
        {
            "date": dates[k],
            "p": p[k],
            "label": f"within {k + 1} months: {p[k]:.0%} ± {1.96 * se[k]:.0%}",
        }
    ]
    if isinstance(med, int) and med < len(p) and med != k:
        marks.append({"date": dates[med], "p": p[med], "label": f"median: {rd.calendar[med]}"})
    mk = pd.DataFrame(marks)
    points = alt.Chart(mk).mark_point(filled=True, size=50, color="black").encode(_month_x(), y)
    labels = (
        alt.Chart(mk)
        .mark_text(align="left", dx=7, dy=12, fontSize=11, color="black")
        .encode(_month_x(), y, text="label:N")
    )
    sub: list[str] = [
        (
            f"median month {rd.calendar[med]} (half of the simulated futures have a deal by its "
            "end)"
            if isinstance(med, int)
            else f"median: beyond the {len(p)} months shown"
        )
        + f"; band: Monte Carlo 95% over {(rd.d.get('engine') or {}).get('paths', '?')} paths"
    ]
    raw = (rd.explore or {}).get("settlement") or {}
    if ex is not None and ex.get("source"):
        sub.append("worlds: " + textwrap.shorten(str(ex["source"]), 110, placeholder="…"))
    elif raw.get("p_by_month_median"):
        sub.append(
            "no band over worlds: the exploration measured when the window opens, not P(deal)"
        )
    return _style(
        alt.layer(areas, lines, points, labels).properties(
            width=WIDTH,
            height=260,
            title=_title("Will a deal be signed, and by when?", sub),
        )
    )


# -----------------------------------------------------------------------------
# Ripeness
# -----------------------------------------------------------------------------


def ripeness(run: AnalysisResult | Mapping[str, Any] | RunData) -> alt.LayerChart:
    """Ripeness G_t by calendar month with its Monte Carlo 95 % band (± 1.96 s.e.)."""
    rd = run_data(run)
    r = rd.need("ripeness", "this run has no engine section: no ripeness over time")
    g = [float(x) for x in r["G"]]
    se = [float(x or 0.0) for x in (r.get("G_se") or [0.0] * len(g))]
    dates = _dates(rd, len(g))
    df = pd.DataFrame(
        {
            "date": dates,
            "month": list(range(len(g))),
            "G": g,
            "lo": [a - 1.96 * b for a, b in zip(g, se, strict=True)],
            "hi": [a + 1.96 * b for a, b in zip(g, se, strict=True)],
            "open": ["open" if x > 0 else "shut" for x in g],
        }
    )
    x = _month_x()
    band = (
        alt.Chart(df).mark_area(opacity=0.25, color=BLUE).encode(x, alt.Y("lo:Q"), alt.Y2("hi:Q"))
    )
    line = (
        alt.Chart(df)
        .mark_line(color=BLUE, strokeWidth=2, point=alt.OverlayMarkDef(size=18, color=BLUE))
        .encode(
            x,
            alt.Y("G:Q", title="G_t (worst veto player's gain from the best deal)"),
            tooltip=[
                alt.Tooltip("date:T", format="%b %Y", title="month"),
                "month:Q",
                alt.Tooltip("G:Q", format="+.3f"),
                alt.Tooltip("lo:Q", format="+.3f", title="95% low"),
                alt.Tooltip("hi:Q", format="+.3f", title="95% high"),
                "open:N",
            ],
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"y": [0.0]}))
        .mark_rule(color=RED, strokeDash=[4, 3])
        .encode(y="y:Q")
    )
    layers = [band, line, zero]
    fo = rd.d.get("first_window_month")
    if isinstance(fo, int) and fo < len(dates):
        mark = pd.DataFrame(
            {"date": [dates[fo]], "G": [g[fo]], "label": [f"opens {rd.calendar[fo]}"]}
        )
        layers.append(
            alt.Chart(mark)
            .mark_text(align="left", dx=6, dy=-10, fontWeight="bold", color=GREEN)
            .encode(x, y="G:Q", text="label:N")
        )
        sub = (
            f"the window first opens in month {fo} ({rd.calendar[fo]}); "
            "above the red line it is open"
        )
    else:
        sub = "the window stays shut over the whole span; above the red line it would be open"
    return _style(
        alt.layer(*layers).properties(
            width=WIDTH,
            height=240,
            title=_title("Ripeness: is there a deal every veto player prefers to war?", sub),
        )
    )


# -----------------------------------------------------------------------------
# Plans x veto player x month
# -----------------------------------------------------------------------------

ALL_VETO = "all veto players (worst)"


def plans_frame(rd: RunData) -> pd.DataFrame:
    """Long frame: plan, actor, month, margin (or accepts), first_all (bool)."""
    plans = rd.need("plans", "this run has no plans")
    veto = rd.veto_players
    margins = rd.d.get("report_margin_by_month")
    rows: list[dict[str, Any]] = []
    for rec in plans:
        pid = rec["id"]
        first = rec.get("first_month_all_veto_accept")
        if margins is not None:
            per = {a: margins[pid][a] for a in veto}
        elif "accepts_by_month" in rec:
            per = {a: [1.0 if x else -1.0 for x in rec["accepts_by_month"][a]] for a in veto}
        else:
            per = {a: [float(rec["margin"][a])] for a in veto}
        n = len(next(iter(per.values())))
        worst = [min(per[a][t] for a in veto) for t in range(n)]
        for actor, vals in [*per.items(), (ALL_VETO, worst)]:
            for t, m in enumerate(vals):
                rows.append(
                    {
                        "plan": pid,
                        "actor": actor,
                        "month": t,
                        "margin": float(m),
                        "accepts": "accepts" if m >= 0 else "rejects",
                        "first_all": actor == ALL_VETO and first == t,
                    }
                )
    return pd.DataFrame(rows)


def plans(run: AnalysisResult | Mapping[str, Any] | RunData) -> alt.FacetChart:
    """Each veto player's margin on each plan by month (green: accepts), and the first
    month all veto players accept each plan (marked ◆ in the bottom row)."""
    rd = run_data(run)
    df = plans_frame(rd)
    have_margin = "report_margin_by_month" in rd.d
    cal = rd.calendar
    df["date"] = [cal[m] if m < len(cal) else str(m) for m in df["month"]]
    lim = max(0.05, float(df["margin"].abs().quantile(0.5))) if have_margin else 1.0
    colour = (
        alt.Color(
            "margin:Q",
            title="margin (settle - fight on)",
            scale=alt.Scale(scheme="redyellowgreen", domain=[-lim, lim], clamp=True),
        )
        if have_margin
        else alt.Color(
            "accepts:N",
            title=None,
            scale=alt.Scale(domain=["accepts", "rejects"], range=[GREEN, RED]),
        )
    )
    months = sorted(df["month"].unique())
    step = max(1, len(months) // 12)
    base = alt.Chart().encode(
        alt.X(
            "month:O",
            title=f"months from {cal[0]} (month 0)",
            axis=alt.Axis(values=[int(m) for m in months[::step]], labelAngle=0, grid=False),
            scale=alt.Scale(type="band"),
        ),
        alt.Y(
            "plan:N",
            title=None,
            sort=list(dict.fromkeys(df["plan"])),
            scale=alt.Scale(type="band"),
            axis=alt.Axis(grid=False),
        ),
    )
    rect = base.mark_rect().encode(
        colour,
        tooltip=[
            "plan:N",
            "actor:N",
            "date:N",
            "month:Q",
            alt.Tooltip("margin:Q", format="+.3f"),
            "accepts:N",
        ],
    )
    first = base.mark_text(text="◆", fontSize=12, color="black").transform_filter("datum.first_all")
    order = [*rd.veto_players, ALL_VETO]
    return _style(
        alt.layer(rect, first, data=df)
        .properties(width=WIDTH - 120, height=alt.Step(13))
        .facet(
            row=alt.Row(
                "actor:N",
                title=None,
                sort=order,
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"),
            )
        )
        .properties(
            title=_title(
                "Which plan does each veto player accept, and when?",
                (
                    "green: accepts (settling beats fighting on); "
                    if have_margin
                    else "green: accepts; "
                )
                + "◆: first month all veto players accept",
            )
        )
    )


# -----------------------------------------------------------------------------
# Issue space
# -----------------------------------------------------------------------------


def _wrap(text: str, width: int = 30) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [""]


def issue_space_frame(rd: RunData, sc: Scenario) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    deal = rd.d.get("predicted_deal") or {}
    terms = deal.get("terms", deal) if isinstance(deal, Mapping) else {}
    for k, issue in enumerate(sc.issues):
        iid = issue.id

        def add(group: str, name: str, value: float, kind: str, _iid: str = iid) -> None:
            rows.append(
                {"issue": _iid, "group": group, "name": name, "value": float(value), "kind": kind}
            )

        add("status quo", "status quo", sc.status_quo[k], "status quo")
        for a in sc.actors:
            if iid in a.positions:
                add("actors", a.id, a.positions[iid].ideal.value, "actor's ideal point")
        for p in sc.proposals:
            v = p.values[iid].value if iid in p.values else sc.status_quo[k]
            add("plans", p.id, v, "plan")
        for model, per in (rd.d.get("forecasts") or {}).items():
            if iid in per and per[iid] is not None:
                add("models", model, per[iid], "bargaining forecast")
        if isinstance(terms, Mapping) and terms.get(iid) is not None:
            add("deal", "predicted deal", terms[iid], "predicted deal")
    return pd.DataFrame(rows)


KIND_COLOURS = {
    "actor's ideal point": BLUE,
    "status quo": "black",
    "plan": ORANGE,
    "bargaining forecast": "#7b3fa0",
    "predicted deal": RED,
}


def issue_space(
    run: AnalysisResult | Mapping[str, Any] | RunData, *, scenario: Scenario | None = None
) -> alt.VConcatChart:
    """Per issue: every actor's ideal point, the status quo, every plan, each bargaining
    model's forecast and the predicted deal, on the issue's own words at 0, 0.5 and 1."""
    rd = run_data(run, scenario)
    sc = rd.need_scenario()
    df = issue_space_frame(rd, sc)
    charts = []
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values())),
    )
    shape = alt.Shape(
        "kind:N",
        title=None,
        scale=alt.Scale(
            domain=list(KIND_COLOURS),
            range=["circle", "stroke", "square", "triangle-up", "diamond"],
        ),
    )
    for issue in sc.issues:
        sub = df[df["issue"] == issue.id]
        low, mid, high = (
            _wrap(issue.anchors.low),
            _wrap(issue.anchors.mid),
            _wrap(issue.anchors.high),
        )
        expr = f"datum.value == 0 ? {low!r} : datum.value == 1 ? {high!r} : {mid!r}"
        order = list(dict.fromkeys(sub["name"]))
        x = alt.X(
            "value:Q",
            title=None,
            scale=alt.Scale(domain=[-0.03, 1.03], nice=False),
            axis=alt.Axis(values=[0, 0.5, 1], labelExpr=expr, labelLimit=220, labelFontSize=10),
        )
        sq = sub[sub["kind"] == "status quo"]
        pts = sub[sub["kind"] != "status quo"]
        rule = alt.Chart(sq).mark_rule(color="black", strokeDash=[3, 2]).encode(x)
        points = (
            alt.Chart(pts)
            .mark_point(filled=True, size=60, opacity=0.9)
            .encode(
                x,
                alt.Y("name:N", title=None, sort=order[1:]),
                colour,
                shape,
                tooltip=["name:N", "kind:N", alt.Tooltip("value:Q", format=".2f")],
            )
        )
        charts.append(
            alt.layer(rule, points).properties(
                width=WIDTH - 120,
                height=alt.Step(11),
                title=alt.TitleParams(f"{issue.label} ({issue.id})", fontSize=12),
            )
        )
    return _style(
        alt.vconcat(*charts, spacing=28).properties(
            title=_title(
                "The issue space: who wants what, what is on the table, what the models forecast",
                "each issue's scale in its own words; dashed line: the status quo",
            )
        )
    ).configure_legend(orient="top", labelFontSize=11)


# -----------------------------------------------------------------------------
# Removal risk, counterfactuals
# -----------------------------------------------------------------------------


def removal_risk(run: AnalysisResult | Mapping[str, Any] | RunData) -> alt.LayerChart:
    """The regime's removal probability within the horizon, by course of action."""
    rd = run_data(run)
    rr = rd.need("regime_risk", "this run has no engine section: no removal risk")
    if rr.get("actor") is None:
        raise MissingData("this scenario has no regime actor: no removal risk")
    fight = float(rr["fight"])
    rows = [{"course": "fight on", "p": fight, "vs": "fight on"}]
    for pid, p in rr["settle"].items():
        rows.append(
            {
                "course": f"settle on {pid}",
                "p": float(p),
                "vs": "riskier than fighting on" if p > fight else "safer than fighting on",
            }
        )
    df = pd.DataFrame(rows)
    df["label"] = [f"{p:.1%}" for p in df["p"]]
    y = alt.Y("course:N", title=None, sort=list(df["course"]))
    x = alt.X(
        "p:Q",
        title="P(leader removed within the span)",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, min(1.0, 1.2 * float(df["p"].max()))]),
    )
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x,
            y,
            alt.Color(
                "vs:N",
                title=None,
                scale=alt.Scale(
                    domain=["fight on", "riskier than fighting on", "safer than fighting on"],
                    range=[GREY, RED, GREEN],
                ),
            ),
            tooltip=["course:N", alt.Tooltip("p:Q", format=".1%")],
        )
    )
    text = alt.Chart(df).mark_text(align="left", dx=4).encode(x, y, text="label:N")
    months = (rd.d.get("engine") or {}).get("horizon", len(rd.months))
    return _style(
        alt.layer(bars, text).properties(
            width=WIDTH - 160,
            height=alt.Step(22),
            title=_title(
                f"Removal risk of the {rr['actor']} leadership by course of action",
                f"within {months} months; settling at month 0 on each plan versus fighting on",
            ),
        )
    )


def counterfactuals(run: AnalysisResult | Mapping[str, Any] | RunData) -> alt.LayerChart:
    """G_0 with one mechanism switched off at a time; labels: first window month."""
    rd = run_data(run)
    cf = rd.need("counterfactuals", "this run has no engine section: no counterfactuals")
    g = rd.need("ripeness", "no ripeness")["G"]
    fo = rd.d.get("first_window_month")
    rows = [{"case": "baseline", "G0": float(g[0]), "first": fo}]
    rows += [
        {
            "case": f"without {k.removeprefix('no_').replace('_', ' ')}",
            "G0": float(v["G0"]),
            "first": v.get("first_window_month"),
        }
        for k, v in cf.items()
    ]
    df = pd.DataFrame(rows)
    df["label"] = [
        "window opens " + ("now" if f == 0 else f"month {f}" if f is not None else "never")
        for f in df["first"]
    ]
    df["state"] = ["open at month 0" if x > 0 else "shut at month 0" for x in df["G0"]]
    y = alt.Y("case:N", title=None, sort=list(df["case"]))
    x = alt.X("G0:Q", title="G_0 (ripeness at month 0)")
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x,
            y,
            alt.Color(
                "state:N",
                title=None,
                scale=alt.Scale(domain=["open at month 0", "shut at month 0"], range=[GREEN, RED]),
            ),
            tooltip=["case:N", alt.Tooltip("G0:Q", format="+.3f"), "label:N"],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4)
        .encode(alt.X("xpos:Q"), y, text="label:N")
        .transform_calculate(xpos="max(datum.G0, 0)")
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="black").encode(x="x:Q")
    return _style(
        alt.layer(bars, text, zero).properties(
            width=WIDTH - 200,
            height=alt.Step(24),
            title=_title(
                "What explains the impasse? Switch one mechanism off"
                if df["G0"].iloc[0] <= 0
                else "How much does each mechanism narrow the deal zone? Switch one off",
                "bars: G_0; label: when the window first opens",
            ),
        )
    )


# -----------------------------------------------------------------------------
# Lever surface, sensitivity
# -----------------------------------------------------------------------------


def lever_surface(
    run: AnalysisResult | Mapping[str, Any] | RunData,
    *,
    surface: Mapping[str, Any] | None = None,
) -> alt.LayerChart:
    """P(deal within 12 months) over a sanctions x strikes grid held from month 0 (other
    levers as in the run); the cross marks the run's own setting at month 0."""
    rd = run_data(run)
    surf = surface or rd.d.get("report_lever_surface")
    if not surf:
        raise MissingData(
            "no lever grid in this run (`ceasefire report` computes one unless --grid-paths 0; "
            "in Python: ceasefire.report.lever_surface_data(scenario))"
        )
    grid = pd.DataFrame(surf["grid"])
    step_s = float(surf["step"])
    within = int(surf.get("within", 12))
    grid["x1"], grid["x2"] = grid["sanctions"] - step_s / 2, grid["sanctions"] + step_s / 2
    grid["y1"], grid["y2"] = grid["strikes"] - step_s / 2, grid["strikes"] + step_s / 2
    grid["label"] = [
        "0%" if p == 0 else "<1%" if p < 0.005 else ">99%" if p > 0.995 else f"{p:.0%}"
        for p in grid["p12"]
    ]
    grid["band"] = [f"± {1.96 * se:.0%}" for se in grid["p12_se"]]
    ticks = alt.Axis(
        values=[i * step_s for i in range(round(1 / step_s) + 1)], grid=False, format=".2~f"
    )
    domain = alt.Scale(domain=[-step_s / 2, 1 + step_s / 2], nice=False)
    x = alt.X("x1:Q", title="sanctions (held from month 0)", axis=ticks, scale=domain)
    y = alt.Y("y1:Q", title="long-range strikes (held from month 0)", axis=ticks, scale=domain)
    rect = (
        alt.Chart(grid)
        .mark_rect(stroke="white")
        .encode(
            x,
            alt.X2("x2:Q"),
            y,
            alt.Y2("y2:Q"),
            alt.Color(
                "p12:Q",
                title=f"P(deal within {within} months)",
                scale=alt.Scale(scheme="blues", domain=[0, 1]),
                legend=alt.Legend(orient="right", format="%"),
            ),
            tooltip=[
                "sanctions:Q",
                "strikes:Q",
                alt.Tooltip("p12:Q", format=".1%", title=f"P(deal within {within} months)"),
                alt.Tooltip("band:N", title="Monte Carlo 95%"),
                alt.Tooltip("median_month:Q", title="median month"),
                alt.Tooltip("G0:Q", format="+.3f"),
            ],
        )
    )
    text = (
        alt.Chart(grid)
        .mark_text(fontSize=11)
        .encode(
            alt.X("sanctions:Q"),
            alt.Y("strikes:Q"),
            text="label:N",
            color=alt.condition("datum.p12 >= 0.6", alt.value("white"), alt.value("black")),
        )
    )
    cur = surf.get("current") or {}
    layers = [rect, text]
    if "sanctions" in cur and "strikes" in cur:
        s = rd.d.get("settlement") or {}
        own = s.get("p_by_month") or []
        label = f"this run: {own[within - 1]:.0%}" if len(own) >= within else "this run"
        here = pd.DataFrame(
            [{"sanctions": cur["sanctions"], "strikes": cur["strikes"], "label": label}]
        )
        layers.append(
            alt.Chart(here)
            .mark_point(shape="cross", size=260, color=RED, filled=True, opacity=1, stroke="white")
            .encode(alt.X("sanctions:Q"), alt.Y("strikes:Q"))
        )
        layers.append(
            alt.Chart(here)
            .mark_text(
                dy=-16,
                color=RED,
                fontWeight="bold",
                stroke="white",
                strokeWidth=3,
                strokeOpacity=0.9,
            )
            .encode(alt.X("sanctions:Q"), alt.Y("strikes:Q"), text="label:N")
        )
        layers.append(
            alt.Chart(here)
            .mark_text(dy=-16, color=RED, fontWeight="bold")
            .encode(alt.X("sanctions:Q"), alt.Y("strikes:Q"), text="label:N")
        )
    ses = [float(x) for x in grid["p12_se"]]
    return _style(
        alt.layer(*layers).properties(
            width=360,
            height=360,
            title=_title(
                f"Which pressure brings a deal within {within} months?",
                [
                    f"P(deal signed within {within} months) in each cell; "
                    f"{surf.get('paths', '?')} paths per cell,",
                    f"Monte Carlo 95% ± {1.96 * min(ses):.0%} to ± {1.96 * max(ses):.0%}; "
                    "other levers as in the run",
                ],
            ),
        )
    )


def sensitivity(
    run: AnalysisResult | Mapping[str, Any] | RunData | None = None,
    *,
    explore: Mapping[str, Any] | None = None,
    output: str | None = None,
    top: int = 12,
) -> alt.LayerChart:
    """Tornado of the exploration's sensitivity indices for one output (default: P(deal
    within 12 months) when present), with their confidence intervals."""
    ex = explore if explore is not None else (run_data(run).explore if run is not None else None)
    if not ex or not ex.get("sensitivity"):
        raise MissingData(
            "no exploration results: run `ceasefire explore --json FILE` and pass --explore FILE"
        )
    df = pd.DataFrame(ex["sensitivity"])
    outputs = list(dict.fromkeys(df["output"]))
    out = output or next(
        (o for o in ("p_settle_12", "first_window_month", "G0") if o in outputs), outputs[0]
    )
    sub = df[df["output"] == out].copy()
    idx = next((i for i in ("ST", "mu_star", "S1") if i in set(sub["index"])), sub["index"].iloc[0])
    sub = sub[sub["index"] == idx].sort_values("value", ascending=False).head(top)
    sub["conf"] = sub["conf"].fillna(0.0)
    sub["lo"] = sub["value"] - sub["conf"]
    sub["hi"] = sub["value"] + sub["conf"]
    y = alt.Y("input:N", title=None, sort=list(sub["input"]), axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(sub)
        .mark_bar(color=BLUE)
        .encode(
            alt.X("value:Q", title=f"{idx} of {out}"),
            y,
            tooltip=[
                "input:N",
                alt.Tooltip("value:Q", format=".3f"),
                alt.Tooltip("conf:Q", format=".3f"),
            ],
        )
    )
    err = alt.Chart(sub).mark_rule(color="black").encode(alt.X("lo:Q"), alt.X2("hi:Q"), y)
    return _style(
        alt.layer(bars, err).properties(
            width=WIDTH - 200,
            height=alt.Step(20),
            title=_title(
                "Which judgements matter most?",
                f"{ex.get('method', '?')} over {ex.get('worlds', '?')} worlds; "
                f"bars: {idx}, lines: its confidence interval",
            ),
        )
    )


FIGURES: dict[str, Callable[..., Any]] = {
    "settlement": settlement,
    "ripeness": ripeness,
    "plans": plans,
    "issue_space": issue_space,
    "removal_risk": removal_risk,
    "counterfactuals": counterfactuals,
    "lever_surface": lever_surface,
    "sensitivity": sensitivity,
}
