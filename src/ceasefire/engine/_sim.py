"""Layer B: the war, the economy and the regime, month by month, worlds x paths at once.

State per row (arrays of shape (R,), R = worlds x paths, world-major; no Python
loop over rows):

- battlefield: combat power M_A, M_B relax toward sustainable levels M*_A, M*_B;
  contest share theta = M_A^m / (M_A^m + M_B^m); each front's side-A-held share
  O_j moves by kappa_j (theta - 1/2 + troops_j (chi - chi_0)) scaled by
  (1 - O)^eta for advances and O^eta for retreats (diminishing returns);
- economy (side A): revenue 1 - a_sigma sigma - a_S S; the fiscal buffer B
  drains by buffer_rate (spending - revenue); the bubble pops, for good, once
  B falls below its floor;
- regime (side A's leader): unrest U relaxes toward
  U* = U_base - boom dep (1 - popped) + austerity popped; hardliner discontent H
  relaxes toward its base and rises with territory lost; the monthly removal
  hazard is 1 - exp(-lambda), lambda = exp(g0 + gH H + gU U - gPhi Phi).

Worlds and paths (issue 12): a *world* is one setting of the analyst's uncertain
inputs (engine parameters, beliefs); a *path* is the war's randomness inside a
world. Parameters are constant within a world: the default run is one world at
every input's stated value (the mode of its range); ``worlds`` overrides give a
leading world axis. Every path's random numbers are drawn once, up front, and
shared by all worlds (common random numbers), so worlds differ only by inputs.

The simulation runs ``steps`` months: the reported months plus a tail whose last
month closes every value with a stationary continuation (``_value.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .._errors import InputError
from ..scenario._levers import check_levers, knot_path
from ..scenario._outcome import month_index
from ..scenario._registry import LEVERS, PARAMETERS, available_memory, memory_text
from . import _kernel

if TYPE_CHECKING:
    from ..scenario._engine import EngineSpec
    from ..scenario._scenario import Scenario

SIM_BLOCK = 4096  # rows simulated together
TAIL_MONTHS = 120  # months simulated at least after the reported ones
SIM_MONTHS = 360  # months simulated at least: the same for every report length up to 240
#: Peak memory of one evaluation in bytes per simulated row-month (a row: one path of one
#: world), measured from the peak resident size on the default scenario (docs/limits.md):
#: about 480 B for the values and the settlement hazard, 760 B for ``ceasefire run``'s
#: analysis, 950 B with the claims' five runs. The check takes the largest, rounded up.
ROW_STEP_BYTES = 1000


def steps_for(months: int, tail: int = TAIL_MONTHS) -> int:
    """Months simulated for ``months`` reported ones (``tail`` after them, at least
    ``SIM_MONTHS`` with the default tail)."""
    return max(months + int(tail), SIM_MONTHS) if tail == TAIL_MONTHS else months + int(tail)


def check_memory(rows: int, months: int, tail: int = TAIL_MONTHS) -> None:
    """Refuse, before anything is allocated, an evaluation of ``rows`` rows (worlds x
    paths) that would not fit in the memory available now (``ROW_STEP_BYTES`` a
    simulated row-month)."""
    steps = steps_for(months, tail)
    need = int(rows) * steps * ROW_STEP_BYTES
    avail = available_memory()
    if avail is not None and need > avail:
        raise InputError(
            f"{rows:,} paths x {steps} simulated months need about {memory_text(need)} of "
            f"memory; {memory_text(max(avail, 0))} is available (ask for fewer paths, or "
            "fewer worlds at once; docs/limits.md)"
        )


__all__ = [
    "ROW_STEP_BYTES",
    "TAIL_MONTHS",
    "Compiled",
    "SimPaths",
    "Switches",
    "compile_scenario",
    "lever_paths",
    "simulate",
]

F = NDArray[np.float64]
STATE = ("m_a", "m_b", "buffer", "popped", "unrest", "hard")


@dataclass(frozen=True)
class Switches:
    """Mechanisms that a counterfactual can switch off."""

    leader_survival: bool = True  # punishment K and the settlement backlash
    war_economy: bool = True  # boom that suppresses unrest and the demobilisation shock
    hardliners: bool = True  # hardliner discontent in the removal hazard


@dataclass(frozen=True)
class Compiled:
    """A scenario's engine inputs as arrays, ready to simulate."""

    scenario: Scenario
    spec: EngineSpec
    months: int  # T: months reported
    horizon: int  # months simulated after the reported ones (the tail)
    paths: int
    discount: float
    levers: dict[str, F]  # name -> (steps,): the realised lever paths
    lever_ref: dict[str, float]  # scenario baseline at month 0 (power is normalised there)
    front_issue: list[int]
    outcome: list[tuple[int, str, float, float]]
    switches: Switches = field(default_factory=Switches)
    baseline: dict[str, F] = field(default_factory=dict)  # the scenario's baseline lever paths
    world_inputs: dict[str, F] = field(default_factory=dict)  # name -> (W,) overrides
    worlds: int = 1
    war_age: float | None = None  # months since engine.war_start at month 0 (None: unknown)

    @property
    def steps(self) -> int:
        return self.months + self.horizon

    @property
    def rows(self) -> int:
        return self.worlds * self.paths


