"""The ``engine`` section of a scenario: schema and cross-checks.

Example (the built-in scenario states every field with its provenance)::

    engine:
      roles: {side_a: russia, side_b: ukraine, regime: russia,
              hardliners: hardliners, ratifier: ukraine}
      horizon: {value: 36, judgement: "..."}
      discount: {value: 0.99, judgement: "..."}
      fronts:
        - {id: donetsk, issue: donetsk, kappa: {value: 0.1, judgement: "..."}}
      outcome:
        sanctions: {lever: sanctions, at_zero: 0.2, at_one: 0.0, judgement: "..."}
      levers:
        sanctions: {value: 0.5, source: {...}}
        aid: {value: 0.6, path: [[0, 0.6], [12, 0.45]], judgement: "..."}
      war_cost: {russia: {value: 0.05, judgement: "..."}}
      aid_cost: {usa: {value: 0.05, judgement: "..."}}
      lever_cost: {sanctions: {value: 1.0, judgement: "..."}}
      talks: {participants: [russia, ukraine, usa]}
      parameters:
        theta0: {value: 0.55, range: [0.5, 0.6], judgement: "..."}
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._errors import InputError
from ._levers import MAX_MONTH_FACTOR, lever_knots
from ._quantity import NonNegative, Positive, Quantity, SourceRef, Unit
from ._registry import LEVERS, MAX_HORIZON, MAX_PATH_MONTHS, MAX_PATHS, PARAMETERS

__all__ = [
    "REGIME_TYPES",
    "EngineSpec",
    "Front",
    "LeverBaseline",
    "OutcomeMap",
    "Roles",
    "Talks",
]

REGIME_TYPES = ("personalist", "mixed", "democracy")  # Goemans (2000)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class SideLeader(_Strict):
    """The other belligerent's leader as a second regime actor (docs/model.md §4.3.2)."""

    actor: str = Field(description="the belligerent whose leader can lose office (e.g. Ukraine)")
    regime_type: str = Field(
        description="personalist, mixed or democracy: how removal at a settlement and its cost "
        "depend on how the war ends for this actor (Goemans 2000; Chiozza & Goemans 2011)"
    )
    regime_type_basis: str = Field(
        description="where regime_type comes from: a dataset and its code, or a judgement"
    )
    punishment: float | None = Field(
        default=None,
        ge=0.0,
        le=10_000.0,
        description="K: what removal costs this leader, in utility-months (absent: the "
        "scenario's punishment parameter), scaled by the regime type's share",
    )
    war_removal: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="monthly probability that the leader loses office while the war goes on "
        "(elections as an option; 0 where wartime elections are suspended)",
    )
    war_removal_basis: str | None = Field(
        default=None, description="where war_removal comes from: a source or a judgement"
    )


class Roles(_Strict):
    side_a: str = Field(description="the side whose economy and regime are modelled (Russia)")
    side_b: str = Field(description="the other belligerent (Ukraine)")
    regime: str | None = Field(default=None, description="the actor whose leader can be removed")
    hardliners: str | None = Field(default=None, description="faction whose backlash counts")
    ratifier: str | None = Field(default=None, description="actor bound by ratification")
    regime_type: str | None = Field(
        default=None,
        description="the regime actor's regime type: personalist, mixed or democracy "
        "(Goemans 2000; Chiozza & Goemans 2011); sets how removal and its cost depend on how "
        "the war ends (absent: the regime mechanism without regime type)",
    )
    regime_type_basis: str | None = Field(
        default=None,
        description="where regime_type comes from: a dataset and its code for the year "
        "(e.g. Geddes, Wright & Frantz's Autocratic Regimes, Polity, V-Dem), or a judgement "
        "with its reason",
    )
    leader_b: SideLeader | None = Field(
        default=None,
        description="the other belligerent's leader as a second regime actor: removal at a "
        "settlement by regime type and how the war ends for it, and an optional wartime "
        "removal risk (elections)",
    )


