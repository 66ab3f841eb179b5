"""The DEU accuracy benchmark: bargaining models against EU legislative outcomes.

Data: the DEU I + II + III data set (Arregui & Perarnaud 2022, doi:10.1080/13501763.2021.1991983;
Thomson et al. 2006, *The European Union Decides*, doi:10.1017/CBO9780511492082), one row per
controversial issue of a legislative proposal: each actor's position ``p<actor>`` and salience
``s<actor>`` on 0-100, the reference point ``rp`` and the decision outcome ``out``.

Scoring convention (the literature's): an issue is scored when ``out`` is a number in [0, 100]
and at least three actors have a position in [0, 100]; values outside [0, 100] (e.g. 999) are
missing; a missing salience of an actor with a position counts as 50; the error is
``|forecast - out|`` on the 0-100 scale. The compromise model with equal capability scores
MAE 22.36 on the 248 scoreable issues of the development split.

No forecast here reads ``out``; the one fitted model (``ensemble_cv``) is scored out of fold, with
its parameters fitted on the other proposals only (grouped k-fold by ``prnr``).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from .._io import read_text
from .._results import ResultMixin
from ..bargaining import _bdm, _smp
from ..bargaining._spatial import compromise, nash_bargaining, spatial_utility, weighted_median
from ..scenario._registry import check_seed

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CAPABILITIES",
    "COUNCIL_WEIGHTS",
    "MODELS",
    "BenchResult",
    "DeuData",
    "ModelScore",
    "bench_deu",
    "capability_vector",
    "cluster_bootstrap_ci",
    "ensemble_cv",
    "ensemble_rule_cv",
    "group_kfold",
    "load_deu",
    "run_benchmark",
    "tuned_cv",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Nice-treaty Council voting weights by the DEU column code (``bu`` Bulgaria, ``cr`` Croatia,
#: ``el`` Greece); the Commission and the Parliament get the largest state's weight (29).
COUNCIL_WEIGHTS: dict[str, float] = {
    "de": 29, "fr": 29, "it": 29, "uk": 29,
    "es": 27, "pl": 27,
    "ro": 14,
    "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12,
    "at": 10, "bu": 10, "se": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7,
    "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4,
    "mt": 3,
    "com": 29, "ep": 29,
}  # fmt: skip
# Alternative codes some exports use for the same states.
_ALIASES = {"bg": "bu", "gr": "el", "hr": "cr", "gb": "uk"}

CAPABILITIES = ("equal", "council")
MODELS = (
    "compromise",
    "median",
    "nbs",
    "nbs_rp",
    "bdm",
    "smp",
    "ensemble_cv",
    "ensemble_rule_cv",
    "tuned_cv",
    "commission",
    "reference_point",
    "midpoint",
)
_REQUIRED = ("prnr", "proc", "out")
_CV_MODELS = ("ensemble_cv", "ensemble_rule_cv", "tuned_cv")
_EXTERNAL_MODELS = ("bdm", "smp")  # ceasefire.bargaining._bdm and ._smp
_MISSING_TOKENS = {"", "na", "nan", ".", "-"}
_MIN_ACTORS = 3


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeuData:
    """DEU issues as arrays: ``N`` issue rows, ``A`` actors.

    ``positions`` (N, A) on 0-100 with NaN where an actor has no position in [0, 100];
    ``salience`` (N, A) on 0-100, 50 where the actor has a position but no valid salience,
    NaN where it has no position; ``rp`` and ``out`` (N,) with NaN where missing;
    ``scored`` marks the issues the convention scores.
    """

    path: str
    actors: tuple[str, ...]
    prnr: NDArray[np.str_]
    isnr: NDArray[np.str_]
    proc: NDArray[np.str_]
    counvte: NDArray[np.str_]
    positions: FloatArray
    salience: FloatArray
    rp: FloatArray
    out: FloatArray
    lines: NDArray[np.int64]

    @property
    def has(self) -> BoolArray:
        """(N, A): the actor has a position on the issue."""
        return ~np.isnan(self.positions)

    @property
    def scored(self) -> BoolArray:
        """(N,): the issue is scored (valid outcome, at least three positions)."""
        return (~np.isnan(self.out)) & (self.has.sum(axis=1) >= _MIN_ACTORS)

    def subset(self, mask: BoolArray) -> DeuData:
        """The issues where ``mask`` holds."""
        return DeuData(
            path=self.path,
            actors=self.actors,
            prnr=self.prnr[mask],
            isnr=self.isnr[mask],
            proc=self.proc[mask],
            counvte=self.counvte[mask],
            positions=self.positions[mask],
            salience=self.salience[mask],
            rp=self.rp[mask],
            out=self.out[mask],
            lines=self.lines[mask],
        )

    def __len__(self) -> int:
        return int(self.out.shape[0])


def _number(value: str, *, col: str, file: str, line: int) -> float:
    v = value.strip()
    if v.lower() in _MISSING_TOKENS:
        return math.nan
    try:
        x = float(v)
    except ValueError:
        raise InputError(
            f"column {col!r}: {value!r} is not a number", file=file, line=line
        ) from None
    if not math.isfinite(x) or x < 0.0 or x > 100.0:
        return math.nan  # outside [0, 100], e.g. 999: missing by the convention
    return x


def load_deu(path: str | Path) -> DeuData:
    """Read a DEU-format file (tab- or comma-separated, header on line 1).

    Required columns: ``prnr``, ``proc``, ``out`` and a ``p<actor>``/``s<actor>`` pair for at
    least three actors (a position column without its salience column is an error). Optional:
    ``isnr``, ``counvte``, ``rp``. Raises :class:`InputError` (one line, with file and line) for
    a missing file, a missing column, a short row or a non-numeric value.
    """
    file = str(path)
    text = read_text(path, what="DEU data file")
    try:
        return _parse_deu(text, file)
    except csv.Error as exc:
        raise InputError(f"invalid CSV/TSV: {exc}", file=file) from None


def _parse_deu(text: str, file: str) -> DeuData:
    rows = text.splitlines()
    if not rows or not rows[0].strip():
        raise InputError("the file is empty (expected a header line)", file=file, line=1)
    delim = "\t" if "\t" in rows[0] else ","
    reader = csv.reader(rows, delimiter=delim)
    header = [h.strip() for h in next(reader)]
    index = {h: i for i, h in enumerate(header)}
    for col in _REQUIRED:
        if col not in index:
            raise InputError(f"missing required column {col!r}", file=file, line=1)
    sal_cols = {h[1:] for h in header if h.startswith("s") and len(h) > 1}
    actors = [h[1:] for h in header if h.startswith("p") and h[1:] in sal_cols]
    for h in header:  # a position column of a known actor without its salience column
        code = h[1:]
        if h.startswith("p") and code not in sal_cols and _canon(code) in COUNCIL_WEIGHTS:
            raise InputError(
                f"missing required column 's{code}' (salience of actor {code!r})", file=file, line=1
            )
    if len(actors) < _MIN_ACTORS:
        raise InputError(
            f"found {len(actors)} actor column pairs p<actor>/s<actor>; "
            f"need at least {_MIN_ACTORS}",
            file=file,
            line=1,
        )
    pi = [index["p" + a] for a in actors]
    si = [index["s" + a] for a in actors]
    pos: list[list[float]] = []
    sal: list[list[float]] = []
    rp: list[float] = []
    out: list[float] = []
    prnr: list[str] = []
    isnr: list[str] = []
    proc: list[str] = []
    counvte: list[str] = []
    lines: list[int] = []
    width = len(header)
    for lineno, row in enumerate(reader, start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))  # trailing empty fields dropped by the export
        elif len(row) > width and any(c.strip() for c in row[width:]):
            raise InputError(
                f"{len(row)} fields but the header has {width}", file=file, line=lineno
            )

        def num(col: str, i: int, _row: list[str] = row, _ln: int = lineno) -> float:
            return _number(_row[i], col=col, file=file, line=_ln)

        pos.append([num("p" + a, i) for a, i in zip(actors, pi, strict=True)])
        sal.append([num("s" + a, i) for a, i in zip(actors, si, strict=True)])
        rp.append(num("rp", index["rp"]) if "rp" in index else math.nan)
        out.append(num("out", index["out"]))
        prnr.append(row[index["prnr"]].strip())
        isnr.append(row[index["isnr"]].strip() if "isnr" in index else f"line{lineno}")
        proc.append(row[index["proc"]].strip() or "?")
        counvte.append(row[index["counvte"]].strip() if "counvte" in index else "")
        lines.append(lineno)
    if not out:
        raise InputError("no data rows after the header", file=file, line=2)
    x = np.asarray(pos, dtype=float)
    s = np.asarray(sal, dtype=float)
    has = ~np.isnan(x)
    s = np.where(has, np.where(np.isnan(s), 50.0, s), np.nan)
    return DeuData(
        path=file,
        actors=tuple(actors),
        prnr=np.asarray(prnr, dtype=str),
        isnr=np.asarray(isnr, dtype=str),
        proc=np.asarray(proc, dtype=str),
        counvte=np.asarray(counvte, dtype=str),
        positions=x,
        salience=s,
        rp=np.asarray(rp, dtype=float),
        out=np.asarray(out, dtype=float),
        lines=np.asarray(lines, dtype=np.int64),
    )


def _canon(code: str) -> str:
    c = code.lower()
    return _ALIASES.get(c, c)


def capability_vector(actors: Sequence[str], variant: str = "equal") -> FloatArray:
    """Capability per actor: ``equal`` (all 1) or ``council`` (Nice weights: COUNCIL_WEIGHTS)."""
    if variant == "equal":
        return np.ones(len(actors))
    if variant == "council":
        missing = [a for a in actors if _canon(a) not in COUNCIL_WEIGHTS]
        if missing:
            raise InputError(f"no Council voting weight for actor(s) {', '.join(missing)}")
        return np.array([COUNCIL_WEIGHTS[_canon(a)] for a in actors], dtype=float)
    raise InputError(
        f"unknown capability variant {variant!r} (use one of {', '.join(CAPABILITIES)})"
    )


# ---------------------------------------------------------------------------------------------
# models: each maps (data, capability (A,)) to forecasts (N,) on 0-100, NaN where none
# ---------------------------------------------------------------------------------------------


def _weights(data: DeuData, cap: FloatArray, exponent: float = 1.0) -> FloatArray:
    """(N, A) capability x salience**exponent, zero for absent actors.

    An issue where every present actor has zero salience falls back to capability alone.
    """
    has = data.has
    s = np.where(has, data.salience, 0.0) / 100.0
    sp = np.where(s > 0, s**exponent, 0.0) if exponent != 1.0 else s
    w = np.where(has, sp * cap[None, :], 0.0)
    dead = w.sum(axis=1) <= 0
    if dead.any():
        w[dead] = np.where(has[dead], np.broadcast_to(cap, has.shape)[dead], 0.0)
    return w


def _xfill(data: DeuData) -> FloatArray:
    # absent actors carry zero weight; -1 sorts them below every real position, so the
    # weighted median never lands on (or averages with) one of them
    return np.where(data.has, data.positions, -1.0)


def model_compromise(data: DeuData, cap: FloatArray) -> FloatArray:
    """Capability x salience weighted mean of the positions (Thomson et al. 2006)."""
    return np.asarray(compromise(_xfill(data).T, _weights(data, cap).T), dtype=float)


def model_median(data: DeuData, cap: FloatArray) -> FloatArray:
    """Capability x salience weighted median of the positions."""
    return np.asarray(weighted_median(_xfill(data).T, _weights(data, cap).T), dtype=float)


def _nbs_one(x: FloatArray, s: FloatArray, c: FloatArray, rp: float | None) -> float:
    """Asymmetric Nash bargaining on one issue (positions on [0, 1])."""
    w = c * s
    if not w.sum() > 0:
        w = c.copy()
    ideal = x[:, None]
    sal = np.ones_like(ideal)
    if rp is not None:
        d = spatial_utility(np.array([rp]), ideal, sal)
    else:  # the conflict point: each actor's worst position on the table
        d = 1.0 - np.max(np.abs(x[None, :] - x[:, None]), axis=1)
    sol = nash_bargaining(ideal, sal, w, d, n_starts=2, seed=0)
    return float(sol.point[0])


def _model_nbs(data: DeuData, cap: FloatArray, *, use_rp: bool) -> FloatArray:
    out = np.full(len(data), np.nan)
    has = data.has
    for i in range(len(data)):
        h = has[i]
        if h.sum() < 1:
            continue
        rp = data.rp[i] / 100.0 if use_rp and not np.isnan(data.rp[i]) else None
        out[i] = 100.0 * _nbs_one(
            data.positions[i, h] / 100.0, data.salience[i, h] / 100.0, cap[h], rp
        )
    return out


def model_nbs(data: DeuData, cap: FloatArray) -> FloatArray:
    """Asymmetric Nash bargaining solution, disagreement = each actor's worst tabled position.

    Utility ``1 - |z - x_a|`` (one issue, salience normalised to 1), bargaining weights
    capability x salience, disagreement utility ``d_a = 1 - max_b |x_b - x_a|``.
    """
    return _model_nbs(data, cap, use_rp=False)


def model_nbs_rp(data: DeuData, cap: FloatArray) -> FloatArray:
    """As :func:`model_nbs`, but the reference point (status quo) is the disagreement point
    where the data give one (``d_a = 1 - |rp - x_a|``), the worst tabled position elsewhere."""
    return _model_nbs(data, cap, use_rp=True)


def model_bdm(data: DeuData, cap: FloatArray) -> FloatArray:
    """Bueno de Mesquita's expected-utility model (``ceasefire.bargaining._bdm.bdm``), default
    parameters."""
    w = _weights(data, cap)
    out = np.full(len(data), np.nan)
    has = data.has
    for i in range(len(data)):
        h = has[i]
        sal = data.salience[i, h]
        c = cap[h]
        if not (c * sal).sum() > 0:
            sal = np.where(w[i, h] > 0, 100.0, 0.0)
        res = _bdm.bdm(data.positions[i, h], c, sal, scale=(0.0, 100.0), salience_scale=100.0)
        out[i] = float(res.forecast)
    return out


def model_smp(data: DeuData, cap: FloatArray) -> FloatArray:
    """KTAB's spatial model of politics (``ceasefire.bargaining._smp.smp_scenario_forecast``),
    one issue at a time, KTAB's deterministic defaults."""
    fn = _smp.smp_scenario_forecast
    out = np.full(len(data), np.nan)
    has = data.has
    for i in range(len(data)):
        h = has[i]
        x = data.positions[i, h][:, None] / 100.0
        s = data.salience[i, h][:, None] / 100.0
        if not s.sum() > 0:
            s = np.ones_like(s)
        res = np.asarray(fn(x, s, cap[h]), dtype=float).ravel()
        out[i] = 100.0 * float(res[0])
    return out