def lever_paths(
    spec: EngineSpec, steps: int, overrides: Mapping[str, object] | None = None
) -> dict[str, F]:
    """Monthly lever paths: the scenario's baselines, then ``overrides``.

    An override is a number (held constant from month 0) or a sequence of monthly
    values (the last one held to the end).
    """
    out: dict[str, F] = {}
    for name in LEVERS:
        base = spec.levers.get(name)
        if base is None:
            out[name] = np.zeros(steps)
        elif base.path:
            out[name] = knot_path(base.path, steps)
        else:
            out[name] = np.full(steps, base.value)
    for name, val in check_levers(overrides).items():
        arr = np.atleast_1d(np.asarray(val, dtype=float))
        if arr.size >= steps:
            out[name] = arr[:steps].copy()
        else:
            out[name] = np.concatenate([arr, np.full(steps - arr.size, arr[-1])])
        out[name] = np.clip(out[name], 0.0, 1.0)
    return out


def compile_scenario(
    sc: Scenario,
    *,
    paths: int | None = None,
    horizon: int | None = None,
    levers: dict[str, object] | None = None,
    switches: Switches | None = None,
    tail: int = TAIL_MONTHS,
    worlds: Mapping[str, object] | None = None,
) -> Compiled:
    """Compile ``sc`` for simulation.

    ``horizon`` is the number of months *reported* (default: the scenario's);
    ``tail`` the months simulated after them before the stationary closure;
    ``worlds`` maps input names (engine parameters, ``discount``,
    ``optimism.<actor>``) to arrays of shape (W,), one value per world.
    """
    spec = sc.engine_spec
    months = int(horizon) if horizon is not None else spec.horizon_months
    steps = steps_for(months, tail)
    w_in = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in (worlds or {}).items()}
    n_w = max([1, *(len(v) for v in w_in.values())])
    for k, v in w_in.items():
        if len(v) != n_w:
            raise InputError(f"world input {k!r} has {len(v)} values, expected {n_w}")
    check_memory(n_w * (int(paths) if paths is not None else spec.paths), months, tail)
    base = lever_paths(spec, steps)
    return Compiled(
        scenario=sc,
        spec=spec,
        months=months,
        horizon=steps - months,
        paths=int(paths) if paths is not None else spec.paths,
        discount=spec.discount.value,
        levers=lever_paths(spec, steps, levers),
        lever_ref={k: float(v[0]) for k, v in base.items()},
        front_issue=[sc.issue_ids.index(f.issue) for f in spec.fronts],
        outcome=[
            (sc.issue_ids.index(iid), om.lever, om.at_zero, om.at_one)
            for iid, om in spec.outcome.items()
        ],
        switches=switches or Switches(),
        baseline=base,
        world_inputs=w_in,
        worlds=n_w,
        war_age=_war_age(sc, spec),
    )


