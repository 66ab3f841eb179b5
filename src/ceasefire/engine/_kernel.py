"""The engine's hot loops compiled with numba, when numba is installed (optional).

- :func:`_rows`: the monthly dynamics, the same equations as
  :func:`ceasefire.engine._sim._dynamics`, row by row instead of month by month
  (each row's state stays in registers); numbers agree with the numpy version to
  rounding (tested): numba's exp and pow are not numpy's SIMD ones, so the two differ in
  the last bit of some numbers.
- :func:`_gaps`: the perceived gaps of the settlement hazard
  (:func:`ceasefire.engine._hazard.settlement_hazard`), one (row, month) at a time
  over the candidates and veto players, with no (rows, candidates, veto) temporaries;
  the same operations in the same order as the numpy version, so every gap is the
  same number (the Nash product's logarithm, used only to pick the deal among the
  accepted candidates, may differ in its last bit).
- :func:`_targets`: each row's realised discounted value of fighting on
  (``_value._targets``: the utility flows of the fronts, the discounting back from
  the last simulated month and the regime's expected punishment), one row at a
  time backwards over the months, keeping only the months asked for (no (rows,
  months, actors) flows array). The utilities' sum over the front issues is taken
  in order, as numpy's einsum takes it for the arrays ``_value._flows`` passes (its
  order depends on the operands' memory layout), so the values agree with numpy to
  rounding, and here bit for bit (tested to 1e-12).

Which code runs depends on the installation only, never on the size of a batch:
the kernels whenever numba is installed (the ``fast`` extra), numpy otherwise. A
world's numbers therefore do not depend on which worlds share its batch, the chunk
size or the number of workers (a size threshold once chose between the two, and a
world's last bits moved with its chunk). Compiled code is cached on disk (numba's
``cache=True``: beside this file, or numba's user cache where that is read-only; in
memory, for each process, where neither is writable), so only the first run after an
install compiles (a few seconds).

``CEASEFIRE_NUMBA=0`` turns the kernels off (numpy only); ``CEASEFIRE_NUMBA_PARALLEL=1``
spreads rows over threads (off by default, and not cached: on a shared machine the
serial kernels were faster, and ``ceasefire explore`` uses processes).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from .._interrupt import call_compiled, sigint_held

PARAM_ORDER = (
    "contest_exponent",
    "theta0",
    "force_adjustment",
    "force_noise",
    "fatigue_a",
    "fatigue_b",
    "aid_share",
    "strike_effect",
    "troop_effect",
    "economy_effect",
    "sanctions_supply",
    "diminishing_returns",
    "front_noise",
    "revenue_sanctions",
    "revenue_strikes",
    "war_spending",
    "buffer_rate",
    "buffer_floor",
    "buffer_noise",
    "hazard_unrest",
    "unrest_base",
    "unrest_boom",
    "unrest_austerity",
    "unrest_adjustment",
    "unrest_noise",
    "hardliner_base",
    "hardliner_setback",
    "hardliner_decay",
    "hardliner_noise",
)

_JIT: dict[str, Any] = {}  # name -> the compiled function, False where numba is missing

try:  # numba's parallel range where numba is installed, plain range otherwise
    from numba import prange as _prange
except ImportError:  # pragma: no cover - numba is optional
    _prange = range  # type: ignore[misc]


def _jit(name: str, fn: Callable[..., None]) -> bool:
    """Compile ``fn`` once (lazily) under ``name``; False if numba is off or missing."""
    if os.environ.get("CEASEFIRE_NUMBA", "1") == "0":
        return False
    if name not in _JIT:
        try:
            with sigint_held():  # see ceasefire._interrupt
                import numba
        except ImportError:  # pragma: no cover - numba is optional
            _JIT[name] = False
            return False
        parallel = os.environ.get("CEASEFIRE_NUMBA_PARALLEL", "0") == "1"
        try:
            _JIT[name] = numba.njit(cache=not parallel, fastmath=False, parallel=parallel)(fn)
        except RuntimeError:  # no writable cache directory anywhere: compile in memory
            _JIT[name] = numba.njit(cache=False, fastmath=False, parallel=parallel)(fn)
    return _JIT[name] is not False


def available() -> bool:
    """Whether the numba simulation kernel can be used (installed, not switched off)."""
    return _jit("rows", _rows)


def run(*args: Any) -> None:
    """Call the compiled kernel (see :func:`_rows` for the arguments)."""
    call_compiled(_JIT["rows"], *args)  # Ctrl-C held while it loads


def gaps_available() -> bool:
    """Whether the compiled settlement-gap kernel can be used."""
    return _jit("gaps", _gaps)


def gaps(*args: Any) -> None:
    """Call the compiled settlement-gap kernel (see :func:`_gaps` for the arguments)."""
    call_compiled(_JIT["gaps"], *args)  # Ctrl-C held while it loads


def targets_available() -> bool:
    """Whether the compiled fight-target kernel can be used."""
    return _jit("targets", _targets)


def targets(*args: Any) -> None:
    """Call the compiled fight-target kernel (see :func:`_targets` for the arguments)."""
    call_compiled(_JIT["targets"], *args)  # Ctrl-C held while it loads


def _targets(
    z: np.ndarray,  # (R, m, K) de facto outcome on every issue
    fi: np.ndarray,  # (F,) int: the front issues
    x: np.ndarray,  # (n, F) ideal points on them
    s: np.ndarray,  # (n, F) saliences
    q: np.ndarray,  # (n,) risk exponents
    has_q: bool,  # some exponent is not 1
    l_act: np.ndarray,  # (L,) int: red lines on the front issues, actor
    l_iss: np.ndarray,  # (L,) int: ... and position in fi
    l_rr: np.ndarray,  # (L,) the line
    l_up: np.ndarray,  # (L,) bool: crossing means going above it
    penalty: float,
    u_oth: np.ndarray,  # (m, n) utility of the other issues (the same on every path)
    has_oth: bool,
    cost: np.ndarray,  # (m, n) monthly cost of war
    q_rem: np.ndarray,  # (R, m) monthly removal probability of the regime's leader
    kk: np.ndarray,  # (R,) (1 - delta) K
    reg: int,  # the regime actor (-1: none)
    delta: float,
    y_out: np.ndarray,  # (R, keep, n) output: the first keep months
) -> None:
    n_r, m = z.shape[0], z.shape[1]
    n_a, n_f = x.shape
    keep = y_out.shape[1]
    n_l = l_act.shape[0]
    for r in _prange(n_r):
        y = np.empty(n_a)
        u = np.empty(n_a)
        pun = 0.0
        for t in range(m - 1, -1, -1):
            for a in range(n_a):
                acc = 0.0
                for j in range(n_f):
                    d = abs(z[r, t, fi[j]] - x[a, j])
                    if has_q:
                        d = d ** q[a]
                    acc = d * s[a, j] if j == 0 else acc + d * s[a, j]
                u[a] = 1.0 - acc if n_f else 1.0
            for li in range(n_l):
                zk = z[r, t, fi[l_iss[li]]]
                crossed = zk > l_rr[li] + 1e-12 if l_up[li] else zk < l_rr[li] - 1e-12
                if crossed:
                    u[l_act[li]] -= penalty
            if reg >= 0:
                qq = q_rem[r, t]
                if t == m - 1:
                    pun = kk[r] * qq / (1 - delta * (1 - qq))
                else:
                    pun = kk[r] * qq + delta * (1 - qq) * pun
            for a in range(n_a):
                flow = (u[a] + u_oth[t, a]) - 1.0 if has_oth else u[a]
                flow = flow - cost[t, a]
                if t == m - 1:
                    y[a] = flow
                else:
                    y[a] = (1 - delta) * flow + delta * y[a]
                if t < keep:
                    y_out[r, t, a] = y[a] - pun if a == reg else y[a]


def _gaps(
    fight: np.ndarray,  # (R, T, V) each veto player's perceived value of fighting on
    pun: np.ndarray,  # (R, T, B) the regime's punishment table (unused when vreg < 0)
    held: np.ndarray,  # (R, T, Fr) side-A-held share of the ratified fronts
    world: np.ndarray,  # (R,) int: the world of each row
    a_u: np.ndarray,  # (T, C, V): (1 - delta) u(z)
    dh: np.ndarray,  # (W, T, C): delta h(z)
    den: np.ndarray,  # (W, T, C): (1 - delta) + delta h(z)
    ib: np.ndarray,  # (T, C) int: backlash grid index of each candidate
    wb: np.ndarray,  # (T, C): its interpolation weight
    pun_a: np.ndarray,  # (W, T, C): the regime's punishment after settling is
    pun_b: np.ndarray,  # (W, T, C): pun_a + pun_b * its table at the candidate's backlash
    pen_b: np.ndarray,  # (W, T, C): the second leader's removal cost after settling
    cand_rat: np.ndarray,  # (T, C, Fr): each candidate's terms on the ratified fronts
    clout: np.ndarray,  # (V,)
    order: np.ndarray,  # (V,) int: the veto players in the order their gaps are computed
    vreg: int,  # veto position of the regime actor (-1: none)
    vlb: int,  # veto position of the other belligerent's leader (-1: none)
    vrat: int,  # veto position of the ratifier (-1: none)
    j_pen: float,
    tol: float,
    open_o: np.ndarray,  # outputs: (R, T) bool
    gmax_o: np.ndarray,  # (R, T)
    deal_o: np.ndarray,  # (R, T) int
    plan_o: np.ndarray,  # (R, T, P) bool
) -> None:
    n_r, n_t, n_v = fight.shape
    n_c = a_u.shape[1]
    n_fr = held.shape[2]
    n_p = plan_o.shape[2]
    for r in _prange(n_r):
        g = np.empty(n_v)
        wi = world[r]
        for t in range(n_t):
            best_mn = -np.inf
            arg_mn = 0
            best_nash = -np.inf
            arg_nash = 0
            any_ok = False
            for c in range(n_c):
                dhc = dh[wi, t, c]
                dnc = den[wi, t, c]
                mn = np.inf
                for vv in range(n_v):
                    v = order[vv]
                    gv = (a_u[t, c, v] + dhc * fight[r, t, v]) / dnc
                    if v == vreg:
                        wc = wb[t, c]
                        i = ib[t, c]
                        pn = pun[r, t, i] * (1 - wc) + pun[r, t, i + 1] * wc
                        gv -= pun_a[wi, t, c] + pun_b[wi, t, c] * pn
                    if v == vlb:
                        gv -= pen_b[wi, t, c]
                    if v == vrat:
                        ceded = 0.0
                        for f in range(n_fr):
                            ceded += max(cand_rat[t, c, f] - held[r, t, f] - tol, 0.0)
                        gv -= j_pen * ceded
                    gv = gv - fight[r, t, v]
                    g[v] = gv
                    mn = min(mn, gv)
                    if mn <= 0 and mn <= best_mn and c >= n_p and c > 0:
                        break  # neither accepted nor the max-min: the rest cannot matter
                if mn > best_mn or c == 0:
                    best_mn = mn
                    arg_mn = c
                if c < n_p:
                    plan_o[r, t, c] = mn >= 0
                if mn > 0:
                    any_ok = True
                    nash = 0.0
                    for v in range(n_v):
                        nash += clout[v] * math.log(g[v])
                    if nash > best_nash:
                        best_nash = nash
                        arg_nash = c
            open_o[r, t] = any_ok
            gmax_o[r, t] = best_mn
            deal_o[r, t] = arg_nash if any_ok else arg_mn


def _rows(
    par: np.ndarray,  # (R, P) in PARAM_ORDER
    dep: np.ndarray,  # (R,)
    g_h: np.ndarray,  # (R,)
    h_const: np.ndarray,  # (R,)
    drift_x: np.ndarray,  # (R,)
    s0: np.ndarray,  # (R, 6): m_a, m_b, buffer, popped, unrest, hard
    o0: np.ndarray,  # (R, F)
    sq: np.ndarray,  # (K,)
    front_issue: np.ndarray,  # (F,) int
    kappa: np.ndarray,
    troops: np.ndarray,
    weight: np.ndarray,
    out_issue: np.ndarray,  # (O,) int
    out_at0: np.ndarray,
    out_at1: np.ndarray,
    out_lever: np.ndarray,  # (O, steps_total): the lever path of each outcome map
    sig: np.ndarray,  # (steps_total,)
    stk: np.ndarray,
    aid: np.ndarray,
    chi: np.ndarray,
    ref: np.ndarray,  # (4,): sanctions, strikes, aid, foreign_troops at month 0
    eps: np.ndarray,  # (paths, steps_total, 5) from month 0
    eps_front: np.ndarray,  # (paths, steps_total, F)
    pidx: np.ndarray,  # (R,) path of each row (index into eps)
    t0: int,
    z_war: np.ndarray,  # outputs (R, steps, ...)
    fronts: np.ndarray,
    theta_o: np.ndarray,
    popped_o: np.ndarray,
    hard_o: np.ndarray,
    unrest_o: np.ndarray,
    hazard_o: np.ndarray,
    buffer_o: np.ndarray,
    ma_o: np.ndarray,
    mb_o: np.ndarray,
) -> None:
    n_r = par.shape[0]
    n_f = o0.shape[1]
    k = sq.shape[0]
    steps = z_war.shape[1]
    wsum = 0.0
    for j in range(n_f):
        wsum += weight[j]
    if n_f == 0:
        wsum = 1.0
    for r in _prange(n_r):
        o = np.empty(n_f)
        step = np.empty(n_f)
        m_exp = par[r, 0]
        # the row's parameters in locals (the outputs may alias par for all LLVM knows)
        f_adj = par[r, 2]
        f_noise = par[r, 3]
        fat_a = par[r, 4]
        fat_b = par[r, 5]
        aid_sh = par[r, 6]
        strike = par[r, 7]
        troop = par[r, 8]
        econ = par[r, 9]
        sanc_sup = par[r, 10]
        eta_r = par[r, 11]
        front_sd = par[r, 12]
        rev_s = par[r, 13]
        rev_k = par[r, 14]
        spend = par[r, 15]
        b_rate = par[r, 16]
        b_floor = par[r, 17]
        b_sd = par[r, 18]
        h_unrest = par[r, 19]
        u_base = par[r, 20]
        u_boom = par[r, 21]
        u_aust = par[r, 22]
        u_adj = par[r, 23]
        u_sd = par[r, 24]
        h_base = par[r, 25]
        h_set = par[r, 26]
        h_decay = par[r, 27]
        h_sd = par[r, 28]
        hc, gh, dep_r, dx = h_const[r], g_h[r], dep[r], drift_x[r]
        th0 = min(max(par[r, 1], 1e-6), 1 - 1e-6)
        m_b0 = ((1 - th0) / th0) ** (1.0 / m_exp)
        m_a = s0[r, 0]
        m_b = s0[r, 1]
        buffer = s0[r, 2]
        popped = s0[r, 3] > 0.5
        unrest = s0[r, 4]
        hard = s0[r, 5]
        for j in range(n_f):
            o[j] = o0[r, j]
        pr = pidx[r]
        for i in range(steps):
            t = t0 + i
            s_, k_, a_, c_ = sig[t], stk[t], aid[t], chi[t]
            pa = m_a**m_exp
            theta = pa / (pa + m_b**m_exp)
            for q in range(k):
                z_war[r, i, q] = sq[q]
            for j in range(n_f):
                z_war[r, i, front_issue[j]] = o[j]
                fronts[r, i, j] = o[j]
            for q in range(out_issue.shape[0]):
                z_war[r, i, out_issue[q]] = out_at0[q] + (out_at1[q] - out_at0[q]) * out_lever[q, t]
            theta_o[r, i] = theta
            popped_o[r, i] = popped
            hard_o[r, i] = hard
            unrest_o[r, i] = unrest
            buffer_o[r, i] = buffer
            ma_o[r, i] = m_a
            mb_o[r, i] = m_b
            hazard_o[r, i] = math.exp(hc + gh * hard + h_unrest * unrest)
            pop_f = 1.0 if popped else 0.0
            supply = (
                1.0
                - econ * pop_f
                - sanc_sup * (s_ - ref[0])
                - strike * (k_ - ref[1])
                + troop * (c_ - ref[3])
            )
            star_a = max(supply, 0.05) * math.exp(-fat_a * t + f_noise * eps[pr, t, 0])
            if ref[2] > 0:
                aid_term = (1 - aid_sh) + aid_sh * (a_ / ref[2])
            else:
                aid_term = (1 - aid_sh) + aid_sh * a_
            star_b = m_b0 * aid_term * math.exp(-fat_b * t + f_noise * eps[pr, t, 1])
            m_a = m_a + f_adj * (star_a - m_a)
            m_b = m_b + f_adj * (star_b - m_b)
            setback = 0.0
            if n_f > 0:
                tot = 0.0
                for j in range(n_f):
                    d = kappa[j] * (theta - 0.5 + troops[j] * (c_ - ref[3]))
                    if d > 0:
                        st = d * (1 - o[j]) ** eta_r
                    else:
                        st = d * o[j] ** eta_r
                    st = st + dx
                    step[j] = st
                    tot += st * weight[j]
                for j in range(n_f):
                    v = o[j] + step[j] + front_sd * eps_front[pr, t, j]
                    o[j] = min(max(v, 0.0), 1.0)
                setback = max(0.0, -tot / wsum)
            revenue = 1.0 - rev_s * s_ - rev_k * k_
            buffer = buffer - b_rate * (spend - revenue) + b_sd * eps[pr, t, 2]
            popped = popped or (buffer < b_floor)
            pop_f = 1.0 if popped else 0.0
            u_target = u_base - u_boom * dep_r * (1.0 - pop_f) + u_aust * pop_f
            unrest = unrest + u_adj * (u_target - unrest) + u_sd * eps[pr, t, 3]
            hard = hard + h_decay * (h_base - hard) + h_set * setback + h_sd * eps[pr, t, 4]
