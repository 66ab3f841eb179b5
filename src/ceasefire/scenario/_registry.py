"""The engine's named parameters: defaults, bounds and meaning.

Every parameter a scenario can set in ``engine.parameters`` is listed here
with its default, the interval it must lie in, its unit and what it does.
A scenario that leaves a parameter out gets the default; the built-in
scenarios state every parameter with its provenance. ``docs/model.md``
explains each equation they enter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .._errors import InputError

__all__ = [
    "DEFAULT_LEVER_GRID",
    "LEVERS",
    "MAX_HORIZON",
    "MAX_PATHS",
    "MAX_PATH_MONTHS",
    "PARAMETERS",
    "TALKS_RELIEF_LEVERS",
    "Param",
    "available_memory",
    "check_run_size",
    "check_seed",
    "memory_text",
]

#: The most Monte Carlo paths one run may ask for (memory grows about linearly in paths).
MAX_PATHS = 100_000
#: The longest horizon in months.
MAX_HORIZON = 600
#: The most paths x months one run may simulate: about 2.3 GB at 36 months x 100,000 paths
#: measured in wave 1 (~21 kB per path at 36 months), so the product is what is bounded.
MAX_PATH_MONTHS = 3_600_000


def check_seed(seed: object, *, what: str = "seed") -> int:
    """A seed is an integer >= 0 (any size: numpy's SeedSequence takes it whole)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputError(f"{what} must be an integer >= 0, not {seed!r}")
    if seed < 0:
        raise InputError(f"{what} must be >= 0, not {seed}")
    if seed.bit_length() > 128:
        raise InputError(f"{what} must be below 2**128")
    return seed


def check_run_size(paths: object, horizon: object) -> None:
    """Refuse, before anything is allocated, a run larger than the stated limits."""
    for name, value, hi in (("paths", paths, MAX_PATHS), ("horizon", horizon, MAX_HORIZON)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{name} must be a whole number, not {value!r}")
        if not 1 <= value <= hi:
            raise InputError(f"{name} must lie in [1, {hi:,}], not {value:,}")
    if isinstance(paths, int) and isinstance(horizon, int) and paths * horizon > MAX_PATH_MONTHS:
        raise InputError(
            f"paths x horizon = {paths * horizon:,} exceeds the limit of {MAX_PATH_MONTHS:,} "
            "path-months (memory grows with both; see docs/limits.md)"
        )


def available_memory() -> int | None:
    """Bytes this process can still allocate (MemAvailable, within a cgroup limit and
    an address-space limit where set), or None where it cannot be told."""
    avail: int | None = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        try:
            avail = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
        except (AttributeError, OSError, ValueError):
            avail = None
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as fh:
            used = int(fh.read().strip())
        if limit != "max":
            room = int(limit) - used
            avail = room if avail is None else min(avail, room)
    except (OSError, ValueError):
        pass
    room_as = _address_space_room()
    if room_as is not None:
        avail = room_as if avail is None else min(avail, room_as)
    return avail


def _address_space_room() -> int | None:
    """Bytes left under this process's address-space limit (``ulimit -v``), or None."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft == resource.RLIM_INFINITY or soft < 0:
            return None
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(soft) - int(line.split()[1]) * 1024
    except (ImportError, OSError, ValueError):
        return None
    return None


def memory_text(b: int) -> str:
    """``b`` bytes as MiB or GiB, for messages."""
    return f"{b / 2**30:.1f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


LEVERS = ("sanctions", "strikes", "aid", "foreign_troops")

#: The levers that talks suspend in part while they run (``talks_relief``).
TALKS_RELIEF_LEVERS = ("sanctions", "strikes", "aid")

#: The levels ``ceasefire levers`` and :func:`ceasefire.search_levers` try by default.
DEFAULT_LEVER_GRID: dict[str, tuple[float, ...]] = {
    "sanctions": (0.0, 0.25, 0.5, 0.75, 1.0),
    "strikes": (0.0, 0.25, 0.5, 0.75, 1.0),
    "aid": (0.3, 0.6, 1.0),
}


@dataclass(frozen=True)
class Param:
    default: float
    lo: float
    hi: float
    unit: str
    meaning: str


PARAMETERS: dict[str, Param] = {
    # ----- battlefield ---------------------------------------------------------------
    "theta0": Param(
        0.54, 0.0, 1.0, "share", "side A's share of the contest at month 0: M_A^m / (M_A^m + M_B^m)"
    ),
    "contest_exponent": Param(1.5, 0.1, 5.0, "-", "m in the contest success function"),
    "force_adjustment": Param(
        0.15, 0.0, 1.0, "1/month", "rate at which combat power moves toward its sustainable level"
    ),
    "force_noise": Param(0.03, 0.0, 1.0, "-", "s.d. of the monthly log shock to sustainable power"),
    "fatigue_a": Param(0.002, 0.0, 0.1, "1/month", "side A's monthly loss of sustainable power"),
    "fatigue_b": Param(0.004, 0.0, 0.1, "1/month", "side B's monthly loss of sustainable power"),
    "aid_share": Param(
        0.4,
        0.0,
        1.0,
        "share",
        "share of side B's sustainable power that aid provides at the baseline",
    ),
    "strike_effect": Param(
        0.25, 0.0, 2.0, "-", "loss of side A's power per unit of strikes above the baseline"
    ),
    "troop_effect": Param(
        0.15, 0.0, 2.0, "-", "gain in side A's power per unit of foreign troops above the baseline"
    ),
    "economy_effect": Param(
        0.30, 0.0, 2.0, "-", "loss of side A's war production when the fiscal bubble has popped"
    ),
    "sanctions_supply": Param(
        0.10, 0.0, 2.0, "-", "loss of side A's war production per unit of sanctions above baseline"
    ),
    "diminishing_returns": Param(
        1.0, 0.0, 5.0, "-", "eta: advances scale with (1 - O)^eta (and retreats with O^eta)"
    ),
    "front_noise": Param(0.002, 0.0, 0.1, "share/month", "s.d. of monthly front-line noise"),
    # ----- economy (side A) ------------------------------------------------------------
    "revenue_sanctions": Param(0.30, 0.0, 1.0, "-", "share of revenue lost at full sanctions"),
    "revenue_strikes": Param(0.20, 0.0, 1.0, "-", "share of revenue lost at full strikes"),
    "war_spending": Param(0.76, 0.0, 2.0, "revenue units", "monthly war-time spending"),
    "buffer0": Param(1.0, 0.0, 10.0, "buffer units", "fiscal buffer at month 0"),
    "buffer_rate": Param(0.35, 0.0, 5.0, "buffer units", "buffer drained per unit of deficit"),
    "buffer_floor": Param(
        0.25, 0.0, 10.0, "buffer units", "below this the war-time bubble pops (absorbing)"
    ),
    "buffer_noise": Param(0.015, 0.0, 1.0, "buffer units", "s.d. of monthly fiscal shocks"),
    "war_dependence": Param(
        0.6, 0.0, 1.0, "share", "how much output and calm depend on war production"
    ),
    # ----- regime (side A's leader) ---------------------------------------------------
    "hazard_base": Param(-6.0, -20.0, 5.0, "log", "gamma_0 of the removal hazard"),
    "hazard_hardliners": Param(2.0, 0.0, 20.0, "-", "gamma_H: weight of hardliner discontent"),
    "hazard_unrest": Param(2.0, 0.0, 20.0, "-", "gamma_U: weight of mass unrest"),
    "hazard_repression": Param(1.0, 0.0, 20.0, "-", "gamma_Phi: weight of repression capacity"),
    "repression": Param(1.0, 0.0, 5.0, "-", "Phi: repression capacity"),
    "unrest_base": Param(0.3, 0.0, 5.0, "-", "unrest level with neither boom nor austerity"),
    "unrest_boom": Param(
        0.4, 0.0, 5.0, "-", "unrest the war boom suppresses (times war_dependence) while it lasts"
    ),
    "unrest_austerity": Param(0.8, 0.0, 5.0, "-", "unrest added once the bubble has popped"),
    "unrest_demobilisation": Param(
        0.5, 0.0, 5.0, "-", "unrest shock of peace (times war_dependence, if no pop yet)"
    ),
    "unrest_adjustment": Param(0.2, 0.0, 1.0, "1/month", "rate unrest moves to its target"),
    "unrest_noise": Param(0.03, 0.0, 1.0, "-", "s.d. of monthly unrest shocks"),
    "demobilisation_decay": Param(0.06, 0.0, 1.0, "1/month", "rate the peace shock fades"),
    "recovery_rate": Param(
        0.05, 0.0, 1.0, "1/month", "rate austerity fades under peace once war spending ends"
    ),
    "hardliner_base": Param(0.3, 0.0, 5.0, "-", "hardliner discontent in a war going well"),
    "hardliner_setback": Param(
        10.0,
        0.0,
        1000.0,
        "per share lost",
        "discontent added per unit of territory lost in a month",
    ),
    "hardliner_decay": Param(0.1, 0.0, 1.0, "1/month", "rate discontent relaxes in war"),
    "hardliner_noise": Param(0.03, 0.0, 1.0, "-", "s.d. of monthly discontent shocks"),
    "backlash": Param(
        1.0,
        0.0,
        50.0,
        "-",
        "discontent jump at a settlement per unit of the hardliners' utility loss",
    ),
    "backlash_decay": Param(0.03, 0.0, 1.0, "1/month", "rate post-settlement backlash fades"),
    "punishment": Param(
        100.0, 0.0, 10000.0, "utility-months", "K: what removal from office costs the leader"
    ),
    # ----- regime type x how the war ends (Goemans 2000; Chiozza & Goemans 2011) ---------
    # Used only when engine.roles.regime_type is set; absent, the mechanism above is unchanged.
    # The loss l of a settlement runs from 0 (terms at least as good, for the regime actor, as
    # the status quo it fights from) to 1 (the worst terms on every issue); 1/2 is the
    # "moderate loss" anchor, 1 the "disastrous loss" anchor; in between, linear.
    "removal_moderate_personalist": Param(
        0.05,
        0.0,
        1.0,
        "probability",
        "removal at a settlement that is a moderate loss, personalist regime (Goemans 2000: "
        "personalist rulers survive moderate defeats by repression and patronage)",
    ),
    "removal_disastrous_personalist": Param(
        0.5,
        0.0,
        1.0,
        "probability",
        "removal at a settlement that is a disastrous loss, personalist regime (Goemans 2000: "
        "removed mainly after disastrous defeats)",
    ),
    "removal_moderate_mixed": Param(
        0.4,
        0.0,
        1.0,
        "probability",
        "removal at a settlement that is a moderate loss, mixed regime (Goemans 2000: mixed "
        "regimes lose power after moderate and disastrous defeats alike)",
    ),
    "removal_disastrous_mixed": Param(
        0.5,
        0.0,
        1.0,
        "probability",
        "removal at a settlement that is a disastrous loss, mixed regime",
    ),
    "removal_moderate_democracy": Param(
        0.3,
        0.0,
        1.0,
        "probability",
        "removal at a settlement that is a moderate loss, democracy (Goemans 2000; Croco "
        "2011: voters remove leaders after lost wars)",
    ),
    "removal_disastrous_democracy": Param(
        0.4,
        0.0,
        1.0,
        "probability",
        "removal at a settlement that is a disastrous loss, democracy",
    ),
    "punishment_scale_democracy": Param(
        0.2,
        0.0,
        1.0,
        "share of K",
        "what removal costs a democratic leader, as a share of K, in war and after any "
        "settlement: office only, rarely exile, prison or death (Debs & Goemans 2010)",
    ),
    "punishment_scale_mixed_draw": Param(
        0.5,
        0.0,
        1.0,
        "share of K",
        "what removal costs a mixed-regime leader after a settlement that is no loss, as a share "
        "of K (1 after a moderate or disastrous loss and in war: Goemans 2000)",
    ),
    "settlement_rate": Param(
        0.0562,
        0.0,
        1.0,
        "1/month",
        "lambda: monthly probability that a deal is signed when the perceived zone of "
        "agreement is wide open (bargaining friction) at a war age of one year; the hazard is "
        "lambda ((a + t + 1/2) / 12)^(kappa - 1) Phi(G / sigma). Calibrated jointly with "
        "settlement_scale on the train split of the war cases (30 cases, one engine run each "
        "at 200 paths), 2026-12-03, by the log score of the actual settlement month: MLE "
        "0.0562, 95 % profile interval [0.0354, 0.0793], bootstrap 95 % [0.0316, 0.089]; "
        "summed log score -82.0 against -82.4 for the Weibull duration base rate on the same "
        "cases (-111.3 with the zone as an indicator, sigma 0): benchmarks/calibrate.py",
    ),
    "settlement_scale": Param(
        10.0,
        0.0,
        10.0,
        "utility/month",
        "sigma: scale of the veto players' private value components the analyst cannot see "
        "(Fearon 1995; Signorino 1999); a deal is signed at monthly rate lambda Phi(G / "
        "sigma), G the max-min perceived gap (0: the zone as an indicator, lambda 1[G > 0]). "
        "Calibrated with settlement_rate (same fit, 2026-12-03): the likelihood rises all the "
        "way to this bound (MLE at 10, the limit sigma -> infinity scores +0.02), 95 % profile "
        "interval [0.316, 10], bootstrap 95 % [0.158, 10]. With G between -0.17 and +0.31 on "
        "90 % of train path-months the hazard is then about lambda / 2 whatever the gap: on "
        "train the engine's perceived zone says nothing about when a war ends beyond a "
        "constant rate: benchmarks/calibrate.py",
    ),
    "duration_shape": Param(
        1.0,
        0.1,
        3.0,
        "-",
        "kappa: duration dependence of the settlement hazard, multiplied by ((a + t + 1/2) / "
        "12)^(kappa - 1) with a the war's age in months at the as-of date (engine.war_start); "
        "below 1 a war that has lasted is less likely to end next month (Bennett & Stam 1996; "
        "Fearon 2004); 1: no duration term (also without war_start). Calibrated with (lambda, "
        "sigma) refitted at each kappa (2026-12-03): MLE 0.7, 95 % profile interval [0.4, "
        "1.1], summed log score -81.0 against -82.0 at 1; not adopted: no 95 % gain over 1: "
        "benchmarks/calibrate.py",
    ),
    "breakdown_base": Param(
        0.0052,
        0.0,
        0.5,
        "1/month",
        "h0: monthly probability that a signed deal breaks down at reference terms (Fortna "
        "2003, 2004). Calibrated on the 18 deals of the train split of the war cases (2 broke "
        "within 12 months, 3 within 36), 2026-12-03, by maximum likelihood of their 'still "
        "held after 12 / 36 months' records (interval-censored, P(held 36) = (1 - h)^36): MLE "
        "0.0052, 95 % profile interval [0.00129, 0.0134]; the cases state no breakdown terms, "
        "so the fit is of h0 itself (the beta's stay each scenario's, from the literature): "
        "benchmarks/calibrate.py",
    ),
    "belief_strength": Param(
        12.0,
        0.0,
        600.0,
        "months",
        "n0: months of battlefield evidence an actor's prior optimism is worth (learning "
        "rate). Judgement; the train cases cannot tell: with (lambda, sigma) refitted at each, "
        "n0 = 3, 12, 48 score -82.1, -82.0, -82.0 (2026-12-03, benchmarks/calibrate.py)",
    ),
    "belief_noise": Param(
        0.01,
        0.0,
        1.0,
        "share/month",
        "s.d. of the front trend an actor reads from one month of fighting (fog of war)",
    ),
    # ----- side B ---------------------------------------------------------------------
    "ratification_penalty": Param(
        2.0, 0.0, 100.0, "utility", "utility side B's leaders lose per unit of held land ceded"
    ),
    "ratification_tolerance": Param(
        0.02, 0.0, 1.0, "share", "land beyond the line side B can cede without a veto"
    ),
    # ----- talks ----------------------------------------------------------------------
    "talks_relief": Param(
        0.3, 0.0, 1.0, "share", "share of sanctions, strikes and aid suspended while talks run"
    ),
    "talks_months": Param(6.0, 0.0, 60.0, "months", "how long talks run before they fail"),
}