def _war_age(sc: Scenario, spec: EngineSpec) -> float | None:
    """Months from engine.war_start to the scenario's as-of month (None without war_start)."""
    if spec.war_start is None:
        return None
    as_of = f"{sc.as_of.year:04d}-{sc.as_of.month:02d}"
    return float(month_index(as_of) - month_index(spec.war_start))


def with_switches(c: Compiled, switches: Switches) -> Compiled:
    return replace(c, switches=switches)


def with_levers(c: Compiled, levers: dict[str, object]) -> Compiled:
    return replace(c, levers=lever_paths(c.spec, c.steps, levers))


def world_values(c: Compiled) -> dict[str, F]:
    """One value per world for every parameter (its stated value unless ``worlds`` sets it)."""
    out: dict[str, F] = {}
    for name in PARAMETERS:
        if name in c.world_inputs:
            out[name] = c.world_inputs[name].astype(float)
        else:
            out[name] = np.full(c.worlds, c.spec.param(name))
    return out


def draw_parameters(c: Compiled, rng: np.random.Generator | None = None) -> dict[str, F]:
    """Every parameter per row (R,): its world's value repeated over the world's paths."""
    return {k: np.repeat(v, c.paths) for k, v in world_values(c).items()}


@dataclass(frozen=True)
class Noise:
    """Every random number of a run, drawn once (per path, shared by all worlds)."""

    eps: F  # (steps, 5, N)
    eps_front: F  # (steps, N, F)
    eps_obs: F  # (N, steps, 2)

    def path_major(self) -> tuple[F, F]:
        """``eps`` as (N, steps, 5) and ``eps_front`` as (N, steps, F), C-contiguous: the
        order the compiled kernel reads them in (one copy per draw, kept)."""
        cached = self.__dict__.get("_path_major")
        if cached is None:
            cached = (
                np.ascontiguousarray(self.eps.transpose(2, 0, 1)),
                np.ascontiguousarray(self.eps_front.transpose(1, 0, 2)),
            )
            if self.nbytes <= NOISE_KEEP_BYTES:  # a large run's copy is not kept alive
                object.__setattr__(self, "_path_major", cached)
        return cached

    @property
    def nbytes(self) -> int:
        return int(self.eps.nbytes + self.eps_front.nbytes + self.eps_obs.nbytes)


@dataclass(frozen=True)
class SimPaths:
    """Simulated rows; every array has a leading row axis R and a month axis."""

    z_war: F  # (R, steps, K) de facto outcome on each issue
    fronts: F  # (R, steps, F)
    theta: F  # (R, steps)
    popped: NDArray[np.bool_]  # (R, steps)
    hardliners: F  # (R, steps)
    unrest: F  # (R, steps)
    hazard: F  # (R, steps): lambda, the monthly removal intensity at war
    buffer: F  # (R, steps)
    m_a: F  # (R, steps)
    m_b: F  # (R, steps)
    params: dict[str, F]  # per-row parameter values
    eps_obs: F  # (R, steps, 2): standard normal noise of what each side perceives
    noise: Noise | None = None  # the run's random numbers (for continuations)

    def subset(self, idx: slice) -> SimPaths:
        """The rows ``idx`` only (for batch-means Monte Carlo errors)."""
        return SimPaths(
            z_war=self.z_war[idx],
            fronts=self.fronts[idx],
            theta=self.theta[idx],
            popped=self.popped[idx],
            hardliners=self.hardliners[idx],
            unrest=self.unrest[idx],
            hazard=self.hazard[idx],
            buffer=self.buffer[idx],
            m_a=self.m_a[idx],
            m_b=self.m_b[idx],
            params={k: v[idx] for k, v in self.params.items()},
            eps_obs=self.eps_obs[idx],
        )


NOISE_BLOCK = 12  # months per block of random numbers