def model_commission(data: DeuData, cap: FloatArray) -> FloatArray:
    """Baseline: the Commission's position (NaN where it has none)."""
    if "com" not in data.actors:
        return np.full(len(data), np.nan)
    return data.positions[:, data.actors.index("com")].copy()


def model_reference_point(data: DeuData, cap: FloatArray) -> FloatArray:
    """Baseline: the reference point (status quo), only where the data give one."""
    return data.rp.copy()


def model_midpoint(data: DeuData, cap: FloatArray) -> FloatArray:
    """Baseline: the middle of the scale, 50."""
    return np.full(len(data), 50.0)


_MODEL_FUNCS: dict[str, Callable[[DeuData, FloatArray], FloatArray]] = {
    "compromise": model_compromise,
    "median": model_median,
    "nbs": model_nbs,
    "nbs_rp": model_nbs_rp,
    "bdm": model_bdm,
    "smp": model_smp,
    "commission": model_commission,
    "reference_point": model_reference_point,
    "midpoint": model_midpoint,
}


# ---------------------------------------------------------------------------------------------
# the cross-validated ensemble
# ---------------------------------------------------------------------------------------------

#: The parameter grid of ``tuned_cv``: salience exponent, Commission weight multiplier,
#: Parliament weight multiplier under co-decision, share of the compromise (vs the median) in
#: the blend, shrinkage toward the middle of the scale. The plain compromise model comes first
#: so that ties keep it.
ENSEMBLE_GRID: dict[str, tuple[float, ...]] = {
    "salience_exponent": (1.0, 0.0, 0.5, 2.0),
    "commission_mult": (1.0, 0.5, 2.0),
    "ep_cod_mult": (1.0, 2.0, 4.0),
    "compromise_share": (1.0, 0.75, 0.5),
    "shrink_to_50": (0.0, 0.1, 0.2),
}


