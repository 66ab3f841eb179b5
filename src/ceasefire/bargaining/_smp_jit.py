"""The SMP's challenge step compiled with numba (the optional ``fast`` extra).

One fused loop over challenger *i*, third party *n* and target *j* computing
exactly what :func:`ceasefire.bargaining._smp._all_challenges` computes with numpy
arrays, operation by operation in the same order (no fast-math, no
reassociation), so the two paths give bit-identical numbers; a test checks it.
The loop keeps nothing of size n³ and touches each (i, n, j) once, where the
numpy expression makes some thirty passes over an (i, n, j) block.

Importing numba costs a few tenths of a second of CPU, more than the whole
model at a few dozen actors, so :mod:`ceasefire.bargaining._smp` imports this module only
for runs large enough for it to pay (see ``JIT_MIN_ACTORS`` there). The
compiled code is cached on disk (numba's ``cache=True``).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from .._interrupt import call_compiled

__all__ = ["RULES", "TPC", "challenge_probabilities", "coalitions"]

#: voting rules and third-party-commitment rules by code
RULES = {"Binary": 0, "PropBin": 1, "Proportional": 2, "PropCbc": 3, "Cubic": 4, "ASymProsp": 5}
TPC = {"NoCommit": 0, "SemiCommit": 1, "FullCommit": 2}

_MIN_CONTRIB = 1e-10  # as in _smp
_MIN_COALITION = 1e-8
_BIN_TOL = 1e-8


@numba.njit(cache=True, inline="always")
def _vote(rule: int, w: float, du: float) -> float:  # pragma: no cover - compiled
    # each branch is the numpy expression of _smp._vote, in its order of operations
    if rule == 2:
        return w * du
    if rule == 0:
        return w * min(max(du / _BIN_TOL, -1.0), 1.0)
    if rule == 1:
        return w * (0.8 * du + 0.2 * min(max(du / _BIN_TOL, -1.0), 1.0))
    if rule == 3:
        return w * (0.5 * du + 0.5 * du * du * du)
    if rule == 4:
        return w * (du * du * du)
    if du < 0.0:
        return w * du
    if du > 0.0:
        return (2.0 * w * du) / 3.0
    return 0.0


@numba.njit(cache=True, inline="always")
def _u(d: float, r: float, far: bool) -> float:  # pragma: no cover - compiled
    if far and not d <= 1.0:
        return (1.0 - d) * (1.0 + r)
    return (1.0 - d) * (1.0 + d * r)


@numba.njit(cache=True)
def _kernel(
    rule: int,
    tpc: int,
    dist_t: Any,
    rhat: Any,
    far: bool,
    g: Any,
    hd: Any,
    own: Any,
    w: Any,
    out: Any,
) -> None:  # pragma: no cover - compiled
    n = dist_t.shape[0]
    for i in range(n):
        uii = hd[i, i]
        wi = w[i]
        for j in range(n):
            ci = _vote(rule, wi, uii - own[i, j])
            cj = _vote(rule, w[j], g[i, j] - hd[i, j])
            chij0 = _MIN_CONTRIB + max(ci, 0.0) + max(cj, 0.0)
            chji0 = _MIN_CONTRIB + max(-ci, 0.0) + max(-cj, 0.0)
            sp = 0.0
            sn = 0.0
            for k in range(n):  # third parties
                if k == i or k == j:
                    sp = sp + 0.0
                    sn = sn + 0.0
                    continue
                uni = g[i, k]
                unj = _u(dist_t[j, k], rhat[i, k], far)  # dist_t[j, k] = d[k, j]
                unn = hd[i, k]
                wn = w[k]
                cn = _vote(rule, wn, uni - unj)
                cni = chij0 + max(cn, 0.0)
                cnj = chji0 - min(cn, 0.0)
                pin = cni / (cni + cnj)
                pjn = 1.0 - pin
                if tpc == 1:
                    a = uni + uni + unn
                    b = unj + unj + unj
                    c = uni + uni + uni
                    e = unj + unj + unn
                    x = (pin * a + pjn * b) - (pin * c + pjn * e)
                else:
                    if tpc == 2:
                        a = uni + uni + uni
                        b = unj + unj + unj
                    else:
                        a = uni + uni + unn
                        b = unj + unj + unn
                    x = (pin * a + pjn * b) - (pin * a + pjn * b)
                vn = _vote(rule, wn, x)
                sp = sp + max(vn, 0.0)
                sn = sn + min(vn, 0.0)
            chij = chij0 + sp
            chji = chji0 - sn
            out[i, j] = chij / (chij + chji)


def challenge_probabilities(
    voting_rule: str,
    third_party_commit: str,
    dist: np.ndarray,
    rhat: np.ndarray,
    far: bool,
    g: np.ndarray,
    hd: np.ndarray,
    own: np.ndarray,
    w: np.ndarray,
) -> np.ndarray:
    """``P[i beats j]`` in i's view, (n, n); see ``_smp._all_challenges``."""
    n = dist.shape[0]
    out = np.empty((n, n))
    call_compiled(  # Ctrl-C held while it loads (ceasefire._interrupt)
        _kernel,
        RULES[voting_rule],
        TPC[third_party_commit],
        np.ascontiguousarray(dist.T),  # the loop runs along third parties k: d[k, j]
        np.ascontiguousarray(rhat),
        far,
        np.ascontiguousarray(g),
        np.ascontiguousarray(hd),
        np.ascontiguousarray(own),
        np.ascontiguousarray(w),
        out,
    )
    return out


@numba.njit(cache=True)
def _coalition_kernel(rule: int, w: Any, ut: Any, out: Any) -> None:  # pragma: no cover
    m, a = ut.shape
    for i in range(m):
        out[i, i] = _MIN_COALITION
        for j in range(i):
            sp = 0.0
            sn = 0.0
            for k in range(a):  # voter after voter, as numpy sums them
                v = _vote(rule, w[k], ut[i, k] - ut[j, k])
                sp = sp + max(v, 0.0)
                sn = sn + min(v, 0.0)
            out[i, j] = sp + _MIN_COALITION
            out[j, i] = -sn + _MIN_COALITION


def coalitions(voting_rule: str, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Coalition strengths of one election, ``u[a, m]`` -> (m, m); see
    ``_smp._coalitions``."""
    m = u.shape[-1]
    out = np.empty((m, m))
    call_compiled(  # Ctrl-C held while it loads (ceasefire._interrupt)
        _coalition_kernel,
        RULES[voting_rule],
        np.ascontiguousarray(w),
        np.ascontiguousarray(u.T),
        out,
    )
    return out
