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

import numpy as np
from numpy.typing import NDArray

from ..bargaining._spatial import spatial_utility
from ._value import PathValues, breakdown_hazard, interp_b, settle_mix

F = NDArray[np.float64]

__all__ = ["Settlement", "acceptance", "deal_candidates", "settlement_hazard"]


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
    """
    c = pv.compiled
    sc, spec = c.scenario, c.spec
    delta = c.discount
    r_n, t_n = pv.fight.shape[:2]
    w_n, n_p = c.worlds, c.paths
    veto = np.flatnonzero(sc.veto)
    vpos = {int(a): i for i, a in enumerate(veto)}
    clout = sc.clout[veto] / sc.clout[veto].sum()
    if month_best is not None:
        cand = np.vstack([cand, month_best[:1]])
    u0 = _utility(sc, cand)  # (C, n)
    u = u0
    roles = spec.roles
    reg = sc.actor_index(roles.regime) if roles.regime else None
    hard = sc.actor_index(roles.hardliners) if roles.hardliners else None
    rat = sc.actor_index(roles.ratifier) if roles.ratifier else None
    ro = pv.regime_outcome
    rat_f = [f for f, fr in enumerate(spec.fronts) if fr.ratify]
    rat_idx = [c.front_issue[f] for f in rat_f]
    b = (
        np.clip(1.0 - u[:, hard], 0.0, None)
        if hard is not None and c.switches.hardliners
        else np.zeros(len(cand))
    )
    p = spec.param
    j_pen, tol = p("ratification_penalty"), p("ratification_tolerance")
    lam = np.repeat(c.world_inputs.get("settlement_rate", np.full(w_n, p("settlement_rate"))), n_p)
    sig = np.repeat(
        c.world_inputs.get("settlement_scale", np.full(w_n, p("settlement_scale"))), n_p
    )
    open_ = np.zeros((r_n, t_n), dtype=bool)
    gmax = np.zeros((r_n, t_n))
    deal = np.zeros((r_n, t_n), dtype=np.intp)
    terms_all = np.zeros((r_n, t_n, cand.shape[1]))
    h_all = np.zeros((r_n, t_n))
    plan_ok = np.zeros((r_n, t_n, n_plans), dtype=bool)
    for lo in range(0, r_n, block):
        rs = slice(lo, min(lo + block, r_n))
        for t in range(t_n):
            if month_best is not None:
                cand[-1] = month_best[t]
                u = _utility(sc, cand)
                b = (
                    np.clip(1.0 - u[:, hard], 0.0, None)
                    if hard is not None and c.switches.hardliners
                    else np.zeros(len(cand))
                )
            h = breakdown_hazard(c, cand[None, :, :], pv.breakdown_base[rs, None])  # (r, C)
            w = pv.fight[rs, t][:, veto]  # (r, V)
            s = settle_mix(u[None][..., veto], h[..., None], w[:, None, :], delta)  # (r, C, V)
            if reg is not None and reg in vpos:
                bb = np.broadcast_to(b, (s.shape[0], len(cand)))
                pun = interp_b(pv.pun_table[rs, t], bb, pv.b_grid)
                if ro is not None:
                    pun, _ = ro.subset(rs).adjust(pun, pun, ro.loss(cand), per_row=True)
                s[..., vpos[reg]] -= pun
            if rat is not None and rat_f and rat in vpos:
                held = pv.fronts[rs, t][:, None, rat_f]
                ceded = np.clip(cand[None][..., rat_idx] - held - tol, 0.0, None).sum(axis=-1)
                s[..., vpos[rat]] -= j_pen * ceded
            gaps = s - w[:, None, :]  # (r, C, V)
            mn = gaps.min(axis=-1)
            ok = mn > 0
            open_[rs, t] = ok.any(axis=1)
            gmax[rs, t] = mn.max(axis=1)
            nash = np.where(
                ok, (clout * np.log(np.where(gaps > 0, gaps, 1.0))).sum(axis=-1), -np.inf
            )
            deal[rs, t] = np.where(open_[rs, t], np.argmax(nash, axis=1), np.argmax(mn, axis=1))
            terms_all[rs, t] = cand[deal[rs, t]]
            h_all[rs, t] = h[np.arange(h.shape[0]), deal[rs, t]]
            plan_ok[rs, t] = mn[:, :n_plans] >= 0
    step = lam[:, None] * acceptance(gmax, sig[:, None])
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