class Front(_Strict):
    id: str
    issue: str = Field(description="the issue whose de facto value is this front's share")
    kappa: Positive = Field(description="monthly movement at full superiority")
    troops: NonNegative | None = Field(
        default=None, description="extra drift per unit of foreign troops (e.g. Kursk)"
    )
    weight: NonNegative | None = Field(
        default=None, description="weight of this front in setbacks (default 1)"
    )
    ratify: bool = Field(
        default=True,
        description="ceding land beyond this front's line needs the ratifier's ratification",
    )


class OutcomeMap(_Strict):
    """An issue whose de facto value during the war follows a lever linearly."""

    lever: str
    at_zero: float = Field(ge=0.0, le=1.0, description="issue value when the lever is 0")
    at_one: float = Field(ge=0.0, le=1.0, description="issue value when the lever is 1")
    source: SourceRef | None = None
    judgement: str | None = None


class LeverBaseline(Unit):
    """A lever's baseline: a constant ``value``, or a ``path`` of [month, value] knots."""

    path: list[list[float]] | None = Field(default=None, strict=False)

    @model_validator(mode="after")
    def _check_path(self) -> LeverBaseline:
        if self.path is not None:
            try:  # the one lever check (scenario/_levers.py); a baseline may date within a month
                lever_knots(self.path, where="path", whole_months=False)
            except InputError as exc:
                raise ValueError(exc.message) from None
        return self


class Belief(_Strict):
    """An actor's prior beliefs (contract 2 of the wave-2 plan).

    Any actor may state them; the engine uses those of ``side_a`` and ``side_b``,
    the two sides whose fronts it simulates (others are recorded).
    """

    optimism: Quantity = Field(
        description="perceived extra monthly drift of the fronts in this actor's favour "
        "(share/month)"
    )
    support_months: NonNegative | None = Field(
        default=None,
        description="months (from the as-of date) this belligerent expects the other side's "
        "outside support to last: it values fighting on as if the support_levers fell to 0 "
        "then, and learns from each month they go on after it (docs/model.md §4.6)",
    )
    support_levers: list[str] | None = Field(
        default=None,
        description="the levers that belief is about (absent: the other side's outside support, "
        "aid for side A's actor, foreign_troops for side B's)",
    )


class Talks(_Strict):
    participants: list[str] = Field(default_factory=list)


class EngineSpec(_Strict):
    roles: Roles
    horizon: Positive = Field(
        description="months T analysed and reported; each path is simulated for 2T months"
    )
    paths: int = Field(default=1000, ge=1, le=MAX_PATHS)
    discount: Unit = Field(description="monthly discount factor")
    fronts: list[Front] = Field(default_factory=list)
    outcome: dict[str, OutcomeMap] = Field(default_factory=dict)
    levers: dict[str, LeverBaseline] = Field(default_factory=dict)
    war_cost: dict[str, NonNegative] = Field(default_factory=dict)
    aid_cost: dict[str, NonNegative] = Field(default_factory=dict)
    lever_cost: dict[str, NonNegative] = Field(default_factory=dict)
    talks: Talks = Field(default_factory=Talks)
    parameters: dict[str, Quantity] = Field(default_factory=dict)
    beliefs: dict[str, Belief] = Field(default_factory=dict)
    breakdown: dict[str, Quantity] = Field(
        default_factory=dict,
        description="issue -> change in the log breakdown hazard of a signed deal per unit of "
        "the issue's value, centred at 0.5 (Fortna 2004; Powell 2006)",
    )
    war_start: str | None = Field(
        default=None,
        pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        description="month the war began, 'YYYY-MM' (known at the as-of date): the war's age "
        "enters the settlement hazard through duration_shape (absent: no duration term)",
    )
    war_start_basis: str | None = Field(
        default=None, description="where war_start comes from: a source or a dataset"
    )

    def param(self, name: str) -> float:
        q = self.parameters.get(name)
        return q.value if q is not None else PARAMETERS[name].default

    def param_range(self, name: str) -> tuple[float, float] | None:
        q = self.parameters.get(name)
        return q.range if q is not None else None

    @property
    def horizon_months(self) -> int:
        return round(self.horizon.value)


Loc = tuple[str | int, ...]