def group_kfold(groups: Sequence[str] | NDArray[Any], k: int, seed: int) -> NDArray[np.int64]:
    """Fold index per row: whole groups (proposals) go to one of ``k`` folds, seeded."""
    uniq, inv = np.unique(np.asarray(groups), return_inverse=True)
    k = max(2, min(int(k), len(uniq)))
    perm = np.random.default_rng(seed).permutation(len(uniq))
    fold_of_group = np.empty(len(uniq), dtype=np.int64)
    fold_of_group[perm] = np.arange(len(uniq)) % k
    return fold_of_group[inv]


def _ensemble_candidates(
    data: DeuData, cap: FloatArray
) -> tuple[FloatArray, list[dict[str, float]]]:
    """(M, N) forecasts of every grid point and the grid points; none reads ``out``."""
    g = ENSEMBLE_GRID
    x = _xfill(data)
    cod = data.proc == "COD"
    icom = data.actors.index("com") if "com" in data.actors else None
    iep = data.actors.index("ep") if "ep" in data.actors else None
    rows: list[FloatArray] = []
    params: list[dict[str, float]] = []
    for gam in g["salience_exponent"]:
        base = _weights(data, cap, gam)
        for lc in g["commission_mult"]:
            for le in g["ep_cod_mult"]:
                w = base.copy()
                if icom is not None:
                    w[:, icom] *= lc
                if iep is not None:
                    w[:, iep] *= np.where(cod, le, 1.0)
                c = np.asarray(compromise(x.T, w.T), dtype=float)
                m = np.asarray(weighted_median(x.T, w.T), dtype=float)
                for a in g["compromise_share"]:
                    blend = a * c + (1.0 - a) * m
                    for b in g["shrink_to_50"]:
                        rows.append((1.0 - b) * blend + b * 50.0)
                        params.append(
                            {
                                "salience_exponent": gam,
                                "commission_mult": lc,
                                "ep_cod_mult": le,
                                "compromise_share": a,
                                "shrink_to_50": b,
                            }
                        )
    return np.vstack(rows), params


