"""The spatial model of politics (SMP) of KTAB, reproduced and vectorised.

This is an independent numpy implementation of the SMP in KTAB, the KAPSARC
Toolkit for Behavioral Analysis (github.com/lsyaseen/KTAB, MIT licence;
B. Wise, S. Lester and B. Efird, KAPSARC; see their KAPSARC discussion papers
"An Introduction to the KAPSARC Toolkit for Behavioral Analysis (KTAB)" and
"Multidimensional Bargaining Using KTAB", and Efird, Lester & Wise,
J. East Asian Studies 16:117-145, 2016). It was written from a reading of
KTAB's ``examples/smp/libsrc`` and ``KTAB/kmodel/libsrc``; no code is copied.
With KTAB's defaults it reproduces KTAB's deterministic reference runs turn by
turn (every position to the printed 0.1, every win probability to the printed
0.0001).

Algorithm (one turn; positions ``x``, ideals ``y`` and saliences ``s`` on the
0-1 scale, capabilities ``c``; actor *i*'s total salience ``σ_i = Σ_k s_ik``)

1. *Distances.* ``d[i, j] = sqrt(Σ_k s_ik² (y_ik - x_jk)² / Σ_k s_ik²)``, the
   salience-weighted distance from *i*'s ideal to *j*'s position.
2. *Risk attitudes.* With risk-neutral utilities ``1 - d``, every actor votes
   (weight ``c``, the voting rule) over every pair of positions; coalition
   strengths give pairwise victory probabilities (the victory model) and a
   probabilistic Condorcet election (the PCE model) gives each position's
   probability ``p``. The risk attitude is ``r = (3p - pmax - 2pmin) /
   (2(pmax - pmin))`` for BigR ``Mid`` (``Min``: on [0, 1], ``Max``: on
   [-1, 1]); stronger positions are more risk-averse.
3. *Perspective-dependent utilities.* Actor *h* estimates *i*'s risk attitude
   as a blend of ``r_h`` and ``r_i`` (BigRAdjust: ``OneThird`` is
   ``(2r_h + r_i)/3``) and ``U[h, i, j] = (1 - d)(1 + d·r̂_hi)`` with
   ``d = d[i, j]``: the n×n×n utility tensor.
4. *Challenges.* In *h*'s view, challenger *i* and target *j* each contribute
   ``vote(σ c, U_i - U_j)`` to their own side; every third party *n* first
   estimates the little contest ``(i, j, n)``, then votes (weight ``σ_n c_n``)
   for the side whose coalition it prefers, comparing sums of three position
   utilities under the third-party-commitment rule (SemiCommit: if it joins
   the winner it keeps its own position when *i* wins, ...). The coalition
   totals give ``P[i beats j]``, and *i*'s expected gain of the challenge is
   ``(1-σ_j)·2U_ii + σ_j·(P·2U_ii + (1-P)·2U_ij) - (U_ii + U_ij)``. All
   challengers, third parties and targets form one (i, n, j) array expression
   (evaluated in cache-sized blocks of challengers).
5. *Best challenge.* Each actor picks the target with the greatest expected
   gain above 1e-5 (first on ties), if any.
6. *Bargains.* The two positions are interpolated dimension by dimension with
   weights ``s^a P^b`` (InterVecBrgn ``S2P2``: a = b = 2; ``S1P1``;
   ``S2PMax``), rounded to 4 decimals. ``InitOnlyInterp`` uses the
   initiator's view of ``P``; ``InitRcvrInterp`` offers the receiver's
   interpolation too; ``PWCompInterp`` offers their capability×salience
   weighted average. (As in KTAB, the receiver's interpolation is driven by
   the receiver's estimate of the *expected gain* of the challenge, not its
   victory probability, and the compromise weighs the receiver by the
   initiator's capability; we keep these to stay faithful.)
7. *Choice among bargains.* Each actor *k* holds the status quo and every
   bargain it is party to. Every actor values the state after a bargain as
   the mean over all actors' positions of its own utility; a capability-
   weighted PCE over these options gives their probabilities; *k* takes the
   most likely one (Deterministic) or draws one (Stochastic, from the given
   numpy Generator), and adopts its side of it.
8. *Ideals.* ``y' = A x' + (1 - rowsum A) y`` with the ideal-adjustment
   matrix ``A`` (identity: ideals are the positions).
9. *Stopping.* After at least 2 turns, stop once the summed Euclidean movement
   of all positions in a turn is below 2 % of the first turn's (plus 1e-4);
   at most 100 turns.

The reported win probability of an actor is the PCE probability (each actor
judging by its own utilities, weight ``c``) of its position among the
distinct positions of the state (positions closer than 0.1 on the 0-100 scale
count as one), so actors sharing a position show the same number.

All parameter values of KTAB's ``smpSchema.xsd`` are supported (see
:class:`SMPParams` and ``docs/smp.md``). Stochastic runs are reproducible from
a seed but are not KTAB's random stream.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._errors import InputError
from .._interrupt import sigint_held
from .._results import short_repr
from ..scenario._registry import available_memory as _available_memory
from ..scenario._registry import memory_text as _gib
from ._ktab import PARAM_NAMES, KTABScenario, canonical_param, param_spellings, read_ktab

__all__ = [
    "JIT_MIN_ACTORS",
    "SMPParams",
    "SMPResult",
    "SMPState",
    "check_memory",
    "forecast_smp_path",
    "memory_needed",
    "smp",
    "smp_ktab",
    "smp_scenario_forecast",
]

_MIN_COALITION = 1e-8  # Model::coalitions
_MIN_CONTRIB = 1e-10  # principal contributions in a challenge
_MIN_SIG_EDU = 1e-5  # smallest expected gain worth a challenge
_BIN_TOL = 1e-8  # width of the binary voting rule's ramp
_MIN_W = 1e-6  # interpolation guard
_POS_TOL = 1e-3  # positions this close (0-1 scale) count as one
# Elements of one block of the challenge step and of the coalition votes: 8,192 doubles
# (64 KiB) stay in cache and below glibc's 128 KiB mmap threshold, so that the block
# temporaries are not mapped and page-faulted afresh each time (which cost as much
# system time as the blocks' arithmetic at 80 actors with 128 KiB blocks; measured).
_BLOCK = 8192

#: From this many actors on, the challenge step runs compiled with numba when
#: numba is installed (``pip install ceasefire[fast]``): below it, importing
#: numba costs more CPU than it saves (measured, docs/smp.md#speed).
JIT_MIN_ACTORS = 120

_FIELD_TO_KTAB = {
    "victory_model": "VictoryProbModel",
    "pce_model": "PCEModel",
    "state_transitions": "StateTransitions",
    "voting_rule": "VotingRule",
    "big_r_adjust": "BigRAdjust",
    "big_r_range": "BigRRange",
    "third_party_commit": "ThirdPartyCommit",
    "inter_vec_brgn": "InterVecBrgn",
    "bargain_model": "BargnModel",
}


@dataclass(frozen=True)
class SMPParams:
    """SMP options, named and valued as in KTAB (defaults: KTAB's CSV defaults).

    ``victory_model``: Linear, Square, Quartic, Octic, Binary -- how coalition
    strengths become a pairwise victory probability.
    ``pce_model``: Conditional, MarkovIncentive, MarkovUniform -- the
    probabilistic Condorcet election.
    ``state_transitions``: Deterministic (most likely bargain) or Stochastic.
    ``voting_rule``: Binary, PropBin, Proportional, PropCbc, Cubic, ASymProsp.
    ``big_r_adjust``: Full, TwoThirds, Half, OneThird, No -- how much of *i*'s
    own risk attitude *h* sees. KTAB's reader spellings ``Prop`` and ``None``
    are accepted for ``Proportional`` and ``No`` and stored as the latter.
    ``big_r_range``: Min, Mid, Max.
    ``third_party_commit``: NoCommit, SemiCommit, FullCommit.
    ``inter_vec_brgn``: S1P1, S2P2, S2PMax. ``bargain_model``: InitOnlyInterp,
    InitRcvrInterp, PWCompInterp. The last four fields are KTAB's stopping
    rule.
    """

    victory_model: str = "Linear"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    voting_rule: str = "Proportional"
    big_r_adjust: str = "OneThird"
    big_r_range: str = "Mid"
    third_party_commit: str = "SemiCommit"
    inter_vec_brgn: str = "S2P2"
    bargain_model: str = "InitOnlyInterp"
    min_iter: int = 2
    max_iter: int = 100
    min_delta_ratio: float = 0.02
    min_sig_delta: float = 1e-4

    def __post_init__(self) -> None:
        for f, k in _FIELD_TO_KTAB.items():
            v = canonical_param(k, getattr(self, f))  # "Prop" -> "Proportional", ...
            if v not in PARAM_NAMES[k]:
                raise ValueError(f"{f} must be one of {', '.join(param_spellings(k))}; got {v!r}")
            object.__setattr__(self, f, v)
        if self.max_iter < 1 or self.min_iter < 1:
            raise ValueError("min_iter and max_iter must be at least 1")

    @classmethod
    def from_ktab(cls, params: dict[str, str], **overrides: Any) -> SMPParams:
        """Build from KTAB's parameter names (``{"VictoryProbModel": "Linear", ...}``)."""
        kw: dict[str, Any] = {f: params[k] for f, k in _FIELD_TO_KTAB.items() if k in params}
        kw.update(overrides)
        return cls(**kw)

    def to_ktab(self) -> dict[str, str]:
        """The nine model parameters under KTAB's names."""
        return {k: getattr(self, f) for f, k in _FIELD_TO_KTAB.items()}


@dataclass
class SMPState:
    """One state of the run: positions on the input's 0-100 scale, (n, dims),
    and each actor's position's win probability, (n,)."""

    positions: np.ndarray
    probabilities: np.ndarray


@dataclass
class SMPResult:
    """The history of an SMP run; ``history[0]`` is the input."""

    actors: list[str]
    dims: list[str]
    history: list[SMPState]
    params: SMPParams = field(default_factory=SMPParams)

    @property
    def forecast(self) -> dict[str, float]:
        """Per dimension, the final position with the highest win probability
        (the first such actor on ties), on the 0-100 scale."""
        last = self.history[-1]
        best = int(np.argmax(last.probabilities))
        return {d: float(last.positions[best, k]) for k, d in enumerate(self.dims)}

    def __repr__(self) -> str:
        return short_repr(self)

    @property
    def turns(self) -> int:
        """Number of turns (steps between states)."""
        return len(self.history) - 1

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready dict (see :meth:`to_json`)."""
        return {
            "model": "smp",
            "actors": list(self.actors),
            "dims": list(self.dims),
            "history": [
                {
                    "positions": [[float(v) for v in row] for row in st.positions],
                    "probabilities": [float(v) for v in st.probabilities],
                }
                for st in self.history
            ],
            "forecast": self.forecast,
        }

    def to_json(self, **kwargs: Any) -> str:
        """``{"model": "smp", "actors", "dims", "history": [{"positions",
        "probabilities"}...], "forecast": {dim: value}}``, 0-100 scale."""
        return json.dumps(self.to_dict(), **kwargs)


# ----------------------------------------------------------------------------
# elementary pieces (all elementwise / broadcasting)


def _vote(rule: str, w: Any, du: np.ndarray) -> np.ndarray:
    """Vote of weight ``w`` given utility difference ``du`` (Model::vote)."""
    if rule == "Proportional":
        return w * du
    if rule == "Binary":
        return w * np.clip(du / _BIN_TOL, -1.0, 1.0)
    if rule == "PropBin":
        return w * (0.8 * du + 0.2 * np.clip(du / _BIN_TOL, -1.0, 1.0))
    if rule == "PropCbc":
        return w * (0.5 * du + 0.5 * du * du * du)
    if rule == "Cubic":
        return w * (du * du * du)
    # ASymProsp: losses count fully, gains two thirds
    return np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0))


def _bs_util(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Utility of distance ``d`` with risk attitude ``r`` (SMPModel::bsUtil)."""
    return np.where(d <= 1.0, (1.0 - d) * (1.0 + d * r), (1.0 - d) * (1.0 + r))


def _victory(model: str, c: np.ndarray) -> np.ndarray:
    """Pairwise victory probabilities from coalition strengths ``c[..., i, j]``."""
    ct = np.swapaxes(c, -1, -2)
    if model == "Binary":
        thresh = 1.10
        r = c / (c + ct)
        mid = (r * (thresh + 1.0) - 1.0) / (thresh - 1.0)
        x1 = np.where(c >= thresh * ct, 1.0, np.where(ct >= thresh * c, 1e-6, mid))
        x2 = np.where(c >= thresh * ct, 1e-6, np.where(ct >= thresh * c, 1.0, 1.0 - mid))
        p = x1 / (x1 + x2)
    else:
        power = {"Linear": 1, "Square": 2, "Quartic": 4, "Octic": 8}[model]
        x1 = c**power
        x2 = ct**power
        p = x1 / (x1 + x2)
    m = c.shape[-1]
    idx = np.arange(m)
    p[..., idx, idx] = 0.5
    return p


def _coalitions(rule: str, w: np.ndarray, u: np.ndarray, jit: Any = None) -> np.ndarray:
    """Coalition strengths ``c[..., i, j]`` of option i over j.

    ``u[..., a, m]``: utility to actor a of option m; ``w[a]``: vote weights.
    Like KTAB, each pair is voted once as (i, j) with i > j (which matters only
    for the asymmetric ASymProsp rule), so only those m(m-1)/2 pairs are
    evaluated, in blocks of pairs that stay in cache. ``jit``: the compiled
    module (:func:`_jit_module`) for big elections, or None.
    """
    m = u.shape[-1]
    if u.ndim == 3 and u.size * m > 65536:
        # a batch of elections too big for one expression: one at a time
        return np.stack([_coalitions(rule, w, uk, jit) for uk in u])
    if jit is not None and u.ndim == 2 and u.shape[0] * m * m > 65536:
        return np.asarray(jit.coalitions(rule, w, u))
    ii, jj = np.tril_indices(m, -1)  # the pairs i > j
    c = np.full((*u.shape[:-2], m, m), _MIN_COALITION)
    block = max(1, _BLOCK // u.shape[-2]) if u.ndim == 2 else ii.size
    for p0 in range(0, ii.size, block):
        bi, bj = ii[p0 : p0 + block], jj[p0 : p0 + block]
        k = bi.size
        if k == 1:  # a lone column would be summed pairwise too: pad to two
            bi, bj = np.repeat(bi, 2), np.repeat(bj, 2)
        # C order: numpy then sums the voters one after another (KTAB's order),
        # where a gathered (F-ordered) array would be summed pairwise
        du = np.subtract(u[..., bi], u[..., bj], order="C")  # (..., a, pairs)
        v = _vote(rule, w[:, None], du)
        c[..., bi[:k], bj[:k]] = np.maximum(v, 0.0).sum(axis=-2)[..., :k] + _MIN_COALITION
        c[..., bj[:k], bi[:k]] = -np.minimum(v, 0.0).sum(axis=-2)[..., :k] + _MIN_COALITION
    return c


def _pce(pce_model: str, victory_model: str, c: np.ndarray) -> np.ndarray:
    """Probabilistic Condorcet election over the last axis (Model::probCE2)."""
    pv = _victory(victory_model, c)
    m = c.shape[-1]
    if pce_model == "Conditional":
        with np.errstate(divide="ignore"):
            lp = np.log(pv).sum(axis=-1)
        lp = lp - lp.max(axis=-1, keepdims=True)
        p = np.exp(lp)
        return p / p.sum(axis=-1, keepdims=True)
    batch = c.shape[:-2]
    p = np.full((*batch, m), 1.0 / m)
    active = np.ones(batch, dtype=bool)
    if pce_model == "MarkovUniform":
        tol = 1e-6
        for _ in range(1000):
            q = (pv * (p[..., :, None] + p[..., None, :])).sum(axis=-1) / m
            change = np.abs(q - p).max(axis=-1)
            p = np.where(active[..., None], (p + q) / 2.0, p)
            active = active & (change > tol)
            if not active.any():
                break
        return p
    # MarkovIncentive
    tol = 1e-8
    inc = c * pv
    idx = np.arange(m)
    inc[..., idx, idx] += 1e-10
    chlg = inc / inc.sum(axis=-2, keepdims=True)  # chlg[i, j] = P[i challenges j]
    chlg_t = np.swapaxes(chlg, -1, -2)
    for _ in range(1000):
        ct = p[..., :, None] * chlg_t  # ct[i, j] = p_i * chlg[j, i]
        q = (pv * (ct + np.swapaxes(ct, -1, -2))).sum(axis=-1)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active = active & (change > tol)
        if not active.any():
            break
    return p


def _big_r(p: np.ndarray, rng_name: str) -> np.ndarray:
    """Risk attitudes from position probabilities (Model::bigRfromProb)."""
    pmin, pmax = float(p.min()), float(p.max())
    span = pmax - pmin
    if span <= 0.0:  # all equally likely (KTAB would divide by zero): neutral
        return np.zeros_like(p)
    if rng_name == "Min":
        return (p - pmin) / span
    if rng_name == "Mid":
        return (3.0 * p - (pmax + 2.0 * pmin)) / (2.0 * span)
    return (2.0 * p - (pmax + pmin)) / span


def _est_r(rh: np.ndarray, ri: np.ndarray, adjust: str) -> np.ndarray:
    """``rhat[h, i]``: h's estimate of i's risk attitude (Model::estNRA)."""
    a = rh[:, None]
    b = ri[None, :]
    if adjust == "Full":
        return np.broadcast_to(b, (rh.size, ri.size)).copy()
    if adjust == "TwoThirds":
        return (a + 2.0 * b) / 3.0
    if adjust == "Half":
        return (a + b) / 2.0
    if adjust == "OneThird":
        return (2.0 * a + b) / 3.0
    return np.broadcast_to(a, (rh.size, ri.size)).copy()


def _distances(ideals: np.ndarray, pos: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """``d[i, j]``: salience-weighted distance from i's ideal to position j."""
    diff = ideals[:, None, :] - pos[None, :, :]
    num = ((sal[:, None, :] * diff) ** 2).sum(axis=-1)
    den = (sal**2).sum(axis=-1)
    return np.sqrt(num / den[:, None])


def _unique_reps(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's first-come equivalence classes of positions (KBase::ueIndices).

    Returns the indices of the representative positions and, per actor, the
    index (into the representatives) whose probability it reports (the last
    equivalent representative, as State::posProb does).
    """
    n = pos.shape[0]
    close = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(-1)) < _POS_TOL
    reps: list[int] = []
    for i in range(n):  # a loop over actors, O(n) numpy row checks
        if not reps or not close[i, reps].any():
            reps.append(i)
    r = np.asarray(reps)
    eq = close[:, r]  # (n, n_reps)
    last = eq.shape[1] - 1 - np.argmax(eq[:, ::-1], axis=1)
    return r, last


# ----------------------------------------------------------------------------
# one state


@dataclass
class _Analysis:
    """One state's analysis. The perspective-dependent utilities
    ``U[h, a, b] = u(d[a, b], rhat[h, a])`` are never stored as an n×n×n
    array: every kernel builds the pieces it needs from the two n×n arrays
    ``dist`` and ``rhat`` (:meth:`util`), elementwise with the same formula, so
    the numbers are the same as from the full array."""

    dist: np.ndarray  # d[a, b]: distance from a's ideal to b's position
    rhat: np.ndarray  # rhat[h, a]: h's estimate of a's risk attitude
    far: bool  # some distance above 1 (round-off only): KTAB's other branch
    own: np.ndarray  # own[a, b] = U[a, a, b]
    risk: np.ndarray  # r_a
    prob: np.ndarray  # per-actor win probability of its position

    def u(self, d: np.ndarray, r: np.ndarray) -> np.ndarray:
        """``u(d, r)``, broadcasting (SMPModel::bsUtil)."""
        v = (1.0 - d) * (1.0 + d * r)
        if self.far:
            v = np.where(d <= 1.0, v, (1.0 - d) * (1.0 + r))
        return v

    def util(self, h: Any = slice(None)) -> np.ndarray:
        """``U[h]`` for an index or slice of perspectives ``h`` (tests and small n)."""
        r = self.rhat[h]
        return self.u(self.dist, r[..., :, None])


def _analyse(
    pos: np.ndarray,
    ideals: np.ndarray,
    cap: np.ndarray,
    sal: np.ndarray,
    p: SMPParams,
    jit: bool | None = False,
) -> _Analysis:
    mod = _jit_module(pos.shape[0], jit)
    d = _distances(ideals, pos, sal)
    rn = _bs_util(d, np.zeros_like(d))
    c = _coalitions(p.voting_rule, cap, rn, mod)
    prob_rn = _pce(p.pce_model, p.victory_model, c)
    r = _big_r(prob_rn, p.big_r_range)
    rhat = _est_r(r, r, p.big_r_adjust)  # (h, i)
    n = pos.shape[0]
    an = _Analysis(dist=d, rhat=rhat, far=bool((d > 1.0).any()), own=d, risk=r, prob=np.empty(n))
    an.own = an.u(d, np.diagonal(rhat)[:, None])  # U[a, a, b]
    reps, which = _unique_reps(pos)
    cu = _coalitions(p.voting_rule, cap, an.own[:, reps], mod)
    an.prob = _pce(p.pce_model, p.victory_model, cu)[which]
    return an


def _challenge_prob(
    p: SMPParams,
    uii: np.ndarray,
    uij: np.ndarray,
    uji: np.ndarray,
    ujj: np.ndarray,
    uni: np.ndarray,
    unj: np.ndarray,
    unn: np.ndarray,
    wi: np.ndarray,
    wj: np.ndarray,
    wn: np.ndarray,
    third: np.ndarray | None,
    axis: int,
    zero: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """h's estimate of P[i beats j] with coalitions (SMPState::probEduChlg).

    The principal arrays have the batch shape S; ``uni, unj, unn, wn`` and the
    third-party mask ``third`` have S with the third-party axis ``axis``
    inserted, over which the third parties' votes are summed. Instead of the
    mask, ``zero`` may index the (challenger or target) entries that are not
    third parties.
    """
    vr = p.voting_rule
    ci = _vote(vr, wi, uii - uij)
    cj = _vote(vr, wj, uji - ujj)
    chij0 = np.expand_dims(_MIN_CONTRIB + np.maximum(ci, 0.0) + np.maximum(cj, 0.0), axis)
    chji0 = np.expand_dims(_MIN_CONTRIB + np.maximum(-ci, 0.0) + np.maximum(-cj, 0.0), axis)
    # The full-size arrays are reused in place (out=): the same operations in
    # the same order as the plain expressions in the comments, fewer passes.
    cn = _vote(vr, wn, uni - unj)
    cni = chij0 + np.maximum(cn, 0.0)
    cnj = chji0 - np.minimum(cn, 0.0, out=cn)
    pin = np.divide(cni, np.add(cni, cnj, out=cn), out=cni)  # cni / (cni + cnj)
    pjn = np.subtract(1.0, pin, out=cnj)  # 1 - pin
    tpc = p.third_party_commit
    uj2 = unj + unj
    if tpc == "SemiCommit":
        # x = (pin*a + pjn*b) - (pin*c + pjn*e)
        a = uni + uni + unn
        c = uni + uni + uni
        e = uj2 + unn  # unj + unj + unn
        b = np.add(uj2, unj, out=uj2)  # unj + unj + unj
        left = pin * a
        left += np.multiply(pjn, b, out=b)
        right = np.multiply(pin, c, out=pin)
        right += np.multiply(pjn, e, out=e)
        x = np.subtract(left, right, out=left)
    else:  # NoCommit, FullCommit: both sides add up alike, the vote is nil
        if tpc == "FullCommit":
            a = uni + uni + uni
            b = uj2 + unj
        else:
            a = uni + uni + unn
            b = uj2 + unn
        x = (pin * a + pjn * b) - (pin * a + pjn * b)
    vn = _vote(vr, wn, x)
    if third is not None:
        vn[~np.broadcast_to(third, vn.shape)] = 0.0
    if zero is not None:
        vn[zero] = 0.0
    chij = np.squeeze(chij0, axis) + np.maximum(vn, 0.0).sum(axis=axis)
    chji = np.squeeze(chji0, axis) - np.minimum(vn, 0.0, out=vn).sum(axis=axis)
    return chij / (chij + chji)


def _expected_gain(
    phij: np.ndarray, uki: np.ndarray, ukj: np.ndarray, sj: np.ndarray
) -> np.ndarray:
    vict = uki + uki
    lose = ukj + ukj
    contest = phij * vict + (1.0 - phij) * lose
    return ((1.0 - sj) * vict + sj * contest) - (uki + ukj)


def _jit_module(n: int, jit: bool | None) -> Any:
    """The compiled challenge step, or None for the numpy one.

    ``jit=None`` (automatic): compiled from :data:`JIT_MIN_ACTORS` actors on,
    if numba is installed; ``True``: compiled (ImportError without numba);
    ``False``: numpy.
    """
    if jit is False or (jit is None and n < JIT_MIN_ACTORS):
        return None
    try:
        with sigint_held():  # numba's import loads llvmlite (see ceasefire._interrupt)
            from . import _smp_jit
    except (ImportError, RuntimeError):  # RuntimeError: numba found no writable cache
        if jit:
            raise
        return None
    return _smp_jit


def _all_challenges(
    an: _Analysis, cap: np.ndarray, sal_tot: np.ndarray, p: SMPParams, jit: bool | None = False
) -> tuple[np.ndarray, np.ndarray]:
    """P[i beats j] and i's expected gain, both in i's own view: (n, n) each.

    An (i, n, j) array expression over challenger, third party and target,
    evaluated in blocks of challengers small enough to stay in cache; each
    block's slice ``U[i, n, j]`` is built from the n×n distances. With
    ``jit`` (see :func:`_jit_module`) the same numbers come from one compiled
    loop (:mod:`ceasefire.bargaining._smp_jit`).
    """
    d, rhat = an.dist, an.rhat
    n = d.shape[0]
    ar = np.arange(n)
    g = an.u(d.T, rhat)  # g[h, a] = U[h, a, h] = u(d[a, h], rhat[h, a])
    hd = an.u(np.diagonal(d)[None, :], rhat)  # hd[h, a] = U[h, a, a]
    own = an.own  # own[i, j] = U[i, i, j]
    w = sal_tot * cap
    mod = _jit_module(n, jit)
    if mod is not None:
        phij = mod.challenge_probabilities(
            p.voting_rule, p.third_party_commit, d, rhat, an.far, g, hd, own, w
        )
        gain = _expected_gain(phij, hd[ar, ar][:, None], own, sal_tot[None, :])
        return phij, gain
    phij = np.empty((n, n))
    block = max(1, _BLOCK // (n * n))
    for i0 in range(0, n, block):  # blocks of challengers, each an (i, n, j) expression
        i1 = min(n, i0 + block)
        ii = ar[i0:i1]
        # the non-third parties: n = i (every j) and n = j
        rows = np.repeat(np.arange(i1 - i0), n)
        cols = np.tile(ar, i1 - i0)
        zero = (
            np.concatenate([rows, rows]),
            np.concatenate([np.repeat(ii, n), cols]),
            np.concatenate([cols, cols]),
        )
        phij[i0:i1] = _challenge_prob(
            p,
            hd[ii, ii][:, None],  # U[i, i, i]
            own[i0:i1],  # U[i, i, j]
            g[i0:i1],  # U[i, j, i]
            hd[i0:i1],  # U[i, j, j]
            g[i0:i1, :, None],  # U[i, n, i]
            an.u(d[None, :, :], rhat[i0:i1, :, None]),  # U[i, n, j]
            hd[i0:i1, :, None],  # U[i, n, n]
            w[ii, None],
            w[None, :],
            w[None, :, None],
            None,
            axis=1,
            zero=zero,
        )
    uii = hd[ar, ar][:, None]
    gain = _expected_gain(phij, uii, own, sal_tot[None, :])
    return phij, gain


def _some_challenges(
    an: _Analysis,
    cap: np.ndarray,
    sal_tot: np.ndarray,
    p: SMPParams,
    h: np.ndarray,
    k: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """P[i beats j] and k's expected gain in h's view, for index vectors."""
    d, rhat = an.dist, an.rhat
    n = d.shape[0]
    nn = np.arange(n)[None, :]
    hh = h[:, None]
    dd = np.diagonal(d)

    def util(hx: Any, a: Any, b: Any) -> np.ndarray:  # U[hx, a, b], gathered
        return an.u(d[a, b], rhat[hx, a])

    w = sal_tot * cap
    third = (nn != i[:, None]) & (nn != j[:, None])
    phij = _challenge_prob(
        p,
        util(h, i, i),
        util(h, i, j),
        util(h, j, i),
        util(h, j, j),
        util(hh, nn, i[:, None]),
        util(hh, nn, j[:, None]),
        an.u(dd[nn], rhat[hh, nn]),  # U[h, n, n]
        w[i],
        w[j],
        w[None, :],
        third,
        axis=-1,
    )
    return phij, _expected_gain(phij, util(h, k, i), util(h, k, j), sal_tot[j])


def _interpolate(
    how: str, ti: np.ndarray, si: np.ndarray, pi: np.ndarray, tj: np.ndarray, sj: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bargain positions for initiator and receiver (SMPActor::interpolateBrgn).

    ``ti, tj, si, sj``: (B, dims); ``pi``: (B,) the probability given to i
    (the receiver gets ``1 - pi``).
    """
    pi = pi[:, None]
    pj = 1.0 - pi
    if how == "S2PMax":
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + _MIN_W + ((1.0 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + _MIN_W + ((1.0 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    e = 1 if how == "S1P1" else 2
    wi = si**e * pi**e
    wj = sj**e * pj**e
    den = wi + _MIN_W + wj
    bi = ((wi + _MIN_W) * ti + wj * tj) / den
    bj = (wi * ti + (_MIN_W + wj) * tj) / den
    return np.floor(0.5 + bi * 1e4) / 1e4, np.floor(0.5 + bj * 1e4) / 1e4


def _step(
    pos: np.ndarray,
    ideals: np.ndarray,
    cap: np.ndarray,
    sal: np.ndarray,
    acc: np.ndarray,
    an: _Analysis,
    p: SMPParams,
    rng: np.random.Generator | None,
    jit: bool | None = False,
) -> tuple[np.ndarray, np.ndarray]:
    """One turn: challenges, bargains, choice, ideal update -> (pos, ideals)."""
    n, _ = pos.shape
    sal_tot = sal.sum(axis=1)
    phij, gain = _all_challenges(an, cap, sal_tot, p, jit)
    np.fill_diagonal(gain, -np.inf)
    cand = np.where(gain > _MIN_SIG_EDU, gain, -np.inf)
    best = np.argmax(cand, axis=1)
    ar = np.arange(n)
    has = np.isfinite(cand[ar, best])
    ini = ar[has]
    rcv = best[has]
    if ini.size == 0:
        new_pos = pos.copy()
    else:
        p_init = phij[ini, rcv]
        bii, bij = _interpolate(p.inter_vec_brgn, pos[ini], sal[ini], p_init, pos[rcv], sal[rcv])
        if p.bargain_model == "InitOnlyInterp":
            b_init, b_rcvr, b_pi, b_pj = ini, rcv, bii, bij
        else:
            # the receiver's view of the challenge: KTAB passes the receiver's
            # estimate of the initiator's expected gain where a probability is
            # meant; kept for fidelity
            _, g_j = _some_challenges(an, cap, sal_tot, p, rcv, ini, ini, rcv)
            bji, bjj = _interpolate(p.inter_vec_brgn, pos[ini], sal[ini], g_j, pos[rcv], sal[rcv])
            if p.bargain_model == "InitRcvrInterp":
                b_init = np.repeat(ini, 2)
                b_rcvr = np.repeat(rcv, 2)
                b_pi = np.stack([bii, bji], axis=1).reshape(-1, pos.shape[1])
                b_pj = np.stack([bij, bjj], axis=1).reshape(-1, pos.shape[1])
            else:  # PWCompInterp; KTAB weighs the receiver with i's capability
                wi = (cap[ini] * sal_tot[ini])[:, None]
                wj = (cap[ini] * sal_tot[rcv])[:, None]
                b_init, b_rcvr = ini, rcv
                b_pi = (wi * bii + wj * bji) / (wi + wj)
                b_pj = (wi * bij + wj * bjj) / (wi + wj)
        new_pos = _choose(pos, ideals, cap, sal, an, p, rng, b_init, b_rcvr, b_pi, b_pj, jit)
    asum = acc.sum(axis=1)
    lag = 1.0 - np.minimum(asum, 1.0)
    new_ideals = acc @ new_pos + lag[:, None] * ideals
    return new_pos, new_ideals


def _bargain_utilities(
    own: np.ndarray,
    total: np.ndarray,
    fu_init: np.ndarray,
    fu_rcvr: np.ndarray,
    b_init: np.ndarray,
    b_rcvr: np.ndarray,
) -> np.ndarray:
    """``ub[a, b]``: actor a's mean utility over all positions after bargain b.

    ``own[a, k]`` is a's utility of k's current position, ``total`` its row
    sums, ``fu_init[a, b]`` / ``fu_rcvr[a, b]`` a's utility of the initiator's
    / receiver's new position. The two actors' terms are summed in a canonical
    order (the lower-numbered actor of the pair first), so that identical
    bargains -- i->j and j->i ending at the same two positions -- get
    bit-identical utilities; otherwise a rounding unit between them can decide
    the Binary voting rule's 1e-8 ramp (KTAB gives such bargains equal values).
    """
    swap = b_rcvr < b_init
    lo = np.where(swap, b_rcvr, b_init)
    hi = np.where(swap, b_init, b_rcvr)
    fu_lo = np.where(swap[None, :], fu_rcvr, fu_init)
    fu_hi = np.where(swap[None, :], fu_init, fu_rcvr)
    return (total[:, None] - own[:, lo] - own[:, hi] + fu_lo + fu_hi) / own.shape[0]


def _choose(
    pos: np.ndarray,
    ideals: np.ndarray,
    cap: np.ndarray,
    sal: np.ndarray,
    an: _Analysis,
    p: SMPParams,
    rng: np.random.Generator | None,
    b_init: np.ndarray,
    b_rcvr: np.ndarray,
    b_pi: np.ndarray,
    b_pj: np.ndarray,
    jit: bool | None = False,
) -> np.ndarray:
    """Each actor's capability-weighted PCE choice among the status quo and
    the bargains it is party to (SMPState::updateBestBrgnPositions)."""
    n = pos.shape[0]
    nb = b_init.size
    own = an.own
    total = own.sum(axis=1)  # (a,)
    # utility to every actor of each bargain's two new positions
    bpos = np.concatenate([b_pi, b_pj], axis=0)  # (2B, dims)
    dist = _distances(ideals, bpos, sal)  # (a, 2B)
    fu = _bs_util(dist, an.risk[:, None])
    ub = _bargain_utilities(own, total, fu[:, :nb], fu[:, nb:], b_init, b_rcvr)
    usq = total / n
    # options of actor k: SQ then its bargains (in bargain order)
    party = (b_init[None, :] == np.arange(n)[:, None]) | (b_rcvr[None, :] == np.arange(n)[:, None])
    counts = party.sum(axis=1) + 1
    choice = np.full(n, -1)  # -1: status quo
    # a few groups of actors with equally many options (a set: np.unique loads numpy.ma)
    for m in sorted(set(counts.tolist())):
        ks = np.flatnonzero(counts == m)
        if m == 1:
            continue
        opts = np.nonzero(party[ks])[1].reshape(ks.size, m - 1)  # row-major: bargain order
        u = np.concatenate(
            [np.broadcast_to(usq[None, :, None], (ks.size, n, 1)), ub[:, opts].transpose(1, 0, 2)],
            axis=2,
        )  # (K, a, m)
        c = _coalitions(p.voting_rule, cap, u, _jit_module(n, jit))
        prob = _pce(p.pce_model, p.victory_model, c)
        if p.state_transitions == "Deterministic" or rng is None:
            pick = np.argmax(prob, axis=1)
        else:
            draws = rng.random(ks.size)
            cum = np.cumsum(prob, axis=1)
            pick = np.minimum((cum < draws[:, None]).sum(axis=1), m - 1)
        sel = pick > 0
        choice[ks[sel]] = opts[sel, pick[sel] - 1]
    new_pos = pos.copy()
    moved = np.flatnonzero(choice >= 0)
    b = choice[moved]
    is_init = b_init[b] == moved
    new_pos[moved] = np.where(is_init[:, None], b_pi[b], b_pj[b])
    return new_pos


# ----------------------------------------------------------------------------
# memory


def memory_needed(n: int, dims: int, max_iter: int = 100) -> int:
    """Bytes an SMP run of ``n`` actors on ``dims`` issues needs at most.

    No array of the run grows faster than n² (the n×n×n utilities are never
    stored, batches of elections are split up): the peak is about
    ``8 (20 + 2 dims) n²`` bytes for the n×n arrays alive at once (measured
    with tracemalloc: 18 n² doubles on one issue, 25 n² on four), plus
    16 MiB of fixed-size blocks and the history, ``8 (max_iter + 1) n
    (dims + 1)`` bytes.
    """
    return 8 * (20 + 2 * dims) * n * n + 16 * 2**20 + 8 * (max_iter + 1) * n * (dims + 1)


def check_memory(n: int, dims: int, max_iter: int = 100, *, file: str | None = None) -> None:
    """Raise :class:`InputError` naming the memory needed when a run of ``n``
    actors would not fit in the memory available now (see
    :func:`memory_needed`)."""
    need = memory_needed(n, dims, max_iter)
    avail = _available_memory()
    if avail is not None and need > avail:
        raise InputError(
            f"an SMP run of {n} actors on {dims} issue(s) needs about {_gib(need)} of memory; "
            f"{_gib(max(avail, 0))} is available",
            file=file,
        )


# ----------------------------------------------------------------------------
# public API


def smp(
    capability: Any,
    positions: Any,
    salience: Any,
    *,
    params: SMPParams | None = None,
    rng: np.random.Generator | int | None = None,
    accommodation: Any = None,
    actors: list[str] | None = None,
    dims: list[str] | None = None,
    jit: bool | None = None,
) -> SMPResult:
    """Run KTAB's spatial model of politics.

    ``capability`` (n,) positive; ``positions`` and ``salience`` (n, dims) on
    KTAB's 0-100 scale (each actor's saliences summing to at most 100 and more
    than 0). ``accommodation`` is the (n, n) ideal-adjustment matrix (default
    identity). ``rng`` (a numpy Generator or a seed) drives Stochastic state
    transitions; the same seed gives the same history. ``jit``: run the
    challenge step compiled with numba (``True``), with numpy (``False``) or,
    by default, compiled from :data:`JIT_MIN_ACTORS` actors on when numba is
    installed; the numbers are the same either way. Returns an
    :class:`SMPResult` whose first state is the input.
    """
    par = params if params is not None else SMPParams()
    cap = np.asarray(capability, dtype=float).reshape(-1)
    pos = np.asarray(positions, dtype=float)
    sal = np.asarray(salience, dtype=float)
    if pos.ndim == 1:
        pos = pos[:, None]
    if sal.ndim == 1:
        sal = sal[:, None]
    n = cap.size
    if n < 2:
        raise ValueError("the SMP needs at least two actors")
    if pos.shape != sal.shape or pos.shape[0] != n:
        raise ValueError(
            f"positions {pos.shape} and salience {sal.shape} must both be (n, dims), n = {n}"
        )
    if not (np.isfinite(cap).all() and np.isfinite(pos).all() and np.isfinite(sal).all()):
        raise ValueError("inputs must be finite")
    if (cap <= 0).any():
        raise ValueError("capabilities must be positive")
    tol = 1e-6  # round-off from rescaling is clipped, not an error
    if (
        (pos < -tol).any()
        or (pos > 100 + tol).any()
        or (sal < -tol).any()
        or (sal > 100 + tol).any()
    ):
        raise ValueError("positions and saliences must be within 0-100")
    pos = np.clip(pos, 0.0, 100.0)
    sal = np.clip(sal, 0.0, 100.0)
    tot = sal.sum(axis=1)
    if (tot <= 0).any() or (tot > 100 + tol).any():
        raise ValueError("each actor's saliences must sum to more than 0 and at most 100")
    acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
    if acc.shape != (n, n) or (acc < 0).any() or (acc > 1).any():
        raise ValueError("accommodation must be an (n, n) matrix with entries in 0-1")
    if (acc.sum(axis=1) > 1 + 1e-10).any():
        raise ValueError("each row of the accommodation matrix must sum to at most 1")
    gen = None  # only a Stochastic run draws (and only then is numpy.random loaded)
    if par.state_transitions == "Stochastic":
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    check_memory(n, pos.shape[1], par.max_iter)

    x = pos / 100.0
    s = sal / 100.0
    y = x.copy()
    an = _analyse(x, y, cap, s, par, jit)
    xs = [x]
    probs = [an.prob]
    it = 0
    while True:
        it += 1
        x, y = _step(x, y, cap, s, acc, an, par, gen, jit)
        an = _analyse(x, y, cap, s, par, jit)
        xs.append(x)
        probs.append(an.prob)
        d01 = float(np.linalg.norm(xs[1] - xs[0], axis=1).sum()) + par.min_sig_delta
        dxy = float(np.linalg.norm(xs[-1] - xs[-2], axis=1).sum())
        if it >= par.max_iter or (it >= par.min_iter and dxy / d01 < par.min_delta_ratio):
            break
    history = [SMPState(positions=pos.copy(), probabilities=probs[0])]
    history += [
        SMPState(positions=xi * 100.0, probabilities=pi)
        for xi, pi in zip(xs[1:], probs[1:], strict=True)
    ]
    return SMPResult(
        actors=list(actors) if actors is not None else [f"A{i:02d}" for i in range(n)],
        dims=list(dims) if dims is not None else [f"D{k + 1}" for k in range(pos.shape[1])],
        history=history,
        params=par,
    )


def smp_ktab(
    scenario: KTABScenario,
    *,
    params: SMPParams | None = None,
    rng: Any = None,
    jit: bool | None = None,
) -> SMPResult:
    """Run the SMP on a scenario read by :func:`ceasefire.bargaining._ktab.read_ktab`.

    Uses the scenario's parameters and ideal-adjustment matrix, and its seed
    for Stochastic runs unless ``rng`` is given.
    """
    par = params if params is not None else SMPParams.from_ktab(scenario.params)
    check_memory(len(scenario.actors), len(scenario.dims), par.max_iter, file=scenario.path)
    seed = rng if rng is not None else scenario.seed
    return smp(
        scenario.capability,
        scenario.positions,
        scenario.salience,
        params=par,
        rng=seed,
        accommodation=scenario.accommodation,
        actors=scenario.actors,
        dims=scenario.dims,
        jit=jit,
    )


def forecast_smp_path(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a KTAB CSV or XML scenario, run the SMP, return the JSON dict.

    Malformed files raise :class:`ceasefire._errors.InputError` naming the
    file and line.
    """
    return smp_ktab(read_ktab(path)).to_dict()


def smp_scenario_forecast(positions01: Any, salience: Any, capability: Any) -> np.ndarray:
    """SMP forecast for ceasefire's multi-issue scenarios, on the 0-1 scale.

    ``positions01`` (n, K) in [0, 1]; ``salience`` (n, K) non-negative (an
    actor's saliences summing over 1 are scaled to sum to 1, as KTAB allows at
    most 100 % attention; an actor with none gets a uniform 1e-3 per issue);
    ``capability`` (n,) non-negative (KTAB needs positive weights: zeros are
    raised to 1e-9 of the largest). Runs the deterministic defaults on KTAB's
    0-100 scale and returns, per issue, the final position with the highest
    win probability, divided by 100. A single actor's forecast is its own
    position.
    """
    pos = np.clip(np.asarray(positions01, dtype=float), 0.0, 1.0)
    if pos.ndim == 1:
        pos = pos[:, None]
    sal = np.asarray(salience, dtype=float).reshape(pos.shape)
    cap = np.asarray(capability, dtype=float).reshape(-1)
    if cap.size != pos.shape[0] or cap.size == 0:
        raise ValueError(f"capability has {cap.size} entries for {pos.shape[0]} actors")
    if (sal < 0).any() or (cap < 0).any() or not np.isfinite(cap).all():
        raise ValueError("saliences and capabilities must be non-negative")
    if cap.size == 1:
        return pos[0].copy()
    if cap.max() <= 0:
        cap = np.ones_like(cap)
    cap = np.maximum(cap, 1e-9 * cap.max())
    tot = sal.sum(axis=1, keepdims=True)
    sal = np.where(tot > 1.0, sal / np.where(tot > 0, tot, 1.0), sal)
    sal = np.where(tot <= 0.0, 1e-3, sal)
    res = smp(cap, pos * 100.0, sal * 100.0)
    return np.asarray(list(res.forecast.values())) / 100.0
