"""One entry point for every bargaining model on every input format.

Inputs: a one-issue CSV (``actor,capability,position,salience``), a KTAB CSV
or XML (SMP's formats), or a scenario YAML (multi-issue, on [0, 1]).
Forecasts are reported on the input's own scale.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from .._io import read_text
from ._bdm import bdm_issues
from ._ktab import read_ktab
from ._models import MODELS
from ._smp import forecast_smp_path, smp
from ._spatial import compromise, nash_bargaining, spatial_utility, weighted_median
from ._table import ActorTable, read_issue_csv

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

# The scenario format (pydantic, ruamel.yaml) and BDM load where they are used, so that
# `ceasefire forecast --model smp` on a KTAB file imports only numpy and the SMP.

__all__ = [
    "MODELS",
    "bdm_forecast",
    "forecast_file",
    "forecast_table",
    "scenario_utility",
    "smp_forecast",
    "static_reservation",
    "table_from_scenario",
]


def scenario_utility(sc: Scenario, z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Utility of outcome(s) ``z`` (..., K) for every actor of ``sc``: shape (..., n)."""
    return spatial_utility(
        z, sc.ideal, sc.salience, risk=sc.risk, red_line=sc.red_line, penalty=sc.penalty
    )


def static_reservation(sc: Scenario) -> NDArray[np.float64]:
    """Each actor's static no-deal utility: its ``no_deal`` or, if unset, the status quo's."""
    sq = scenario_utility(sc, sc.status_quo)
    return np.array(
        [a.no_deal.value if a.no_deal is not None else sq[i] for i, a in enumerate(sc.actors)]
    )


def table_from_scenario(sc: Any) -> ActorTable:
    """The scenario's actors as a table on the [0, 1] scale (capability = clout)."""
    k = len(sc.issues)
    return ActorTable(
        actors=sc.actor_ids,
        issues=sc.issue_ids,
        capability=sc.clout,
        positions=sc.ideal,
        salience=sc.salience,
        lower=np.zeros(k),
        upper=np.ones(k),
        salience_scale=1.0,  # shares of attention
    )


def _nbs(table: ActorTable, disagreement: NDArray[np.float64] | None) -> NDArray[np.float64]:
    x = table.unit_positions()
    _, k = x.shape
    tot = table.salience.sum(axis=1, keepdims=True)
    s = table.salience / np.where(tot > 0, tot, 1.0)
    if k == 1:
        # One issue: salience cannot enter the (normalised) utility, so it enters
        # the bargaining weight: how hard an actor presses on the issue.
        w = table.capability * table.salience[:, 0]
    else:
        w = table.capability.astype(float)
    keep = w > 0
    if disagreement is None:
        # Without a stated no-deal point, disagreement is each actor's worst corner
        # of the box: every outcome is individually rational. The loss is a sum over
        # issues of non-negative terms, so the worst corner takes, issue by issue, the
        # end farther from the actor's ideal (no need to enumerate the 2^k corners).
        far = np.where(x < 0.5, 1.0, 0.0)  # (n, k): each actor's worst corner
        disagreement = np.diagonal(spatial_utility(far, x, s)) - 1e-9
    sol = nash_bargaining(x[keep], s[keep], w[keep], np.asarray(disagreement)[keep])
    return table.from_unit(sol.point)