@dataclass(frozen=True)
class EnsembleCV:
    """Out-of-fold forecasts of the grid-searched ensemble and the parameters each fold chose."""

    forecast: FloatArray
    fold: NDArray[np.int64]
    chosen: list[dict[str, Any]]
    cv_mae: float
    folds: int


def _grid_cv(
    data: DeuData,
    cand: FloatArray,
    params: list[dict[str, float]],
    folds: int,
    seed: int,
    strata: NDArray[Any] | None = None,
) -> EnsembleCV:
    """Out-of-fold forecasts: per fold (and per stratum, if given) the candidate row with the
    smallest MAE on the other folds' issues (of that stratum) forecasts the held-out issues."""
    fold = group_kfold(data.prnr, folds, seed)
    err = np.abs(cand - data.out[None, :])
    oof = np.full(len(data), np.nan)
    chosen: list[dict[str, Any]] = []
    key = np.zeros(len(data), dtype=int) if strata is None else np.asarray(strata)
    for f in np.unique(fold):
        test = fold == f
        for g in np.unique(key[test]):
            train = (~test) & (key == g)
            if not train.any():  # a stratum unseen in training: fall back to all training issues
                train = ~test
            best = int(np.argmin(err[:, train].mean(axis=1)))
            here = test & (key == g)
            oof[here] = cand[best, here]
            pick: dict[str, Any] = dict(params[best])
            if strata is not None:
                pick["stratum"] = str(g)
            chosen.append(pick)
    return EnsembleCV(
        forecast=oof,
        fold=fold,
        chosen=chosen,
        cv_mae=float(np.abs(oof - data.out).mean()),
        folds=len(np.unique(fold)),
    )