def draw_noise(c: Compiled, rng: np.random.Generator) -> Noise:
    """Every random number, month block by month block from one key drawn from ``rng``.

    Month t gets the same numbers whatever the number of months simulated, so a
    longer tail or report changes no earlier month's randomness.
    """
    n, steps, n_f = c.paths, c.steps, len(c.spec.fronts)
    key = int(rng.integers(2**62))
    with _NOISE_LOCK:
        for i, (k_old, nz_old) in enumerate(_NOISE):
            if k_old == (key, n, steps, n_f):
                _NOISE.append(_NOISE.pop(i))
                return nz_old
    nz = _draw(key, n, steps, n_f)
    if nz.nbytes <= NOISE_KEEP_BYTES:
        for arr in (nz.eps, nz.eps_front, nz.eps_obs):
            arr.setflags(write=False)  # shared by every later draw of the same key
        with _NOISE_LOCK:
            _NOISE.append(((key, n, steps, n_f), nz))
            del _NOISE[:-NOISE_KEPT]
    return nz


# The noise is a function of (key, paths, months, fronts) alone: the last few draws are
# kept, so an exploration's many engine calls with one seed draw it once. Only small
# ones (the default run's 1,000 paths: 29 MB; 10^5 paths would hold 2.9 GB after the run).
NOISE_KEPT = 2
NOISE_KEEP_BYTES = 64 * 2**20
_NOISE: list[tuple[tuple[int, int, int, int], Noise]] = []  # most recent last
_NOISE_LOCK = threading.Lock()


def _draw(key: int, n: int, steps: int, n_f: int) -> Noise:
    eps = np.empty((steps, 5, n))
    eps_front = np.empty((steps, n, n_f))
    eps_obs = np.empty((n, steps, 2))
    for j, lo in enumerate(range(0, steps, NOISE_BLOCK)):
        hi = min(lo + NOISE_BLOCK, steps)
        g = np.random.default_rng([key, j])
        m = NOISE_BLOCK
        eps[lo:hi] = g.standard_normal((m, 5, n))[: hi - lo]
        eps_front[lo:hi] = g.standard_normal((m, n, n_f))[: hi - lo]
        eps_obs[:, lo:hi] = g.standard_normal((m, n, 2))[: hi - lo].transpose(1, 0, 2)
    return Noise(eps, eps_front, eps_obs)


def initial_state(c: Compiled, p: dict[str, F]) -> dict[str, F]:
    """The state at month 0 for every row."""
    sc, spec, sw = c.scenario, c.spec, c.switches
    r = len(p["theta0"])
    dep = p["war_dependence"] if sw.war_economy else np.zeros(r)
    theta0 = np.clip(p["theta0"], 1e-6, 1 - 1e-6)
    m_b0 = ((1 - theta0) / theta0) ** (1.0 / p["contest_exponent"])
    sq = np.array([issue.status_quo.value for issue in sc.issues])
    o = np.tile(sq[c.front_issue], (r, 1)) if spec.fronts else np.zeros((r, 0))
    buffer = p["buffer0"].copy()
    popped = buffer < p["buffer_floor"]
    unrest = p["unrest_base"] - p["unrest_boom"] * dep * (~popped) + p["unrest_austerity"] * popped
    return {
        "m_a": np.ones(r),
        "m_b": m_b0.copy(),
        "o": o,
        "buffer": buffer,
        "popped": popped.astype(float),
        "unrest": unrest,
        "hard": p["hardliner_base"].copy(),
    }


def simulate(c: Compiled, rng: np.random.Generator, noise: Noise | None = None) -> SimPaths:
    """Simulate ``c.rows`` rows for ``c.steps`` months (vectorised over rows)."""
    nz = noise if noise is not None else draw_noise(c, rng)
    p = draw_parameters(c)
    s0 = initial_state(c, p)
    return replace(run_from(c, p, s0, 0, nz, c.levers), noise=nz)