def forecast_table(
    table: ActorTable,
    model: str,
    *,
    disagreement: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
    """Run ``model`` on ``table``; returns (forecast (K,), rounds [(K,), ...]).

    The one adapter per model: ``ceasefire forecast``, :func:`ceasefire.analyze`, the DEU
    benchmark and ``benchmarks/published_cases.py`` all run a model through this function
    (or the model's adapter below), so each sees positions and saliences the same way.
    """
    if model == "compromise":
        return np.atleast_1d(compromise(table.positions, table.salience, table.capability)), []
    if model == "median":
        f = weighted_median(table.positions, table.salience, table.capability)
        return np.atleast_1d(f), []
    if model == "nbs":
        return _nbs(table, disagreement), []
    if model == "bdm":
        return bdm_forecast(table)
    if model == "smp":
        return smp_forecast(table)
    raise InputError(f"unknown model {model!r} (choose from {', '.join(MODELS)})")


def bdm_forecast(table: ActorTable) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
    """BDM on every issue of ``table``: (forecast (K,), the median after each round).

    Positions run on each issue's scale ``[lower, upper]`` (an issue without span gets a
    unit one: nobody challenges, the forecast is that position). Saliences are divided by
    the table's ``salience_scale``; with several issues, BDM's salience is how much an
    issue matters to an actor, 1 for its top priority, so each actor's saliences are then
    divided by its largest (a 20 % share of seven issues is not a 0.2 willingness to
    resist).
    """
    scales = [
        (float(lo), float(hi) if hi > lo else float(lo) + 1.0)
        for lo, hi in zip(table.lower, table.upper, strict=True)
    ]
    sal = table.salience
    if sal.shape[1] > 1:  # each actor's top priority is 1, whatever the salience scale
        top = sal.max(axis=1, keepdims=True)
        sal = np.where(top > 0, sal / np.where(top > 0, top, 1.0), sal / table.full_salience)
    else:
        sal = sal / table.full_salience
    res = bdm_issues(
        table.positions,
        table.capability,
        sal,
        issues=table.issues,
        scales=scales,
        salience_scale=1.0,
    )
    rounds = [np.array([r[i] for i in table.issues]) for r in res.rounds]
    return np.asarray(res.forecast, dtype=float), rounds


def smp_forecast(table: ActorTable) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
    """KTAB's SMP (deterministic defaults) on ``table``: (forecast (K,), read-out per turn).

    Positions are mapped from each issue's ``[lower, upper]`` to KTAB's 0-100. Saliences
    become percentages of attention (``100 * salience / salience_scale``); an actor's
    total above 100 % is scaled down to 100 %, an actor with none gets 0.1 % on every
    issue (KTAB needs positive saliences). Capabilities of zero are raised to 1e-9 of the
    largest. The read-out is the position most likely to win (see :func:`_smp_readout`);
    a single actor's forecast is its own position.
    """
    unit = np.clip(table.unit_positions(), 0.0, 1.0) * 100.0
    if len(table.actors) == 1:
        return table.positions[0].astype(float), [table.positions[0].astype(float)]
    sal = table.salience / table.full_salience * 100.0
    tot = sal.sum(axis=1, keepdims=True)
    sal = np.where(tot > 100.0, sal * 100.0 / np.where(tot > 0, tot, 1.0), sal)
    sal = np.where(tot <= 0.0, 0.1, sal)
    cap = np.asarray(table.capability, dtype=float)
    cap = np.ones_like(cap) if cap.max() <= 0 else np.maximum(cap, 1e-9 * cap.max())
    sres = smp(cap, unit, sal, actors=table.actors, dims=table.issues)
    states = [_smp_readout(st.positions, st.probabilities) for st in sres.history]
    rounds = [table.from_unit(s / 100.0) for s in states]
    return rounds[-1], rounds


def _smp_readout(
    positions: NDArray[np.float64], probabilities: NDArray[np.float64]
) -> NDArray[np.float64]:
    """SMP read-out: the position of the actor whose position is most likely to win."""
    return np.asarray(positions[int(np.argmax(probabilities))], dtype=float)


def _is_issue_csv(text: str) -> bool:
    """A one-issue CSV names its columns on the first line (a KTAB CSV has a title row)."""
    for line in text.splitlines():
        if line.strip():
            names = {c.strip().lower() for c in line.split(",")}
            return {"actor", "position"} <= names or "capability" in names
    return True


def forecast_file(path: str | Path, model: str) -> dict[str, Any]:
    """Run ``model`` on the file at ``path`` (see :func:`_forecast_file`); errors name it."""
    try:
        return _forecast_file(path, model)
    except InputError as exc:
        if exc.file is not None:
            raise
        raise InputError(exc.message, file=str(path)) from None


def _forecast_file(path: str | Path, model: str) -> dict[str, Any]:
    """Run ``model`` on the file at ``path``; returns the forecast JSON dict.

    ``{"model", "forecast": {issue: float}, "rounds": [{issue: float}, ...]}``;
    for SMP on a KTAB file, the SMP contract (``actors``, ``dims``, ``history``)
    is returned with ``rounds`` added.
    """
    if model not in MODELS:
        raise InputError(f"unknown model {model!r} (choose from {', '.join(MODELS)})")
    p = Path(path)
    suffix = p.suffix.lower()
    text = read_text(p, what="input file")  # a regular UTF-8 file within the size limit
    if suffix in (".yaml", ".yml"):
        from ..scenario._scenario import load

        sc = load(p)
        table = table_from_scenario(sc)
        disagreement = static_reservation(sc) if model == "nbs" else None
        f, rounds = forecast_table(table, model, disagreement=disagreement)
        return _as_json(model, table.issues, f, rounds)
    if suffix == ".xml" or (suffix == ".csv" and not _is_issue_csv(text)):
        if model == "smp":
            out = forecast_smp_path(p)
            out["rounds"] = [
                dict(
                    zip(
                        out["dims"],
                        _smp_readout(
                            np.array(h["positions"]), np.array(h["probabilities"])
                        ).tolist(),
                        strict=True,
                    )
                )
                for h in out["history"]
            ]
            return out
        kt = read_ktab(p)
        table = ActorTable(
            actors=kt.actors,
            issues=kt.dims,
            capability=kt.capability,
            positions=kt.positions,
            salience=kt.salience,
            lower=np.zeros(len(kt.dims)),
            upper=np.full(len(kt.dims), 100.0),
            salience_scale=100.0,
        )
        f, rounds = forecast_table(table, model)
        return _as_json(model, table.issues, f, rounds)
    if suffix == ".csv":
        table = read_issue_csv(p)
        f, rounds = forecast_table(table, model)
        return _as_json(model, table.issues, f, rounds)
    raise InputError(
        "unrecognised input: give a one-issue .csv, a KTAB .csv/.xml or a scenario .yaml",
        file=str(path),
    )


def _as_json(
    model: str, issues: list[str], f: NDArray[np.float64], rounds: list[NDArray[np.float64]]
) -> dict[str, Any]:
    return {
        "model": model,
        "forecast": {k: float(v) for k, v in zip(issues, f, strict=True)},
        "rounds": [{k: float(v) for k, v in zip(issues, r, strict=True)} for r in rounds],
    }