def tuned_cv(data: DeuData, cap: FloatArray, *, folds: int = 10, seed: int = 0) -> EnsembleCV:
    """Grouped cross-validation of :data:`ENSEMBLE_GRID` (a tuned compromise/median blend).

    For each of ``folds`` folds of proposals (``prnr``), the grid point with the smallest MAE on
    the other folds' issues forecasts the held-out fold. ``data`` must be scored issues only.
    The returned forecasts are all out of fold, so their MAE is the cross-validated error.
    """
    cand, params = _ensemble_candidates(data, cap)
    return _grid_cv(data, cand, params, folds, seed)


#: Components of ``ensemble_cv``, blended with convex weights on a 0.1 grid.
ENSEMBLE_COMPONENTS = ("compromise", "median", "nbs", "midpoint")


def ensemble_cv(
    data: DeuData,
    cap: FloatArray,
    *,
    folds: int = 10,
    seed: int = 0,
    components: dict[str, FloatArray] | None = None,
) -> EnsembleCV:
    """A convex blend of compromise, median, Nash bargaining and 50, weights chosen by grouped CV.

    The weights run over the simplex in steps of 0.1 (286 blends); in each fold of proposals
    the blend with the smallest MAE on the other folds forecasts the held-out fold.
    ``components`` may pass precomputed forecasts (N,) by name to save the Nash solves.
    """
    cand, params = _blend_candidates(data, cap, components)
    return _grid_cv(data, cand, params, folds, seed)