def cross_check(
    spec: EngineSpec, actor_ids: set[str], issue_ids: set[str], source_ids: set[str]
) -> list[tuple[Loc, str]]:
    """Problems that need the rest of the scenario: unknown ids, names, bounds."""
    out: list[tuple[Loc, str]] = []
    base: Loc = ("engine",)
    for role, actor in spec.roles.model_dump().items():
        if role in ("regime_type", "regime_type_basis", "leader_b"):
            continue
        if actor is not None and actor not in actor_ids:
            out.append(((*base, "roles", role), f"unknown actor {actor!r}"))
    if abs(spec.horizon.value - round(spec.horizon.value)) > 1e-9:
        out.append(((*base, "horizon", "value"), "must be a whole number of months"))
    elif spec.horizon.value > MAX_HORIZON:
        out.append(((*base, "horizon", "value"), f"must be at most {MAX_HORIZON} months"))
    elif spec.paths * round(spec.horizon.value) > MAX_PATH_MONTHS:
        out.append(
            ((*base, "paths"), f"paths x horizon must be at most {MAX_PATH_MONTHS:,} path-months")
        )
    seen: set[str] = set()
    for f, front in enumerate(spec.fronts):
        if front.id in seen:
            out.append(((*base, "fronts", f, "id"), f"duplicate id {front.id!r}"))
        seen.add(front.id)
        if front.issue not in issue_ids:
            out.append(((*base, "fronts", f, "issue"), f"unknown issue {front.issue!r}"))
        for name, fq, hi in (("kappa", front.kappa, 1.0), ("troops", front.troops, 1.0)):
            if fq is None:
                continue
            top = max([fq.value, *(fq.range or ())])
            if top > hi:
                out.append(
                    (
                        (*base, "fronts", f, name),
                        f"must lie in [0, {hi:g}] (share of the issue per month)",
                    )
                )
    front_issues = {fr.issue for fr in spec.fronts}
    for iid, om in spec.outcome.items():
        if iid not in issue_ids:
            out.append(((*base, "outcome", iid), f"unknown issue {iid!r}"))
        elif iid in front_issues:
            out.append(((*base, "outcome", iid), "issue already follows a front"))
        if om.lever not in LEVERS:
            out.append(
                (
                    (*base, "outcome", iid, "lever"),
                    f"unknown lever {om.lever!r} (levers: {', '.join(LEVERS)})",
                )
            )
    last_month = MAX_MONTH_FACTOR * spec.horizon.value
    for name, lever in spec.levers.items():
        if name not in LEVERS:
            out.append(
                ((*base, "levers", name), f"unknown lever {name!r} (levers: {', '.join(LEVERS)})")
            )
        elif lever.path and lever.path[-1][0] > last_month:
            out.append(
                (
                    (*base, "levers", name, "path"),
                    f"path: month {lever.path[-1][0]:g} lies beyond month {last_month:g} "
                    f"({MAX_MONTH_FACTOR} times the horizon)",
                )
            )
    for name in spec.lever_cost:
        if name not in LEVERS:
            out.append(((*base, "lever_cost", name), f"unknown lever {name!r}"))
    for key in ("war_cost", "aid_cost"):
        for actor in getattr(spec, key):
            if actor not in actor_ids:
                out.append(((*base, key, actor), f"unknown actor {actor!r}"))
    kinds = "personalist, mixed or democracy"
    if spec.roles.regime_type is not None and spec.roles.regime_type not in REGIME_TYPES:
        out.append(
            (
                (*base, "roles", "regime_type"),
                f"unknown regime type {spec.roles.regime_type!r} ({kinds})",
            )
        )
    if spec.roles.regime_type is not None and spec.roles.regime is None:
        out.append(((*base, "roles", "regime_type"), "regime_type needs a regime actor (regime)"))
    lb = spec.roles.leader_b
    if lb is not None:
        at: Loc = (*base, "roles", "leader_b")
        if lb.actor not in actor_ids:
            out.append(((*at, "actor"), f"unknown actor {lb.actor!r}"))
        elif lb.actor == spec.roles.regime:
            out.append(((*at, "actor"), f"{lb.actor!r} is already the regime actor (regime)"))
        elif lb.actor not in (spec.roles.side_a, spec.roles.side_b):
            out.append(
                (
                    (*at, "actor"),
                    f"must be a belligerent ({spec.roles.side_a!r} or {spec.roles.side_b!r})",
                )
            )
        if lb.regime_type not in REGIME_TYPES:
            out.append(((*at, "regime_type"), f"unknown regime type {lb.regime_type!r} ({kinds})"))
    for actor, belief in spec.beliefs.items():
        if actor not in actor_ids:
            out.append(((*base, "beliefs", actor), f"unknown actor {actor!r}"))
        for i, name in enumerate(belief.support_levers or []):
            if name not in LEVERS:
                out.append(
                    (
                        (*base, "beliefs", actor, "support_levers", i),
                        f"unknown lever {name!r} (levers: {', '.join(LEVERS)})",
                    )
                )
    for iid in spec.breakdown:
        if iid not in issue_ids:
            out.append(((*base, "breakdown", iid), f"unknown issue {iid!r}"))
    for i, actor in enumerate(spec.talks.participants):
        if actor not in actor_ids:
            out.append(((*base, "talks", "participants", i), f"unknown actor {actor!r}"))
    for name, q in spec.parameters.items():
        if name not in PARAMETERS:
            out.append(((*base, "parameters", name), f"unknown parameter {name!r}"))
            continue
        p = PARAMETERS[name]
        lo, hi = q.range if q.range is not None else (q.value, q.value)
        if not (p.lo <= q.value <= p.hi):
            out.append(
                (
                    (*base, "parameters", name, "value"),
                    f"{q.value:g} is out of range: must lie in [{p.lo:g}, {p.hi:g}]",
                )
            )
        elif lo < p.lo or hi > p.hi:
            out.append(
                (
                    (*base, "parameters", name, "range"),
                    f"range [{lo:g}, {hi:g}] must lie within [{p.lo:g}, {p.hi:g}]",
                )
            )
    quantities: list[tuple[Loc, Any]] = [
        (("horizon",), spec.horizon),
        (("discount",), spec.discount),
    ]
    quantities += [(("levers", k), v) for k, v in spec.levers.items()]
    quantities += [(("war_cost", k), v) for k, v in spec.war_cost.items()]
    quantities += [(("aid_cost", k), v) for k, v in spec.aid_cost.items()]
    quantities += [(("lever_cost", k), v) for k, v in spec.lever_cost.items()]
    quantities += [(("parameters", k), v) for k, v in spec.parameters.items()]
    for f, front in enumerate(spec.fronts):
        quantities += [(("fronts", f, "kappa"), front.kappa)]
    for loc, q in quantities:
        if isinstance(q, Quantity) and q.source is not None and q.source.ref not in source_ids:
            out.append(((*base, *loc, "source", "ref"), f"unknown source {q.source.ref!r}"))
    for iid, om in spec.outcome.items():
        if om.source is not None and om.source.ref not in source_ids:
            out.append(
                ((*base, "outcome", iid, "source", "ref"), f"unknown source {om.source.ref!r}")
            )
    return out