def run_from(
    c: Compiled,
    p: dict[str, F],
    s0: dict[str, F],
    t0: int,
    nz: Noise,
    levers: dict[str, F],
) -> SimPaths:
    """Simulate months t0 .. steps-1 from state ``s0`` at the start of month t0.

    Returned arrays cover months t0 .. steps-1 (index 0 is month t0). The noise of
    month t is the same whatever t0 is, so a continuation from a realised state
    under the realised levers reproduces the realised path exactly.
    """
    spec = c.spec
    sq = np.array([issue.status_quo.value for issue in c.scenario.issues])
    r, n, steps = len(p["theta0"]), c.paths, c.steps
    k, n_f = len(sq), len(spec.fronts)
    kappa = np.array([fr.kappa.value for fr in spec.fronts])
    troops = np.array([fr.troops.value if fr.troops else 0.0 for fr in spec.fronts])
    m = steps - t0
    out = {
        "z_war": np.empty((r, m, k)),
        "fronts": np.empty((r, m, n_f)),
        "theta": np.empty((r, m)),
        "popped": np.empty((r, m), dtype=bool),
        "hardliners": np.empty((r, m)),
        "unrest": np.empty((r, m)),
        "hazard": np.empty((r, m)),
        "buffer": np.empty((r, m)),
        "m_a": np.empty((r, m)),
        "m_b": np.empty((r, m)),
    }

    if USE_NUMBA and _kernel.available():
        _run_kernel(c, p, s0, t0, nz, levers, sq, kappa, troops, out)
    else:
        _run_numpy(c, p, s0, t0, nz, levers, sq, kappa, troops, out)
    eps_obs = np.tile(nz.eps_obs[:, t0:], (r // n, 1, 1))
    return SimPaths(
        z_war=out["z_war"],
        fronts=out["fronts"],
        theta=out["theta"],
        popped=out["popped"].astype(bool),
        hardliners=out["hardliners"],
        unrest=out["unrest"],
        hazard=out["hazard"],
        buffer=out["buffer"],
        m_a=out["m_a"],
        m_b=out["m_b"],
        params=p,
        eps_obs=eps_obs,
    )


USE_NUMBA = True  # the compiled kernel when numba is installed (tests compare both)


def _run_kernel(
    c: Compiled,
    p: dict[str, F],
    s0: dict[str, F],
    t0: int,
    nz: Noise,
    levers: dict[str, F],
    sq: F,
    kappa: F,
    troops: F,
    out: dict[str, NDArray[np.generic]],
) -> None:

    spec, sw = c.spec, c.switches
    r, n = len(p["theta0"]), c.paths
    par = np.ascontiguousarray(np.stack([p[k] for k in _kernel.PARAM_ORDER], axis=1))
    dep = p["war_dependence"] if sw.war_economy else np.zeros(r)
    g_h = p["hazard_hardliners"] if sw.hardliners else np.zeros(r)
    h_const = p["hazard_base"] - p["hazard_repression"] * p["repression"]
    drift = p["_drift"] if "_drift" in p else np.zeros(r)
    st = np.stack(
        [s0["m_a"], s0["m_b"], s0["buffer"], s0["popped"], s0["unrest"], s0["hard"]], axis=1
    )
    weight = np.array([fr.weight.value if fr.weight else 1.0 for fr in spec.fronts])
    n_o = len(c.outcome)
    out_issue = np.array([j for j, *_ in c.outcome], dtype=np.int64)
    out_at0 = np.array([a for _, _, a, _ in c.outcome], dtype=float)
    out_at1 = np.array([b for *_, b in c.outcome], dtype=float)
    out_lever = (
        np.stack([levers[name] for _, name, _, _ in c.outcome]) if n_o else np.zeros((0, c.steps))
    )
    ref = np.array([c.lever_ref[k] for k in ("sanctions", "strikes", "aid", "foreign_troops")])
    popped = np.empty(out["popped"].shape, dtype=np.bool_)
    _kernel.run(
        par,
        np.ascontiguousarray(dep),
        np.ascontiguousarray(g_h),
        np.ascontiguousarray(h_const),
        np.ascontiguousarray(drift),
        np.ascontiguousarray(st),
        np.ascontiguousarray(s0["o"]),
        sq,
        np.array(c.front_issue, dtype=np.int64),
        kappa,
        troops,
        weight,
        out_issue,
        out_at0,
        out_at1,
        np.ascontiguousarray(out_lever),
        levers["sanctions"],
        levers["strikes"],
        levers["aid"],
        levers["foreign_troops"],
        ref,
        *nz.path_major(),  # from month 0, path-major: read in order
        np.arange(r, dtype=np.int64) % n,
        t0,
        out["z_war"],
        out["fronts"],
        out["theta"],
        popped,
        out["hardliners"],
        out["unrest"],
        out["hazard"],
        out["buffer"],
        out["m_a"],
        out["m_b"],
    )
    out["popped"] = popped


def _run_numpy(
    c: Compiled,
    p: dict[str, F],
    s0: dict[str, F],
    t0: int,
    nz: Noise,
    levers: dict[str, F],
    sq: F,
    kappa: F,
    troops: F,
    out: dict[str, NDArray[np.generic]],
) -> None:
    r, n = len(p["theta0"]), c.paths
    for lo in range(0, r, SIM_BLOCK):
        hi = min(lo + SIM_BLOCK, r)
        blk = slice(lo, hi)
        pidx = np.arange(lo, hi) % n  # the path of each row (worlds share path noise)
        res = _dynamics(
            c,
            {name: v[blk] for name, v in p.items()},
            {name: v[blk] for name, v in s0.items()},
            sq,
            kappa,
            troops,
            nz.eps[t0:, :, pidx],
            nz.eps_front[t0:, pidx],
            levers,
            t0,
        )
        for name, arr in res.items():
            out[name][blk] = np.moveaxis(arr, 0, 1)


def state_at(sim: SimPaths, t: int, t_sim0: int = 0) -> dict[str, F]:
    """The full state at the start of month t of a simulation that began at t_sim0."""
    i = t - t_sim0
    return {
        "m_a": sim.m_a[:, i].copy(),
        "m_b": sim.m_b[:, i].copy(),
        "o": sim.fronts[:, i].copy(),
        "buffer": sim.buffer[:, i].copy(),
        "popped": sim.popped[:, i].astype(float),
        "unrest": sim.unrest[:, i].copy(),
        "hard": sim.hardliners[:, i].copy(),
    }


def _dynamics(
    c: Compiled,
    p: dict[str, F],
    s0: dict[str, F],
    sq: F,
    kappa: F,
    troops: F,
    eps: F,
    eps_front: F,
    lev: dict[str, F],
    t0: int,
) -> dict[str, NDArray[np.generic]]:
    """The monthly dynamics of one block of rows; returns month-major arrays."""
    spec, sw = c.spec, c.switches
    n = len(p["theta0"])
    k = len(sq)
    steps = c.steps - t0
    n_f = len(spec.fronts)
    weight = np.array([fr.weight.value if fr.weight else 1.0 for fr in spec.fronts])
    wsum = weight.sum() if n_f else 1.0
    ref = c.lever_ref
    dep = p["war_dependence"] if sw.war_economy else np.zeros(n)
    g_h = p["hazard_hardliners"] if sw.hardliners else np.zeros(n)

    m_exp = p["contest_exponent"]
    theta0 = np.clip(p["theta0"], 1e-6, 1 - 1e-6)
    m_b0 = ((1 - theta0) / theta0) ** (1.0 / m_exp)
    m_a, m_b = s0["m_a"].copy(), s0["m_b"].copy()
    o = s0["o"].copy()
    buffer = s0["buffer"].copy()
    popped = s0["popped"] > 0.5
    unrest = s0["unrest"].copy()
    hard = s0["hard"].copy()
    aid0 = ref["aid"]
    h_const = p["hazard_base"] - p["hazard_repression"] * p["repression"]
    extra_drift = p["_drift"] if "_drift" in p else np.zeros(n)

    rec = {
        "z_war": np.empty((steps, n, k)),
        "fronts": np.empty((steps, n, n_f)),
        "theta": np.empty((steps, n)),
        "popped": np.empty((steps, n), dtype=bool),
        "hardliners": np.empty((steps, n)),
        "unrest": np.empty((steps, n)),
        "hazard": np.empty((steps, n)),
        "buffer": np.empty((steps, n)),
        "m_a": np.empty((steps, n)),
        "m_b": np.empty((steps, n)),
    }
    z = np.tile(sq, (n, 1))
    for i in range(steps):
        t = t0 + i
        sig, stk, aid, chi = (
            lev["sanctions"][t],
            lev["strikes"][t],
            lev["aid"][t],
            lev["foreign_troops"][t],
        )
        theta = m_a**m_exp / (m_a**m_exp + m_b**m_exp)
        if n_f:
            z[:, c.front_issue] = o
        for j, name, at0, at1 in c.outcome:
            z[:, j] = at0 + (at1 - at0) * lev[name][t]
        rec["z_war"][i] = z
        rec["fronts"][i] = o
        rec["theta"][i] = theta
        rec["popped"][i] = popped
        rec["hardliners"][i] = hard
        rec["unrest"][i] = unrest
        rec["buffer"][i] = buffer
        rec["m_a"][i] = m_a
        rec["m_b"][i] = m_b
        rec["hazard"][i] = np.exp(h_const + g_h * hard + p["hazard_unrest"] * unrest)
        # ---- battlefield
        supply = (
            1.0
            - p["economy_effect"] * popped
            - p["sanctions_supply"] * (sig - ref["sanctions"])
            - p["strike_effect"] * (stk - ref["strikes"])
            + p["troop_effect"] * (chi - ref["foreign_troops"])
        )
        star_a = np.maximum(supply, 0.05) * np.exp(
            -p["fatigue_a"] * t + p["force_noise"] * eps[i, 0]
        )
        aid_term = (1 - p["aid_share"]) + p["aid_share"] * (aid / aid0 if aid0 > 0 else aid)
        star_b = m_b0 * aid_term * np.exp(-p["fatigue_b"] * t + p["force_noise"] * eps[i, 1])
        m_a = m_a + p["force_adjustment"] * (star_a - m_a)
        m_b = m_b + p["force_adjustment"] * (star_b - m_b)
        if n_f:
            drift = kappa * (theta[:, None] - 0.5 + troops * (chi - ref["foreign_troops"]))
            eta = p["diminishing_returns"][:, None]
            step = np.where(drift > 0, drift * (1 - o) ** eta, drift * o**eta)
            step = step + extra_drift[:, None]
            new_o = np.clip(o + step + p["front_noise"][:, None] * eps_front[i], 0.0, 1.0)
            # setbacks are the battlefield trend turning against side A, not month-to-month noise
            setback = np.maximum(0.0, -(step * weight).sum(axis=1) / wsum)
            o = new_o
        else:
            setback = np.zeros(n)
        # ---- economy
        revenue = 1.0 - p["revenue_sanctions"] * sig - p["revenue_strikes"] * stk
        buffer = (
            buffer
            - p["buffer_rate"] * (p["war_spending"] - revenue)
            + p["buffer_noise"] * eps[i, 2]
        )
        popped = popped | (buffer < p["buffer_floor"])
        # ---- regime
        u_target = (
            p["unrest_base"] - p["unrest_boom"] * dep * (~popped) + p["unrest_austerity"] * popped
        )
        unrest = (
            unrest + p["unrest_adjustment"] * (u_target - unrest) + p["unrest_noise"] * eps[i, 3]
        )
        hard = (
            hard
            + p["hardliner_decay"] * (p["hardliner_base"] - hard)
            + p["hardliner_setback"] * setback
            + p["hardliner_noise"] * eps[i, 4]
        )
    return rec