def ensemble_rule_cv(
    data: DeuData,
    cap: FloatArray,
    *,
    folds: int = 10,
    seed: int = 0,
    components: dict[str, FloatArray] | None = None,
) -> EnsembleCV:
    """:func:`ensemble_cv` with separate blend weights for unanimity and QMV issues.

    Procedure-aware: the Council voting rule (``counvte``: ``Unan`` vs the rest) is known
    before the outcome, so choosing the blend per rule reads no outcome of the held-out fold.
    """
    cand, params = _blend_candidates(data, cap, components)
    rule = np.where(np.char.lower(data.counvte.astype(str)) == "unan", "unanimity", "qmv")
    return _grid_cv(data, cand, params, folds, seed, strata=rule)


def _blend_candidates(
    data: DeuData, cap: FloatArray, components: dict[str, FloatArray] | None
) -> tuple[FloatArray, list[dict[str, float]]]:
    comps = dict(components or {})
    for name in ENSEMBLE_COMPONENTS:
        if name not in comps:
            comps[name] = _MODEL_FUNCS[name](data, cap)
    c = np.vstack([comps[name] for name in ENSEMBLE_COMPONENTS])
    steps = np.arange(11)
    grid = [
        (a, b, g, 10 - a - b - g)
        for a in steps[::-1]
        for b in steps
        for g in steps
        if a + b + g <= 10
    ]
    w = np.asarray(grid, dtype=float) / 10.0
    params = [dict(zip(ENSEMBLE_COMPONENTS, map(float, row), strict=True)) for row in w]
    return w @ c, params


# ---------------------------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------------------------

WITHIN = (5, 10, 20)


def cluster_bootstrap_ci(
    values: FloatArray, groups: NDArray[Any], *, reps: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile 95% interval of the mean of ``values``, resampling whole groups (proposals)."""
    if values.size == 0:
        return (math.nan, math.nan)
    _, inv = np.unique(groups, return_inverse=True)
    sums = np.bincount(inv, weights=values)
    counts = np.bincount(inv).astype(float)
    g = sums.size
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, g, size=(int(reps), g))
    means = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return (float(lo), float(hi))


@dataclass(frozen=True)
class ModelScore:
    """One model's accuracy on the issues it forecasts."""

    name: str
    n: int
    mae: float
    median_ae: float
    rmse: float
    within: dict[str, float]
    by_proc: dict[str, dict[str, float | int]]
    delta_mean: float
    delta_ci95: tuple[float, float]
    n_paired: int
    forecast: FloatArray = field(repr=False)
    note: str = ""
    cv_mae: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "n": self.n,
            "mae": _r(self.mae),
            "median_ae": _r(self.median_ae),
            "rmse": _r(self.rmse),
            "within": {k: _r(v) for k, v in self.within.items()},
            "by_proc": self.by_proc,
            "delta_vs_compromise": {
                "mean": _r(self.delta_mean),
                "ci95": [_r(self.delta_ci95[0]), _r(self.delta_ci95[1])],
                "n": self.n_paired,
            },
        }
        if self.cv_mae is not None:
            d["cv_mae"] = _r(self.cv_mae)
        if self.note:
            d["note"] = self.note
        return d


def _r(x: float, nd: int = 4) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def _summary(err: FloatArray) -> tuple[float, float, float, dict[str, float]]:
    a = np.abs(err)
    if a.size == 0:
        nan = math.nan
        return nan, nan, nan, {str(w): nan for w in WITHIN}
    return (
        float(a.mean()),
        float(np.median(a)),
        float(np.sqrt(np.mean(a**2))),
        {str(w): float(np.mean(a <= w)) for w in WITHIN},
    )


