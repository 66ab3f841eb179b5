"""Terminal summary of a settlement-window analysis."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._output import print_items, titled_table

if TYPE_CHECKING:
    from rich.console import Console

    from ..engine._analysis import WindowAnalysis

_BARS = "▁▂▃▄▅▆▇█"
_NICE = (1.0, 2.0, 2.5, 5.0)


def sparkline_scale(values: Iterable[float], *, min_step: float = 0.005) -> tuple[float, float]:
    """A fixed scale for :func:`sparkline`: (value of the lowest bar, value per bar step).

    The step is the smallest "nice" number (1, 2, 2.5 or 5 times a power of ten), at
    least ``min_step``, such that the eight bars span the values; the lowest bar is the
    lowest value rounded down to a multiple of the step. So a change smaller than the
    step draws flat, whatever the range of the series.
    """
    vals = [float(x) for x in values]
    lo, hi = min(vals), max(vals)
    need = max((hi - lo) / (len(_BARS) - 1), min_step)
    exp = math.floor(math.log10(need))
    for e in range(exp, exp + 3):
        for m in _NICE:
            step = m * 10.0**e
            if step < need * (1 - 1e-9):
                continue
            base = math.floor(lo / step + 1e-9) * step
            if base + step * (len(_BARS) - 1) >= hi - 1e-12:
                return float(base), float(step)
    raise AssertionError("unreachable: a step of 100 x need always spans the values")


def sparkline(values: Iterable[float], scale: tuple[float, float] | None = None) -> str:
    """One bar per value on a fixed scale (lowest bar = ``scale[0]``, one step per bar)."""
    vals = [float(x) for x in values]
    base, step = scale if scale is not None else sparkline_scale(vals)
    top = len(_BARS) - 1
    return "".join(_BARS[min(top, max(0, round((x - base) / step)))] for x in vals)


def _print_settlement(w: WindowAnalysis, console: Console) -> None:
    """P(a deal is signed by each calendar month), its Monte Carlo error, the deal and its hold."""
    sc = w.scenario
    st = w.settlement
    cal = w.calendar
    p, se = st.p_by_month[0], st.p_se[0]
    lam = w.compiled.spec.param("settlement_rate")
    sig = w.compiled.spec.param("settlement_scale")
    rate = (
        f"a deal comes at rate {lam:.3f} x Phi(G / {sig:g}) a month, G the perceived zone's "
        "max-min gap"
        if sig > 0
        else f"a deal comes at rate {lam:.3f}/month while the perceived zone of agreement is open"
    )
    console.print(
        f"[bold]Settlement[/bold] P(a deal is signed by the end of the month), from "
        f"{cal[0]} ({w.compiled.paths} paths; {rate})"
    )
    marks = sorted({0, *range(5, len(p), 6), len(p) - 1})
    console.print(
        "  "
        + ", ".join(f"{cal[t]}: {p[t]:.2f}" for t in marks)
        + f"   (Monte Carlo s.e. {_se_text(float(se.max()))}; "
        + "the analyst's uncertainty is not in it)"
    )
    med = w.median_month
    if med is None:
        console.print(f"  [red]No deal is more likely than not by {cal[-1]}.[/red]")
    else:
        console.print(f"  Median month of a deal: [bold]{cal[med]}[/bold] (month {med}).")
    if all(x == x for x in st.terms_mean[0]):  # no NaN: some deal is signed
        terms = ", ".join(
            f"{k} {x:.2f} [{lo:.2f}-{hi:.2f}]"
            for k, x, lo, hi in zip(
                sc.issue_ids, st.terms_mean[0], st.terms_q[0, 0], st.terms_q[0, 2], strict=True
            )
        )
        console.print(f"  Terms of the deals signed (mean [10-90 %]): {terms}")
        console.print(
            f"  A signed deal still holds after 12 months with probability {st.hold12[0]:.2f}, "
            f"after 36 months {st.hold36[0]:.2f}."
        )
        extreme = [
            k
            for k, lo, hi in zip(sc.issue_ids, st.terms_q[0, 0], st.terms_q[0, 2], strict=True)
            if hi <= 0.02 or lo >= 0.98
        ]
        if extreme:
            console.print(
                f"  [yellow]Terms at an end of the scale on {', '.join(extreme)}: check that "
                "every veto player could live with them (no red line there).[/yellow]"
            )
    acc = st.plan_share[0]  # (T, P)
    rows = []
    for j, pid in enumerate(sc.proposal_ids):
        first = next((t for t in range(acc.shape[0]) if acc[t, j] >= 0.5), None)
        when = cal[first] if first is not None else "never"
        rows.append(f"{pid} {when} (holds 12 months {w.plan_hold[j, 0]:.2f})")
    console.print(
        "  First month a majority of paths has every veto player accept each plan: "
        + "; ".join(rows)
    )


def print_window_summary(w: WindowAnalysis, console: Console) -> None:
    sc = w.scenario
    g = w.ripeness
    fo = w.first_window_month
    console.print()
    _print_settlement(w, console)
    console.print(
        "[bold]Ripeness[/bold] (diagnostic, expected values) G_t = max over deals of the "
        f"worst veto player's gain from settling ({w.compiled.paths} paths, "
        f"{w.compiled.months} months, seed {w.seed})"
    )
    se = w.ripeness_se
    se0 = f" ± {se[0]:.3f} (Monte Carlo s.e.)" if se is not None else ""
    console.print(f"  G_0 = {g[0]:+.3f}{se0}   min {g.min():+.3f}   max {g.max():+.3f}")
    base, step = sparkline_scale(g)
    console.print(f"  month 0 {sparkline(g, (base, step))} month {len(g) - 1}")
    console.print(
        f"  (scale: ▁ = {base:+.3f}, each bar higher +{step:.3g}, █ = {base + 7 * step:+.3f})"
    )
    marks = sorted({*range(0, len(g), 6), len(g) - 1})
    print_items("  G by month:", [f"{t}: {g[t]:+.3f}" for t in marks], console)
    if fo is None:
        console.print(f"  [red]The settlement window stays shut for all {len(g)} months.[/red]")
    elif fo == 0:
        console.print("  [green]The settlement window is open now (month 0).[/green]")
    else:
        console.print(f"  [yellow]The settlement window first opens in month {fo}.[/yellow]")
    if se is not None:
        near = [t for t in range(len(g)) if abs(g[t]) < 2 * se[t]]
        if near:
            span = f"month {near[0]}" if near[0] == near[-1] else f"months {near[0]}-{near[-1]}"
            console.print(
                f"  G is within two Monte Carlo standard errors of 0 in {span}: an opening "
                f"there is not resolved by {w.compiled.paths} paths (four times the paths, "
                f"--paths {4 * w.compiled.paths}, halve the standard error)."
            )
    if w.predicted_deal is not None:
        print_items(
            f"  Nash point of the expected-value window (month {fo}):",
            [f"{k} {x:.2f}" for k, x in zip(sc.issue_ids, w.predicted_deal, strict=True)],
            console,
        )

    stall = [a for a, s in w.stalling.items() if s]
    block = [a for a, s in w.blocking.items() if s]
    console.print(
        "  Stalling (in talks while refusing every deal the others accept, because talks pay): "
        + (", ".join(f"[bold red]{a}[/bold red]" for a in stall) if stall else "nobody")
    )
    if block:
        console.print(f"  Blocking the window at month 0: {', '.join(block)}")

    v = w.valuation
    if v.regime is not None:
        t = titled_table(
            f"Removal risk of the {sc.actor_ids[v.regime]} leadership within "
            f"{w.compiled.months} months"
        )
        t.add_column("course", no_wrap=True, overflow="ellipsis")
        t.add_column("removal probability", justify="right")
        t.add_row("fight on", f"{v.p_fight[0]:.1%}")
        for p, pid in enumerate(sc.proposal_ids):
            risk = w.plan_removal[p]
            style = "red" if risk > v.p_fight[0] else "green"
            t.add_row(f"settle on {pid}", f"[{style}]{risk:.1%}[/{style}]")
        console.print(t)
    lb = v.leader_b
    if lb is not None:
        months = w.compiled.months
        fight = 1.0 - (1.0 - lb.q) ** months
        rem = lb.removal(sc.proposal_matrix)
        print_items(
            f"Removal of the {sc.actor_ids[lb.actor]} leader ({lb.outcome.kind}; at a "
            f"settlement by how the war ends for it): fight on {fight:.1%} within {months} "
            "months; settle on",
            [f"{pid} {r:.1%}" for pid, r in zip(sc.proposal_ids, rem, strict=True)],
            console,
        )

    t = titled_table("Counterfactuals: switch one mechanism off")
    t.add_column("mechanism off", no_wrap=True, overflow="ellipsis")
    t.add_column("G_0", justify="right")
    t.add_column("change in G_0", justify="right")
    t.add_column("first window month", justify="right")
    t.add_row("(none: baseline)", f"{g[0]:+.3f}", "", str(fo) if fo is not None else "never")
    for name, cf in w.counterfactuals.items():
        m = cf["first_window_month"]
        t.add_row(
            name, f"{cf['G0']:+.3f}", f"{cf['delta_G0']:+.3f}", str(m) if m is not None else "never"
        )
    console.print(t)
    contrib = sorted(w.issue_contribution.items(), key=lambda kv: kv[1])
    print_items(
        "  Issues that shut the window most (G_0 minus G_0 without the issue):",
        [f"{k} {x:+.3f}" for k, x in contrib[:3]],
        console,
    )


def _se_text(se: float) -> str:
    """'at most 0.003', or 'below 0.0005' where three decimals would print 0.000."""
    return f"at most {se:.3f}" if se >= 0.0005 else "below 0.0005"
