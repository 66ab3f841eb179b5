"""Experimental designs and sensitivity indices (SALib), and scenario discovery (PRIM).

- ``lhs``: a Latin hypercube of N worlds, each input uniform over its range.
- ``morris``: N Morris trajectories on a 4-level grid, N (D + 1) worlds; elementary
  effects give mu* (mean absolute effect, with a bootstrap confidence interval) and
  sigma (their spread: interactions or non-linearity).
- ``sobol``: Saltelli's scheme with N base points (a power of two), N (D + 2) worlds;
  first-order S1 and total ST indices with bootstrap confidence intervals.

Every input is uniform over its stated range: a range is where the analyst's
judgement may lie, not a distribution of belief about it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._errors import InputError
from ._inputs import UncertainInput

__all__ = ["METHODS", "design", "prim_boxes", "sensitivity", "wilson"]

F = NDArray[np.float64]
METHODS = ("lhs", "morris", "sobol")
MORRIS_LEVELS = 4
CONF = 0.95
RESAMPLES = 500


def _problem(inputs: list[UncertainInput]) -> dict[str, Any]:
    return {
        "num_vars": len(inputs),
        "names": [u.name for u in inputs],
        "bounds": [[u.lo, u.hi] for u in inputs],
    }


def n_worlds(method: str, n: int, d: int) -> int:
    """How many worlds a design of base size ``n`` over ``d`` inputs evaluates."""
    return {"lhs": n, "morris": n * (d + 1), "sobol": n * (d + 2)}[method]


def check_design(method: str, n: int, d: int) -> None:
    """Raise InputError for a design SALib cannot build (before anything runs)."""
    if method not in METHODS:
        raise InputError(f"--method {method!r}: choose one of {', '.join(METHODS)}")
    if d == 0:
        raise InputError("the scenario states no ranges: there is nothing uncertain to explore")
    if method == "lhs" and n < 1:
        raise InputError(f"--worlds {n}: need at least 1 world")
    if method == "morris" and n < 2:
        raise InputError(f"--worlds {n}: Morris needs at least 2 trajectories")
    if method == "sobol" and (n < 2 or n & (n - 1)):
        raise InputError(f"--worlds {n}: Sobol needs a power of two (e.g. 64) base points")


def design(method: str, inputs: list[UncertainInput], n: int, seed: int) -> F:
    """The (W, D) matrix of input values, one row per world."""
    check_design(method, n, len(inputs))
    problem = _problem(inputs)
    if method == "lhs":
        from SALib.sample import latin

        x = latin.sample(problem, n, seed=seed)
    elif method == "morris":
        from SALib.sample import morris

        x = morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        from SALib.sample import sobol

        x = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    return np.asarray(x, dtype=float)


def sensitivity(
    method: str,
    inputs: list[UncertainInput],
    x: F,
    outputs: dict[str, F],
    seed: int,
) -> pd.DataFrame:
    """Sensitivity indices of each output to each input: a long DataFrame.

    Columns: input, output, index ('mu_star', 'sigma', 'S1', 'ST'), value, conf
    (half-width of the 95 % interval; NaN where SALib gives none). An output that
    does not vary over the worlds has every index 0. For LHS, the index is
    'spearman': the rank correlation of input and output over the worlds, with
    the half-width of its Fisher-z 95 % interval (a screening measure, not a
    variance share).
    """
    rows: list[dict[str, Any]] = []
    if method == "lhs":
        return _spearman(inputs, x, outputs)
    problem = _problem(inputs)
    for out_name, y in outputs.items():
        y = np.asarray(y, dtype=float)
        constant = not np.isfinite(y).all() or np.ptp(y) == 0.0
        if method == "morris":
            if constant:
                res: dict[str, Any] = {
                    k: np.zeros(len(inputs)) for k in ("mu_star", "mu_star_conf", "sigma")
                }
            else:
                from SALib.analyze import morris as ma

                res = ma.analyze(
                    problem,
                    x,
                    y,
                    conf_level=CONF,
                    num_resamples=RESAMPLES,
                    num_levels=MORRIS_LEVELS,
                    seed=seed,
                )
            for i, u in enumerate(inputs):
                rows.append(
                    {
                        "input": u.name,
                        "output": out_name,
                        "index": "mu_star",
                        "value": float(res["mu_star"][i]),
                        "conf": float(res["mu_star_conf"][i]),
                    }
                )
                rows.append(
                    {
                        "input": u.name,
                        "output": out_name,
                        "index": "sigma",
                        "value": float(res["sigma"][i]),
                        "conf": float("nan"),
                    }
                )
        else:
            if constant:
                res = {k: np.zeros(len(inputs)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
            else:
                from SALib.analyze import sobol as sa

                with warnings.catch_warnings():
                    # SALib warns when the indices' sum is far from 1 with small N; the
                    # confidence intervals already say so.
                    warnings.simplefilter("ignore", RuntimeWarning)
                    res = sa.analyze(
                        problem,
                        y,
                        calc_second_order=False,
                        conf_level=CONF,
                        num_resamples=RESAMPLES,
                        seed=seed,
                    )
            for i, u in enumerate(inputs):
                for idx in ("S1", "ST"):
                    rows.append(
                        {
                            "input": u.name,
                            "output": out_name,
                            "index": idx,
                            "value": float(res[idx][i]),
                            "conf": float(res[f"{idx}_conf"][i]),
                        }
                    )
    return pd.DataFrame(rows, columns=["input", "output", "index", "value", "conf"])


def _spearman(inputs: list[UncertainInput], x: F, outputs: dict[str, F]) -> pd.DataFrame:
    from scipy.stats import rankdata

    rows: list[dict[str, Any]] = []
    n = x.shape[0]
    half = 1.959964 / np.sqrt(n - 3) if n > 3 else float("nan")
    rx = np.column_stack([rankdata(x[:, j]) for j in range(x.shape[1])]) if n else x
    for out_name, y in outputs.items():
        y = np.asarray(y, dtype=float)
        ry = rankdata(y)
        for j, u in enumerate(inputs):
            a, b = rx[:, j] - rx[:, j].mean(), ry - ry.mean()
            den = float(np.sqrt((a * a).sum() * (b * b).sum()))
            rho = float((a * b).sum() / den) if den > 0 else 0.0
            # Fisher z interval, reported as a half-width around rho
            if np.isfinite(half) and abs(rho) < 1:
                z = np.arctanh(rho)
                conf = float((np.tanh(z + half) - np.tanh(z - half)) / 2)
            else:
                conf = float("nan")
            rows.append(
                {
                    "input": u.name,
                    "output": out_name,
                    "index": "spearman",
                    "value": rho,
                    "conf": conf,
                }
            )
    return pd.DataFrame(rows, columns=["input", "output", "index", "value", "conf"])


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float, float]:
    """Share k/n with its 95 % Wilson score interval (NaN for n = 0)."""
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    p = k / n
    den = 1.0 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return p, max(0.0, mid - half), min(1.0, mid + half)


@dataclass(frozen=True)
class Box:
    output: str
    coverage: float
    density: float
    mass: float
    limits: dict[str, tuple[float, float]]  # restricted inputs only

    def words(self, inputs: list[UncertainInput]) -> str:
        by = {u.name: u for u in inputs}
        parts = []
        for name, (lo, hi) in self.limits.items():
            u = by.get(name)
            if u is None:
                parts.append(f"{name} in [{lo:.4g}, {hi:.4g}]")
            elif lo <= u.lo + 1e-12 * max(1.0, abs(u.lo)):
                parts.append(f"{name} <= {hi:.4g}")
            elif hi >= u.hi - 1e-12 * max(1.0, abs(u.hi)):
                parts.append(f"{name} >= {lo:.4g}")
            else:
                parts.append(f"{lo:.4g} <= {name} <= {hi:.4g}")
        return " and ".join(parts) if parts else "anywhere (no restriction)"


PRIM_DENSITY = 0.8
PRUNE_TOL = 0.02


def _inside(
    x: F, inputs: list[UncertainInput], limits: dict[str, tuple[float, float]]
) -> NDArray[np.bool_]:
    cols = {u.name: j for j, u in enumerate(inputs)}
    ok = np.ones(x.shape[0], dtype=bool)
    for name, (lo, hi) in limits.items():
        ok &= (x[:, cols[name]] >= lo) & (x[:, cols[name]] <= hi)
    return ok


def _prune(
    x: F,
    y: NDArray[np.bool_],
    inputs: list[UncertainInput],
    limits: dict[str, tuple[float, float]],
    density: float,
) -> dict[str, tuple[float, float]]:
    """Drop restrictions greedily while the density stays >= ``density - PRUNE_TOL``."""
    cur = dict(limits)
    while cur:
        best: tuple[float, float, str] | None = None
        for name in cur:
            trial = {k: v for k, v in cur.items() if k != name}
            inside = _inside(x, inputs, trial)
            k, n_in = int(np.sum(y & inside)), int(np.sum(inside))
            den, cov = k / max(1, n_in), k / max(1, int(np.sum(y)))
            if den >= density - PRUNE_TOL and (best is None or (den, cov) > best[:2]):
                best = (den, cov, name)
        if best is None:
            break
        del cur[best[2]]
    return cur


SCREEN_MAX = 6


def screen(inputs: list[UncertainInput], x: F, y: NDArray[np.bool_]) -> list[int]:
    """Inputs related to ``y``: rank correlation whose 95 % interval excludes 0 (at most
    ``SCREEN_MAX``, strongest first); if none is, the three strongest."""
    sp = _spearman(inputs, x, {"y": np.asarray(y, dtype=float)})
    rho = sp["value"].to_numpy(dtype=float)
    conf = sp["conf"].to_numpy(dtype=float)
    order = np.argsort(-np.abs(rho), kind="stable")
    sig = [int(j) for j in order if np.isfinite(conf[j]) and abs(rho[j]) > conf[j]]
    return sig[:SCREEN_MAX] if sig else [int(j) for j in order[:3]]


def prim_boxes(
    inputs: list[UncertainInput],
    x: F,
    y: NDArray[np.bool_],
    output: str,
    *,
    max_boxes: int = 2,
    screened: bool = True,
) -> tuple[list[Box], str | None]:
    """PRIM (EMA workbench) boxes for the worlds where ``y`` holds.

    On each box's peeling trajectory the box kept is the one with the highest
    coverage among those with density >= 0.8, else the densest. Restrictions that
    do not matter are then dropped, one at a time, while the box's density stays
    within 0.02 of the kept box's. With ``screened`` (the default), PRIM sees only
    the inputs that :func:`screen` relates to ``y``: with tens of inputs and tens
    of worlds PRIM otherwise peels one world off each of many inputs and returns
    boxes restricted on a dozen inputs that no other sample would reproduce
    (measured on the default exploration: 64 worlds, 30 inputs, a box on 11
    inputs). Returns the boxes and, when none can be found, the reason.
    """
    n_pos = int(np.sum(y))
    if len(y) < 10:
        return [], f"too few worlds for PRIM ({len(y)} < 10)"
    if n_pos == 0:
        return [], f"no world has {output}"
    if n_pos == len(y):
        return [], f"every world has {output}"
    with warnings.catch_warnings():
        # the workbench warns at import that ipyparallel (an optional backend) is missing
        warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
        from ema_workbench.analysis import prim

    with warnings.catch_warnings():
        # ema_workbench 2.5 calls pandas APIs that pandas 3 deprecates (e.g. inplace=True):
        # silence warnings attributed to the workbench's own modules, nothing else
        warnings.filterwarnings("ignore", module=r"ema_workbench(\..*)?")
        if screened:
            keep = screen(inputs, x, y)
            return _prim(prim, [inputs[j] for j in keep], x[:, keep], y, output, max_boxes)
        return _prim(prim, inputs, x, y, output, max_boxes)


def _prim(
    prim: Any,
    inputs: list[UncertainInput],
    x: F,
    y: NDArray[np.bool_],
    output: str,
    max_boxes: int,
) -> tuple[list[Box], str | None]:
    frame = pd.DataFrame(np.asarray(x, dtype=float), columns=[u.name for u in inputs])
    alg = prim.Prim(frame, np.asarray(y, dtype=bool), threshold=0.5, mass_min=0.05)
    init = alg.box_init
    boxes: list[Box] = []
    for _ in range(max_boxes):
        box = alg.find_box()
        if box is None:
            break
        traj = box.peeling_trajectory
        dens = traj["density"].to_numpy(dtype=float)
        cov = traj["coverage"].to_numpy(dtype=float)
        ok = np.flatnonzero(dens >= PRIM_DENSITY)
        i = int(ok[np.argmax(cov[ok])]) if ok.size else int(np.argmax(dens))
        if i == 0:
            break  # the whole space: no box worth the name
        lims = box.box_lims[i]
        limits: dict[str, tuple[float, float]] = {}
        for u in inputs:
            lo, hi = float(lims[u.name].iloc[0]), float(lims[u.name].iloc[1])
            lo_free = lo <= float(init[u.name].iloc[0])
            hi_free = hi >= float(init[u.name].iloc[1])
            if not (lo_free and hi_free):
                # an unrestricted side reaches the input's stated bound, not the sample's edge
                limits[u.name] = (u.lo if lo_free else lo, u.hi if hi_free else hi)
        limits = _prune(x, y, inputs, limits, float(dens[i]))
        inside = _inside(x, inputs, limits)
        k, n_in = int(np.sum(y & inside)), int(np.sum(inside))
        boxes.append(
            Box(
                output=output,
                coverage=k / max(1, int(np.sum(y))),
                density=k / max(1, n_in),
                mass=n_in / len(y),
                limits=limits,
            )
        )
        try:
            box.select(i)
        except Exception:  # pragma: no cover - frozen boxes cannot be re-selected
            break
    if not boxes:
        return [], f"PRIM found no box denser than the whole space for {output}"
    return boxes, None