def score_model(
    name: str,
    forecast: FloatArray,
    data: DeuData,
    reference: FloatArray,
    *,
    reps: int = 2000,
    seed: int = 0,
    note: str = "",
    cv_mae: float | None = None,
) -> ModelScore:
    """Score ``forecast`` (N,) against ``data.out``; ``reference`` is the compromise forecast."""
    ok = ~np.isnan(forecast)
    err = np.abs(forecast - data.out)
    mae, med, rmse, within = _summary(err[ok])
    by_proc: dict[str, dict[str, float | int]] = {}
    for proc in sorted(set(data.proc.tolist())):
        k = ok & (data.proc == proc)
        pm, pmed, prmse, _ = _summary(err[k])
        by_proc[proc] = {
            "n": int(k.sum()),
            "mae": _r(pm),  # type: ignore[dict-item]
            "median_ae": _r(pmed),  # type: ignore[dict-item]
            "rmse": _r(prmse),  # type: ignore[dict-item]
        }
    both = ok & ~np.isnan(reference)
    delta = err[both] - np.abs(reference - data.out)[both]
    if delta.size and np.all(delta == 0):
        ci = (0.0, 0.0)
    else:
        ci = cluster_bootstrap_ci(delta, data.prnr[both], reps=reps, seed=seed)
    return ModelScore(
        name=name,
        n=int(ok.sum()),
        mae=mae,
        median_ae=med,
        rmse=rmse,
        within=within,
        by_proc=by_proc,
        delta_mean=float(delta.mean()) if delta.size else math.nan,
        delta_ci95=ci,
        n_paired=int(both.sum()),
        forecast=forecast,
        note=note,
        cv_mae=cv_mae,
    )


