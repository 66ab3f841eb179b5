"""Settlement as a hazard over calendar months.

On each path p and month t the *perceived* zone of agreement is open when

    G_{p,t} = max_{z in Z} min_{veto i} (s~_{i,p,t}(z) - w~_{i,p,t}) > 0,

with each veto player's own (perceived) values on that path (``_value.py``) and Z
a candidate set of deals: the named plans, every actor's ideal point, the status
quo, a scrambled Sobol sample of the issue box and the month's expected-value
max-min point. While it is open a deal is signed with monthly probability
lambda (``settlement_rate``: bargaining friction; Fearon 1995's costly
bargaining, calibrated as a shared rate).

The analyst does not see the veto players' values exactly: each carries a private
component (Fearon's private information; the random-utility reading of a
strategic choice, Signorino 1999). With those components normal of scale sigma
(``settlement_scale``, utility per month) the monthly hazard of a deal is

    h_{p,t} = lambda Phi(G_{p,t} / sigma)      (sigma > 0),
    h_{p,t} = lambda 1[G_{p,t} > 0]            (sigma = 0: the zone as an indicator),

so a zone that is shut by a little still signs now and then, and one that is
wide open signs at the full rate. Over paths,

    P(signed by the end of month t) = 1 - mean_p prod_{s <= t} (1 - h_{p,s}),

exactly (no extra randomness); its Monte Carlo standard error is the paths'
standard deviation of the product over sqrt(paths). The deal signed on path p
at month t is the asymmetric Nash point over Z among the deals every veto player
accepts (weights: clout; disagreement: the values of fighting on), or, where no
candidate is accepted by all, the max-min candidate (the one closest to
acceptance); the distribution of terms weights every (p, t) by the probability
that the deal is signed then: h_{p,t} prod_{s<t}(1 - h_{p,s}).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..bargaining._spatial import spatial_utility
from . import _kernel
from ._value import PathValues, breakdown_hazard

if TYPE_CHECKING:
    from ._sim import Compiled

F = NDArray[np.float64]

__all__ = [
    "Settlement",
    "acceptance",
    "deal_candidates",
    "duration_factor",
    "duration_multiplier",
    "settlement_hazard",
]


@dataclass(frozen=True)
class Settlement:
    """P(a deal is signed by month t) and the deals signed, per world."""

    p_by_month: F  # (W, T)
    p_se: F  # (W, T)
    p_open: F  # (W, T): share of paths whose perceived zone is open at t
    terms_mean: F  # (W, K): expected terms of a deal signed within T months
    terms_q: F  # (W, 3, K): 10 %, 50 %, 90 % quantiles of those terms
    hold12: F  # (W,): P(the signed deal still holds 12 months on), averaged over deals
    hold36: F  # (W,)
    plan_share: F  # (W, T, P): share of paths on which every veto player accepts plan p
    open_rows: NDArray[np.bool_]  # (R, T)
    gap_rows: F  # (R, T): G_{p,t}, the max-min perceived gap over the candidates
    hazard_rows: F  # (R, T): h_{p,t}, the monthly probability of a deal

    def median_month(self, w: int = 0) -> int | None:
        idx = np.flatnonzero(self.p_by_month[w] >= 0.5)
        return int(idx[0]) if idx.size else None


def deal_candidates(sc_proposals: F, ideal: F, sq: F, extra: F | None, n_sobol: int = 128) -> F:
    """Plans first (in order), then ideal points, the status quo, Sobol points, ``extra``."""
    from scipy.stats import qmc  # lazy: scipy.stats is slow to import

    k = sc_proposals.shape[1] if sc_proposals.size else ideal.shape[1]
    sob = qmc.Sobol(d=k, scramble=True, seed=11).random(n_sobol)
    parts = [sc_proposals.reshape(-1, k), ideal, sq[None, :], sob]
    if extra is not None:
        parts.append(extra.reshape(-1, k))
    return np.vstack(parts)


def settlement_hazard(
    pv: PathValues, cand: F, n_plans: int, block: int = 2048, month_best: F | None = None
) -> Settlement:
    """The settlement hazard on every path and month, over the candidate deals ``cand``.

    ``month_best`` (T, K) adds one deal per month (the expected-value max-min point of
    that month) to that month's candidates only.

    What does not depend on the path is computed once per world and month (the
    candidates' utilities, breakdown hazards and backlash, the settlement mix's
    weights); the gaps themselves, (rows, candidates, veto players) per month, go
    through a compiled kernel when numba is installed, else through numpy in blocks of
    ``block`` rows. Both give the same gaps, bit for bit (tested).
    """
    c = pv.compiled
    sc, spec = c.scenario, c.spec
    delta = c.discount
    r_n, t_n = pv.fight.shape[:2]
    w_n, n_p = c.worlds, c.paths
    veto = np.flatnonzero(sc.veto)
    vpos = {int(a): i for i, a in enumerate(veto)}
    clout = sc.clout[veto] / sc.clout[veto].sum()
    # the candidates of every month (T, C, K): the last one is that month's best where given
    if month_best is not None:
        cand_t = np.repeat(np.vstack([cand, month_best[:1]])[None], t_n, axis=0)
        cand_t[:, -1] = month_best[:t_n]
        u_t = np.repeat(_utility(sc, cand_t[0])[None], t_n, axis=0)  # (T, C, n)
        u_t[:, -1] = _utility(sc, cand_t[:, -1])
    else:
        cand_t = np.repeat(cand[None], t_n, axis=0)
        u_t = np.repeat(_utility(sc, cand)[None], t_n, axis=0)
    n_c = cand_t.shape[1]
    roles = spec.roles
    reg = sc.actor_index(roles.regime) if roles.regime else None
    hard = sc.actor_index(roles.hardliners) if roles.hardliners else None
    rat = sc.actor_index(roles.ratifier) if roles.ratifier else None
    ro = pv.regime_outcome
    rat_f = [f for f, fr in enumerate(spec.fronts) if fr.ratify]
    rat_idx = [c.front_issue[f] for f in rat_f]
    b_t = (
        np.clip(1.0 - u_t[..., hard], 0.0, None)
        if hard is not None and c.switches.hardliners
        else np.zeros((t_n, n_c))
    )
    p = spec.param
    j_pen, tol = p("ratification_penalty"), p("ratification_tolerance")
    lam = np.repeat(c.world_inputs.get("settlement_rate", np.full(w_n, p("settlement_rate"))), n_p)
    sig = np.repeat(
        c.world_inputs.get("settlement_scale", np.full(w_n, p("settlement_scale"))), n_p
    )
    # per world and month: the breakdown hazard of every candidate and the mix's weights
    base_w = pv.breakdown_base.reshape(w_n, n_p)[:, 0]
    h_w = breakdown_hazard(c, cand_t[None], base_w[:, None, None])  # (W, T, C)
    dh = delta * h_w
    den = 1 - delta + dh
    a_u = (1 - delta) * u_t[..., veto]  # (T, C, V)
    g_b = len(pv.b_grid)
    fb = np.clip(b_t / pv.b_grid[-1] * (g_b - 1), 0, g_b - 1 - 1e-12)  # as in interp_b
    ib = fb.astype(np.intp)
    wb = fb - ib
    v_reg = vpos[reg] if reg is not None and reg in vpos else -1
    v_rat = vpos[rat] if rat is not None and rat_f and rat in vpos else -1
    world = np.repeat(np.arange(w_n), n_p)
    # the regime's punishment after settling on a candidate: pun_a + pun_b * (its table at
    # the candidate's backlash), per world, month and candidate (regime type x the deal's
    # loss for the regime, Goemans 2000); without a regime type 0 + 1 * table, exactly
    if ro is not None and v_reg >= 0:
        rw = ro.subset(slice(None), paths=n_p)
        pun_a, pun_b = rw.affine(ro.loss(cand_t))  # (W, T, C) each
    else:
        pun_a, pun_b = np.zeros((w_n, t_n, n_c)), np.ones((w_n, t_n, n_c))
    # the other belligerent's leader (roles.leader_b): its removal cost after settling on a
    # candidate, per world, month and candidate (no table: its removal is the settlement's)
    lb = pv.leader_b
    v_lb = vpos.get(lb.actor, -1) if lb is not None else -1
    if lb is not None and v_lb >= 0:
        pen_b = lb.subset(slice(None), paths=n_p).settle_cost(cand_t, per_row=True)
    else:
        pen_b = np.zeros((1, 1, 1))
    g = _GapInputs(
        world=world,
        a_u=a_u,
        dh=dh,
        den=den,
        ib=ib,
        wb=wb,
        pun_a=pun_a,
        pun_b=pun_b,
        pen_b=pen_b,
        cand_rat=cand_t[..., rat_idx],
        clout=clout,
        veto=veto,
        v_reg=v_reg,
        v_lb=v_lb,
        v_rat=v_rat,
        rat_f=rat_f,
        j_pen=j_pen,
        tol=tol,
    )
    out = _GapOutputs(
        open_=np.zeros((r_n, t_n), dtype=bool),
        gmax=np.zeros((r_n, t_n)),
        deal=np.zeros((r_n, t_n), dtype=np.intp),
        plan_ok=np.zeros((r_n, t_n, n_plans), dtype=bool),
    )
    if USE_NUMBA and _kernel.gaps_available():
        _gaps_kernel(pv, g, out)
    else:
        _gaps_numpy(pv, g, out, block)
    open_, gmax, deal, plan_ok = out.open_, out.gmax, out.deal, out.plan_ok
    months = np.arange(t_n)[None, :]
    terms_all = cand_t[months, deal]  # (R, T, K)
    h_all = h_w[world[:, None], months, deal]
    rate = lam[:, None] * duration_factor(c, t_n)  # (R, T) or (R, 1)
    step = np.minimum(rate * acceptance(gmax, sig[:, None]), 1.0)
    surv = np.cumprod(1.0 - step, axis=1)  # (R, T)
    sw = surv.reshape(w_n, n_p, t_n)
    p_by = 1.0 - sw.mean(axis=1)
    p_se = sw.std(axis=1, ddof=1) / np.sqrt(n_p) if n_p > 1 else np.zeros_like(p_by)
    prev = np.concatenate([np.ones((r_n, 1)), surv[:, :-1]], axis=1)
    mass = (step * prev).reshape(w_n, n_p * t_n)
    terms = terms_all.reshape(w_n, n_p * t_n, -1)
    h_deal = h_all.reshape(w_n, -1)
    k = cand.shape[1]
    t_mean = np.full((w_n, k), np.nan)
    t_q = np.full((w_n, 3, k), np.nan)
    hold12 = np.full(w_n, np.nan)
    hold36 = np.full(w_n, np.nan)
    for wi in range(w_n):
        m = mass[wi]
        tot = m.sum()
        if tot <= 0:
            continue
        t_mean[wi] = (m[:, None] * terms[wi]).sum(axis=0) / tot
        hold12[wi] = float((m * (1 - h_deal[wi]) ** 12).sum() / tot)
        hold36[wi] = float((m * (1 - h_deal[wi]) ** 36).sum() / tot)
        for j in range(k):
            order = np.argsort(terms[wi][:, j])
            cm = np.cumsum(m[order]) / tot
            t_q[wi, :, j] = [terms[wi][order[np.searchsorted(cm, q)], j] for q in (0.1, 0.5, 0.9)]
    return Settlement(
        p_by_month=p_by,
        p_se=p_se,
        p_open=open_.reshape(w_n, n_p, t_n).mean(axis=1),
        terms_mean=t_mean,
        terms_q=t_q,
        hold12=hold12,
        hold36=hold36,
        plan_share=plan_ok.reshape(w_n, n_p, t_n, n_plans).mean(axis=1),
        open_rows=open_,
        gap_rows=gmax,
        hazard_rows=step,
    )


USE_NUMBA = True  # the compiled gap kernel when numba is installed (tests compare both)


@dataclass(frozen=True)
class _GapInputs:
    """What the gaps need besides the path values; V = veto players, C = candidates."""

    world: NDArray[np.intp]  # (R,) the world of each row
    a_u: F  # (T, C, V): (1 - delta) u(z)
    dh: F  # (W, T, C): delta h(z)
    den: F  # (W, T, C): (1 - delta) + delta h(z)
    ib: NDArray[np.intp]  # (T, C) backlash grid index of each candidate
    wb: F  # (T, C) its interpolation weight
    pun_a: F  # (W, T, C) the regime's punishment after settling: pun_a + pun_b * table
    pun_b: F  # (W, T, C)
    pen_b: F  # (W, T, C) the second leader's removal cost after settling
    cand_rat: F  # (T, C, Fr) each candidate's terms on the ratified fronts
    clout: F  # (V,)
    veto: NDArray[np.intp]  # (V,) actor index of each veto player
    v_reg: int  # veto position of the regime actor (-1: none)
    v_lb: int  # ... of the other belligerent's leader (-1: none)
    v_rat: int  # ... of the ratifier (-1: none)
    rat_f: list[int]  # the ratified fronts
    j_pen: float
    tol: float


@dataclass(frozen=True)
class _GapOutputs:
    open_: NDArray[np.bool_]  # (R, T)
    gmax: F  # (R, T)
    deal: NDArray[np.intp]  # (R, T)
    plan_ok: NDArray[np.bool_]  # (R, T, P)


def _gaps_kernel(pv: PathValues, g: _GapInputs, out: _GapOutputs) -> None:
    v_reg, veto = g.v_reg, g.veto
    r_n, t_n = pv.fight.shape[:2]
    pun = pv.pun_table if v_reg >= 0 else np.zeros((r_n, t_n, 2))
    # the regime's gap first: most often the negative one, after which a candidate that is
    # neither accepted nor the best max-min so far is left (its other gaps cannot matter)
    order = [v_reg, *(v for v in range(len(veto)) if v != v_reg)] if v_reg >= 0 else []
    order = order or list(range(len(veto)))
    _kernel.gaps(
        np.ascontiguousarray(pv.fight[..., veto]),
        np.ascontiguousarray(pun),
        np.ascontiguousarray(pv.fronts[..., g.rat_f]),
        g.world.astype(np.int64),
        *(np.ascontiguousarray(a) for a in (g.a_u, g.dh, g.den)),
        g.ib.astype(np.int64),
        *(np.ascontiguousarray(a) for a in (g.wb, g.pun_a, g.pun_b, g.pen_b, g.cand_rat)),
        g.clout,
        np.array(order, dtype=np.int64),
        v_reg,
        g.v_lb,
        g.v_rat,
        float(g.j_pen),
        float(g.tol),
        out.open_,
        out.gmax,
        out.deal,
        out.plan_ok,
    )


def _gaps_numpy(pv: PathValues, gi: _GapInputs, out: _GapOutputs, block: int) -> None:
    """The gaps with numpy: (rows, candidates) per veto player, block of rows and month.

    One contiguous (rows, candidates) array per veto player; the minimum over them is
    taken pairwise and the Nash product's sum in order, as a reduction over a short last
    axis would (the same numbers, at a fraction of its cost).
    """
    r_n, t_n = pv.fight.shape[:2]
    world, a_u, dh, den, ib, wb = gi.world, gi.a_u, gi.dh, gi.den, gi.ib, gi.wb
    v_reg, v_lb, v_rat, veto, clout = gi.v_reg, gi.v_lb, gi.v_rat, gi.veto, gi.clout
    open_, gmax, deal, plan_ok = out.open_, out.gmax, out.deal, out.plan_ok
    n_plans = plan_ok.shape[2]
    n_v = len(veto)
    for lo in range(0, r_n, block):
        rs = slice(lo, min(lo + block, r_n))
        wr = world[rs]
        for t in range(t_n):
            w = pv.fight[rs, t][:, veto]  # (r, V)
            dh_r = dh[wr, t]
            den_r = den[wr, t]
            gs = []
            for v in range(n_v):
                g = dh_r * w[:, v, None]
                g += a_u[t, :, v]
                g /= den_r
                gs.append(g)
            if v_reg >= 0:
                tab = pv.pun_table[rs, t]
                pun = tab[:, ib[t]] * (1 - wb[t]) + tab[:, ib[t] + 1] * wb[t]
                gs[v_reg] -= gi.pun_a[wr, t] + gi.pun_b[wr, t] * pun
            if v_lb >= 0:
                gs[v_lb] -= gi.pen_b[wr, t]
            if v_rat >= 0:
                held = pv.fronts[rs, t][:, None, gi.rat_f]
                ceded = np.clip(gi.cand_rat[t][None] - held - gi.tol, 0.0, None).sum(axis=-1)
                gs[v_rat] -= gi.j_pen * ceded
            mn = gs[0]
            for v in range(n_v):
                gs[v] -= w[:, v, None]  # the gaps
                mn = gs[v] if v == 0 else np.minimum(mn, gs[v])
            ok = mn > 0
            op = ok.any(axis=1)
            open_[rs, t] = op
            gmax[rs, t] = mn.max(axis=1)
            d = np.argmax(mn, axis=1)
            if op.any():  # the Nash point among the accepted candidates, where there are some
                nash = np.zeros(0)
                for v in range(n_v):
                    g = gs[v][op]
                    term = clout[v] * np.log(np.where(g > 0, g, 1.0))
                    nash = term if v == 0 else nash + term
                d[op] = np.argmax(np.where(ok[op], nash, -np.inf), axis=1)
            deal[rs, t] = d
            plan_ok[rs, t] = mn[:, :n_plans] >= 0


def duration_factor(c: Compiled, t_n: int) -> F:
    """((a + t + 1/2) / 12)^(kappa - 1) per row and month: the war's duration dependence.

    ``a`` is the war's age at month 0 (``engine.war_start``), kappa ``duration_shape``
    per world. Without a war start, or with kappa 1 everywhere, a column of ones: the
    hazard is then exactly lambda Phi(G / sigma).
    """
    w_n, n_p = c.worlds, c.paths
    kap = c.world_inputs.get("duration_shape", np.full(w_n, c.spec.param("duration_shape")))
    if c.war_age is None or np.all(kap == 1.0):
        return np.ones((w_n * n_p, 1))
    return np.repeat(duration_multiplier(c.war_age, t_n, np.asarray(kap, dtype=float)), n_p, axis=0)


def duration_multiplier(age: float, months: int, kappa: F | float) -> F:
    """((age + t + 1/2) / 12)^(kappa - 1) for t < months: (len(kappa), months) or (months,).

    ``age`` is the war's age in months at month 0; the hazard of month t is taken at the
    month's middle. kappa 1 gives ones exactly.
    """
    a = (float(age) + np.arange(months) + 0.5) / 12.0
    k = np.asarray(kappa, dtype=float)
    out = a ** (k[..., None] - 1.0) if k.ndim else a ** (float(k) - 1.0)
    return np.asarray(out, dtype=float)


def acceptance(gap: F, scale: F | float) -> F:
    """Phi(gap / scale): the chance the zone is open once private values are added.

    ``scale`` 0 gives the indicator 1[gap > 0] exactly (the deterministic zone).
    """
    from scipy.special import ndtr  # lazy: scipy.special only when the engine runs

    sc = np.broadcast_to(np.asarray(scale, dtype=float), np.shape(gap))
    pos = sc > 0
    out = (gap > 0).astype(float)
    if pos.any():
        out = np.where(pos, ndtr(gap / np.where(pos, sc, 1.0)), out)
    return out


def _utility(sc: object, z: F) -> F:

    return spatial_utility(
        z,
        sc.ideal,  # type: ignore[attr-defined]
        sc.salience,  # type: ignore[attr-defined]
        risk=sc.risk,  # type: ignore[attr-defined]
        red_line=sc.red_line,  # type: ignore[attr-defined]
        penalty=sc.penalty,  # type: ignore[attr-defined]
    )