def engine_quantities(spec: EngineSpec) -> list[tuple[str, Quantity]]:
    """Every number of the engine section with its path (for provenance checks)."""
    out: list[tuple[str, Quantity]] = [
        ("engine.horizon", spec.horizon),
        ("engine.discount", spec.discount),
    ]
    for key in ("levers", "war_cost", "aid_cost", "lever_cost", "parameters"):
        for k, v in getattr(spec, key).items():
            out.append((f"engine.{key}.{k}", v))
    for k, b in spec.beliefs.items():
        out.append((f"engine.beliefs.{k}.optimism", b.optimism))
        if b.support_months is not None:
            out.append((f"engine.beliefs.{k}.support_months", b.support_months))
    for k, v in spec.breakdown.items():
        out.append((f"engine.breakdown.{k}", v))
    for fr in spec.fronts:
        out.append((f"engine.fronts[{fr.id}].kappa", fr.kappa))
        if fr.troops is not None:
            out.append((f"engine.fronts[{fr.id}].troops", fr.troops))
        if fr.weight is not None:
            out.append((f"engine.fronts[{fr.id}].weight", fr.weight))
    for iid, om in spec.outcome.items():
        q = Quantity(value=om.at_zero, source=om.source, judgement=om.judgement)
        out.append((f"engine.outcome.{iid}", q))
    return out