@dataclass(frozen=True, repr=False)
class BenchResult(ResultMixin):
    """The benchmark: one :class:`ModelScore` per model, plus the models skipped and why."""

    n_issues: int
    capability: str
    models: dict[str, ModelScore]
    skipped: dict[str, str]
    data: DeuData = field(repr=False)
    seed: int = 0
    reps: int = 2000
    folds: int = 10
    cv_choices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract as a dict."""
        return {
            "n_issues": self.n_issues,
            "capability": self.capability,
            "models": {k: v.to_dict() for k, v in self.models.items()},
            "skipped": dict(self.skipped),
            "data": self.data.path,
            "seed": self.seed,
            "bootstrap_reps": self.reps,
            "cv_folds": self.folds,
            "cv_choices": self.cv_choices,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """One row per model: n, MAE, median AE, RMSE, within 5/10/20, MAE by procedure, delta."""
        import pandas as pd

        procs = sorted({p for m in self.models.values() for p in m.by_proc})
        rows = []
        for name, m in self.models.items():
            row: dict[str, Any] = {
                "model": name,
                "n": m.n,
                "mae": m.mae,
                "median_ae": m.median_ae,
                "rmse": m.rmse,
                "within5": m.within["5"],
                "within10": m.within["10"],
                "within20": m.within["20"],
            }
            for p in procs:
                bp = m.by_proc.get(p, {})
                row[f"n_{p}"] = bp.get("n", 0)
                row[f"mae_{p}"] = bp.get("mae", math.nan)
            row["delta"] = m.delta_mean
            row["delta_lo"] = m.delta_ci95[0]
            row["delta_hi"] = m.delta_ci95[1]
            rows.append(row)
        return pd.DataFrame(rows).set_index("model")

    def forecasts(self) -> pd.DataFrame:
        """Per-issue forecasts of every model, with the outcome, one row per scored issue."""
        import pandas as pd

        df = pd.DataFrame(
            {
                "prnr": self.data.prnr,
                "isnr": self.data.isnr,
                "proc": self.data.proc,
                "out": self.data.out,
            }
        )
        for name, m in self.models.items():
            df[name] = m.forecast
        return df


#: Bootstrap replicates and cross-validation folds accepted (checked before any work).
MAX_REPS = 100_000
MAX_FOLDS = 100


def run_benchmark(
    path: str | Path | DeuData,
    *,
    capability: str = "equal",
    models: Sequence[str] | None = None,
    seed: int = 0,
    reps: int = 2000,
    folds: int = 10,
) -> BenchResult:
    """Run the DEU benchmark on the scored issues of ``path``.

    ``models`` defaults to :data:`MODELS` (``nbs_rp`` included); models whose module is
    not importable (``bdm``, ``smp``) are skipped and listed in ``skipped`` with the reason.
    The compromise model is always run: it is the reference of every paired difference.
    """
    check_seed(seed)
    if isinstance(reps, bool) or not isinstance(reps, int) or not 1 <= reps <= MAX_REPS:
        raise InputError(f"reps must be a whole number in [1, {MAX_REPS:,}], not {reps!r}")
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= MAX_FOLDS:
        raise InputError(f"folds must be a whole number in [2, {MAX_FOLDS}], not {folds!r}")
    data_all = path if isinstance(path, DeuData) else load_deu(path)
    cap_all = capability_vector(data_all.actors, capability)
    data = data_all.subset(data_all.scored)
    if len(data) == 0:
        raise InputError("no issue meets the scoring convention", file=data_all.path)
    names = list(MODELS if models is None else models)
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        raise InputError(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(MODELS)}")
    if "compromise" not in names:
        names.insert(0, "compromise")
    forecasts: dict[str, FloatArray] = {}
    skipped: dict[str, str] = {}
    notes: dict[str, str] = {}
    cv: dict[str, float] = {}
    choices: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        if name in _CV_MODELS:
            continue
        try:
            forecasts[name] = _MODEL_FUNCS[name](data, cap_all)
        except ImportError as exc:
            skipped[name] = f"not available ({exc.__class__.__name__}: {exc})"
        except AttributeError as exc:
            skipped[name] = f"not available ({exc})"
        except Exception as exc:  # a colleague module's failure must not sink the benchmark
            if name not in _EXTERNAL_MODELS:
                raise
            skipped[name] = f"failed ({exc.__class__.__name__}: {exc})"
    n_groups = len(np.unique(data.prnr))
    for name in _CV_MODELS:
        if name in names and n_groups < 2:
            names.remove(name)
            skipped[name] = f"cross-validation needs at least 2 proposals, found {n_groups}"
    if "ensemble_cv" in names:
        pre = {k: v for k, v in forecasts.items() if k in ENSEMBLE_COMPONENTS}
        ens = ensemble_cv(data, cap_all, folds=folds, seed=seed, components=pre)
        forecasts["ensemble_cv"] = ens.forecast
        cv["ensemble_cv"] = ens.cv_mae
        choices["ensemble_cv"] = ens.chosen
        notes["ensemble_cv"] = (
            f"out-of-fold forecasts, {ens.folds}-fold CV grouped by prnr; convex blend of "
            + ", ".join(ENSEMBLE_COMPONENTS)
        )
    if "ensemble_rule_cv" in names:
        pre = {k: v for k, v in forecasts.items() if k in ENSEMBLE_COMPONENTS}
        rule = ensemble_rule_cv(data, cap_all, folds=folds, seed=seed, components=pre)
        forecasts["ensemble_rule_cv"] = rule.forecast
        cv["ensemble_rule_cv"] = rule.cv_mae
        choices["ensemble_rule_cv"] = rule.chosen
        notes["ensemble_rule_cv"] = (
            f"out-of-fold forecasts, {rule.folds}-fold CV grouped by prnr; as ensemble_cv, "
            "blend chosen separately for unanimity and QMV issues"
        )
    if "tuned_cv" in names:
        tun = tuned_cv(data, cap_all, folds=folds, seed=seed)
        forecasts["tuned_cv"] = tun.forecast
        cv["tuned_cv"] = tun.cv_mae
        choices["tuned_cv"] = tun.chosen
        notes["tuned_cv"] = (
            f"out-of-fold forecasts, {tun.folds}-fold CV grouped by prnr; grid over "
            + ", ".join(ENSEMBLE_GRID)
        )
    if "reference_point" in forecasts:
        notes["reference_point"] = "scored only on issues with a reference point"
    if "nbs" in forecasts:
        notes["nbs"] = "disagreement: each actor's worst tabled position"
    if "nbs_rp" in forecasts:
        notes["nbs_rp"] = "disagreement: the reference point where present"
    ref = forecasts["compromise"]
    scores = {
        name: score_model(
            name,
            forecasts[name],
            data,
            ref,
            reps=reps,
            seed=seed,
            note=notes.get(name, ""),
            cv_mae=cv.get(name),
        )
        for name in names
        if name in forecasts
    }
    return BenchResult(
        n_issues=len(data),
        capability=capability,
        models=scores,
        skipped=skipped,
        data=data,
        seed=seed,
        reps=reps,
        folds=folds,
        cv_choices=choices,
    )


#: The public name (``ceasefire.bench_deu``) of :func:`run_benchmark`.
bench_deu = run_benchmark
