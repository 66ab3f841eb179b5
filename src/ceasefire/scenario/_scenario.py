"""The scenario: a frozen, validated description of a negotiation.

A scenario names the actors, the issues in dispute (each a dimension on
[0, 1] with its anchors stated in words), every actor's ideal position,
salience and optional red line on every issue, the named proposals (peace
plans), and optionally the war/economy/regime engine's inputs. Every number
carries its provenance: a source reference (``source: {ref, at, quote}``) or
a ``judgement`` with a reason, and may carry an uncertainty ``range`` used by
Monte Carlo runs.

Scenarios are read from YAML with :func:`load`; errors name the file, the
line and column, and the field (``FILE:LINE:COL: <field>: <message>``).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping, Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
)

from .._errors import ScenarioError
from .._io import read_text
from ._engine import EngineSpec, cross_check, engine_quantities
from ._outcome import Outcome, month_index
from ._quantity import NonNegative, Positive, Quantity, SourceRef, Unit, Utility, _Strict
from ._yaml import load_yaml, locate

__all__ = [
    "Actor",
    "Issue",
    "Position",
    "Proposal",
    "Quantity",
    "Scenario",
    "Source",
    "SourceRef",
    "builtin_ids",
    "builtin_text",
    "load",
    "scenario_from_dict",
    "scenario_json_schema",
]

ActorKind = Literal["state", "leader", "faction", "bloc", "organisation"]
SourceKind = Literal["article", "dataset", "paper", "book", "report", "judgement", "other"]


class Source(_Strict):
    id: str
    title: str
    kind: SourceKind = "other"
    note: str | None = None


class Anchors(_Strict):
    """What the ends and the middle of an issue's [0, 1] scale mean, in words."""

    low: str = Field(description="what 0 means")
    mid: str = Field(description="what 0.5 means")
    high: str = Field(description="what 1 means")


class Issue(_Strict):
    id: str
    label: str
    anchors: Anchors
    status_quo: Unit = Field(description="the value now, without a deal")


class Position(_Strict):
    ideal: Unit
    salience: NonNegative
    red_line: Unit | None = Field(
        default=None,
        description="the furthest value from its ideal the actor can accept on this issue",
    )


class Actor(_Strict):
    id: str
    name: str
    kind: ActorKind
    parent: str | None = Field(default=None, description="the actor a faction belongs to")
    clout: Positive
    veto: bool = False
    risk: Positive | None = Field(default=None, description="risk exponent q in |z - x|^q")
    no_deal: Utility | None = Field(
        default=None,
        description=(
            "utility if talks fail (static reservation); default: utility of the status quo"
        ),
    )
    positions: dict[str, Position]


class Proposal(_Strict):
    id: str
    label: str
    sponsors: list[str] = Field(default_factory=list)
    values: dict[str, Unit] = Field(
        default_factory=dict, description="issue id -> value; unset issues stay at the status quo"
    )
    source: SourceRef | None = None
    judgement: str | None = None


class Scenario(_Strict):
    """A validated, immutable scenario. Load one with :func:`ceasefire.load`."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, ignored_types=(cached_property,), defer_build=True
    )

    id: str
    title: str
    as_of: _dt.date = Field(strict=False)
    description: str = ""
    sources: list[Source] = Field(default_factory=list)
    red_line_penalty: NonNegative | None = Field(
        default=None, description="utility lost when a settlement crosses a red line (default 1)"
    )
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    proposals: list[Proposal] = Field(default_factory=list)
    engine: EngineSpec | None = Field(
        default=None, description="inputs of the war/economy/regime engine (see docs/model.md)"
    )
    outcome: Outcome | None = Field(
        default=None,
        description="what happened after as_of (war cases only; no forecast reads it, "
        "see docs/validation.md)",
    )

    # ----- array views (actors x issues), computed once -------------------------------
    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]

    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

    @property
    def proposal_ids(self) -> list[str]:
        return [p.id for p in self.proposals]

    def _matrix(self, attr: str) -> NDArray[np.float64]:
        out = np.empty((len(self.actors), len(self.issues)))
        for a, actor in enumerate(self.actors):
            for k, issue in enumerate(self.issues):
                out[a, k] = getattr(actor.positions[issue.id], attr).value
        return out

    @cached_property
    def ideal(self) -> NDArray[np.float64]:
        """Ideal points, shape (actors, issues)."""
        return self._matrix("ideal")

    @cached_property
    def salience_raw(self) -> NDArray[np.float64]:
        return self._matrix("salience")

    @cached_property
    def salience(self) -> NDArray[np.float64]:
        """Saliences normalised to sum to one per actor, shape (actors, issues)."""
        s = self.salience_raw
        return s / s.sum(axis=1, keepdims=True)

    @cached_property
    def clout(self) -> NDArray[np.float64]:
        return np.array([a.clout.value for a in self.actors])

    @cached_property
    def veto(self) -> NDArray[np.bool_]:
        return np.array([a.veto for a in self.actors])

    @cached_property
    def risk(self) -> NDArray[np.float64]:
        return np.array([a.risk.value if a.risk is not None else 1.0 for a in self.actors])

    @cached_property
    def red_line(self) -> NDArray[np.float64]:
        """Red lines, shape (actors, issues); NaN where none is stated."""
        out = np.full((len(self.actors), len(self.issues)), np.nan)
        for a, actor in enumerate(self.actors):
            for k, issue in enumerate(self.issues):
                rl = actor.positions[issue.id].red_line
                if rl is not None:
                    out[a, k] = rl.value
        return out

    @cached_property
    def status_quo(self) -> NDArray[np.float64]:
        return np.array([i.status_quo.value for i in self.issues])

    @property
    def penalty(self) -> float:
        return self.red_line_penalty.value if self.red_line_penalty is not None else 1.0

    def proposal_vector(self, proposal: Proposal | str) -> NDArray[np.float64]:
        """The proposal as a point in the issue box; unset issues take the status quo."""
        p = self.proposal(proposal) if isinstance(proposal, str) else proposal
        z = self.status_quo.copy()
        for k, iid in enumerate(self.issue_ids):
            if iid in p.values:
                z[k] = p.values[iid].value
        return z

    @cached_property
    def proposal_matrix(self) -> NDArray[np.float64]:
        """All proposals, shape (proposals, issues)."""
        if not self.proposals:
            return np.empty((0, len(self.issues)))
        return np.stack([self.proposal_vector(p) for p in self.proposals])

    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(f"no actor {actor_id!r} in scenario {self.id!r}")

    def actor_index(self, actor_id: str) -> int:
        return self.actor_ids.index(actor_id)

    def proposal(self, proposal_id: str) -> Proposal:
        for p in self.proposals:
            if p.id == proposal_id:
                return p
        raise KeyError(f"no proposal {proposal_id!r} in scenario {self.id!r}")

    def quantities(self) -> list[tuple[str, Quantity]]:
        """Every number in the scenario with its field path (for provenance checks)."""
        found: list[tuple[str, Quantity]] = []

        def walk(obj: Any, path: str) -> None:
            if isinstance(obj, Quantity):
                found.append((path, obj))
            elif isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    walk(getattr(obj, name), f"{path}.{name}" if path else name)
            elif isinstance(obj, Mapping):
                for k, v in obj.items():
                    walk(v, f"{path}.{k}")
            elif isinstance(obj, list | tuple):
                for i, v in enumerate(obj):
                    key = getattr(v, "id", i)
                    walk(v, f"{path}[{key}]")

        for name in type(self).model_fields:
            if name != "engine":
                walk(getattr(self, name), name)
        if self.engine is not None:
            found.extend(engine_quantities(self.engine))
        return found

    @property
    def engine_spec(self) -> EngineSpec:
        """The typed ``engine`` section, validated with the scenario (raises if there is
        none): the same object as ``engine``."""
        if self.engine is None:
            raise ScenarioError(f"scenario {self.id!r} has no engine section")
        return self.engine

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        data = self.model_dump(mode="python", exclude_none=True)
        data.update(changes)
        return scenario_from_dict(data, file=f"<{self.id}>")


# ---------------------------------------------------------------------------------------
# Cross-reference checks (ids unique, references resolve, positions complete)
# ---------------------------------------------------------------------------------------

Loc = tuple[str | int, ...]


def _cross_check(sc: Scenario) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []

    def dupes(kind: str, items: Sequence[Any]) -> set[str]:
        seen: set[str] = set()
        ids: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(((kind, i, "id"), f"duplicate id {item.id!r}"))
            seen.add(item.id)
            ids.add(item.id)
        return ids

    source_ids = dupes("sources", sc.sources)
    issue_ids = dupes("issues", sc.issues)
    actor_ids = dupes("actors", sc.actors)
    dupes("proposals", sc.proposals)

    def check_ref(ref: SourceRef | None, loc: Loc) -> None:
        if ref is not None and ref.ref not in source_ids:
            problems.append(((*loc, "ref"), f"unknown source {ref.ref!r}"))

    def check_q(q: Quantity | None, loc: Loc) -> None:
        if q is not None:
            check_ref(q.source, (*loc, "source"))

    if sc.red_line_penalty is not None:
        check_q(sc.red_line_penalty, ("red_line_penalty",))
    for i, issue in enumerate(sc.issues):
        check_q(issue.status_quo, ("issues", i, "status_quo"))
    for a, actor in enumerate(sc.actors):
        loc: Loc = ("actors", a)
        if actor.parent is not None:
            if actor.parent not in actor_ids:
                problems.append(((*loc, "parent"), f"unknown actor {actor.parent!r}"))
            elif actor.parent == actor.id:
                problems.append(((*loc, "parent"), "an actor cannot be its own parent"))
        for name in ("clout", "risk", "no_deal"):
            check_q(getattr(actor, name), (*loc, name))
        for iid, pos in actor.positions.items():
            ploc: Loc = (*loc, "positions", iid)
            if iid not in issue_ids:
                problems.append((ploc, f"unknown issue {iid!r}"))
                continue
            for name in ("ideal", "salience", "red_line"):
                check_q(getattr(pos, name), (*ploc, name))
        missing = [i for i in sc.issue_ids if i not in actor.positions]
        if missing:
            problems.append(((*loc, "positions"), f"no position on issue(s) {', '.join(missing)}"))
        elif sum(actor.positions[i].salience.value for i in sc.issue_ids) <= 0:
            problems.append(
                ((*loc, "positions"), "saliences sum to zero: at least one must be > 0")
            )
    parents = {a.id: a.parent for a in sc.actors if a.parent is not None}
    for a, actor in enumerate(sc.actors):
        chain = _chain(parents, actor.id)
        if actor.parent != actor.id and chain and chain[-1] == actor.id:
            problems.append(
                (
                    ("actors", a, "parent"),
                    "factions' parents form a cycle: " + " -> ".join([actor.id, *chain]),
                )
            )
    if len(sc.actors) < 2:
        problems.append((("actors",), "a scenario needs at least two actors"))
    elif sc.engine is not None and not any(a.veto for a in sc.actors):
        problems.append((("actors",), "the engine needs at least one veto player (veto: true)"))
    for i, issue in enumerate(sc.issues):
        if sc.actors and all(
            issue.id in actor.positions and actor.positions[issue.id].salience.value <= 0
            for actor in sc.actors
        ):
            problems.append(
                (
                    ("issues", i),
                    "every actor's salience on this issue is 0: nobody bargains over it",
                )
            )
    for p, prop in enumerate(sc.proposals):
        loc = ("proposals", p)
        for s, sponsor in enumerate(prop.sponsors):
            if sponsor not in actor_ids:
                problems.append(((*loc, "sponsors", s), f"unknown actor {sponsor!r}"))
        for iid, q in prop.values.items():
            if iid not in issue_ids:
                problems.append(((*loc, "values", iid), f"unknown issue {iid!r}"))
            else:
                check_q(q, (*loc, "values", iid))
        check_ref(prop.source, (*loc, "source"))
    as_of = f"{sc.as_of.year:04d}-{sc.as_of.month:02d}"
    if sc.engine is not None and sc.engine.war_start is not None:
        if month_index(sc.engine.war_start) > month_index(as_of):
            problems.append(
                (
                    ("engine", "war_start"),
                    f"war_start {sc.engine.war_start} is after as_of {sc.as_of.isoformat()}",
                )
            )
    if sc.outcome is not None:
        if not sc.outcome.origin_matches(sc.as_of):
            problems.append(
                (
                    ("outcome", "origin"),
                    f"origin {sc.outcome.origin} is not the month of as_of {sc.as_of.isoformat()}",
                )
            )
        for iid in sc.outcome.terms:
            if iid not in issue_ids:
                problems.append((("outcome", "terms", iid), f"unknown issue {iid!r}"))
    return problems


def _chain(parents: dict[str, str], start: str) -> list[str]:
    """The parent chain from ``start`` up to and including the first repeated actor."""
    out: list[str] = []
    seen = {start}
    up = parents.get(start)
    while up is not None:
        out.append(up)
        if up in seen:
            break
        seen.add(up)
        up = parents.get(up)
    return out


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def _field_path(tree: Any, loc: Sequence[str | int]) -> str:
    """Render a pydantic loc as ``actors[russia].positions.donetsk.ideal``."""
    out = ""
    node = tree
    for key in loc:
        if isinstance(key, int):
            label: str | int = key
            if isinstance(node, list) and 0 <= key < len(node):
                item = node[key]
                if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                    label = item["id"]
                node = item
            else:
                node = None
            out += f"[{label}]"
        else:
            if key == "value" and isinstance(node, int | float) and not isinstance(node, bool):
                break  # a bare number in the file: it has no `value` key to name
            out += f".{key}" if out else str(key)
            node = node.get(key) if isinstance(node, Mapping) else None
    return out


_NOISE = ("function-after[", "function-before[", "function-wrap[")
_QUANTITY_CLASSES = {"Quantity", "Unit", "Positive", "NonNegative", "Utility"}


def _clean_loc(loc: Sequence[str | int]) -> tuple[str | int, ...]:
    return tuple(k for k in loc if not (isinstance(k, str) and k.startswith(_NOISE)))


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    inp = err.get("input")
    if kind == "model_type" and err.get("ctx", {}).get("class_name") in _QUANTITY_CLASSES:
        return f"expected a number or a mapping {{value, source or judgement}} (got {inp!r})"
    if kind in {
        "float_type",
        "int_type",
        "string_type",
        "bool_type",
        "dict_type",
        "list_type",
        "model_type",
        "date_type",
        "date_from_datetime_parsing",
        "literal_error",
        "tuple_type",
        "date_parsing",
    } and not isinstance(inp, Mapping | list):
        msg += f" (got {inp!r})"
    return msg


def scenario_from_dict(data: Any, *, file: str = "<scenario>", tree: Any = None) -> Scenario:
    """Validate a plain mapping (or a ruamel tree) into a :class:`Scenario`.

    Raises :class:`ScenarioError` naming the file, line, column and field of the
    first problem.
    """
    tree = data if tree is None else tree
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"a scenario must be a mapping of fields, got {type(data).__name__}",
            file=file,
            line=1,
            col=1,
        )
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # Prefer the deepest located error: it names the most specific field.
        err = errors[0]
        loc = _clean_loc(err["loc"])
        message = _message(err)
        if "range" in loc and (
            loc[-1] != "range" or err["type"] in ("too_long", "too_short", "tuple_type")
        ):
            # a malformed [low, high] pair: name the range, not an item of it
            loc = loc[: loc.index("range") + 1]
            message = "range must be two numbers [low, high]"
        line, col = locate(tree, loc)
        raise ScenarioError(
            message, file=file, line=line, col=col, field=_field_path(tree, loc)
        ) from None
    problems = _cross_check(sc)
    if problems:
        loc, msg = problems[0]
        line, col = locate(tree, loc)
        raise ScenarioError(msg, file=file, line=line, col=col, field=_field_path(tree, loc))
    if sc.engine is not None:
        _check_engine_references(sc, tree=tree, file=file)
    return sc


def _check_engine_references(sc: Scenario, *, tree: Any, file: str) -> None:
    """The engine section's references to the rest of the scenario (its fields were
    validated with the scenario); raises ScenarioError naming the file, line and field."""
    assert sc.engine is not None
    problems = cross_check(
        sc.engine, set(sc.actor_ids), set(sc.issue_ids), {s.id for s in sc.sources}
    )
    if problems:
        loc, msg = problems[0]
        line, col = locate(tree, loc)
        raise ScenarioError(msg, file=file, line=line, col=col, field=_field_path(tree, loc))


_BUILTIN_PACKAGE = "ceasefire.scenarios"


def builtin_ids() -> list[str]:
    """Ids of the scenarios that ship with ceasefire."""
    root = resources.files(_BUILTIN_PACKAGE)
    return sorted(p.name[: -len(".yaml")] for p in root.iterdir() if p.name.endswith(".yaml"))


def builtin_text(scenario_id: str) -> str:
    if scenario_id not in builtin_ids():
        known = ", ".join(builtin_ids())
        raise ScenarioError(f"no built-in scenario {scenario_id!r} (built-ins: {known})")
    return (resources.files(_BUILTIN_PACKAGE) / f"{scenario_id}.yaml").read_text(encoding="utf-8")


def loads(text: str, *, file: str = "<string>") -> Scenario:
    """Parse and validate scenario YAML text."""
    tree = load_yaml(text, file=file)
    plain = _to_plain(tree)
    return scenario_from_dict(plain, file=file, tree=tree)


def _to_plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {str(k) if not isinstance(k, str) else k: _to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_to_plain(v) for v in node]
    if isinstance(node, _dt.datetime):
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


_CASES_PACKAGE = "ceasefire.validation.cases"


def _load_case(case_id: str) -> Scenario:
    root = resources.files(_CASES_PACKAGE)
    ids = sorted(
        p.name[: -len(".yaml")]
        for p in root.iterdir()
        if p.name.endswith(".yaml") and not p.name.endswith(".levers.yaml")
    )
    if case_id not in ids:
        raise ScenarioError(f"no war case {case_id!r} (cases: {', '.join(ids) or 'none yet'})")
    text = (root / f"{case_id}.yaml").read_text(encoding="utf-8")
    return loads(text, file=f"<case:{case_id}>")


def load(source: str | Path) -> Scenario:
    """Load a scenario by built-in id (``"russia-ukraine-2024"``), from a YAML file path, or a
    historical war case by ``"case:<case_id>"`` (its scenario, outcome block included)."""
    if isinstance(source, str) and source.startswith("case:"):
        return _load_case(source[len("case:") :])
    if isinstance(source, str) and source in builtin_ids():
        return loads(builtin_text(source), file=f"<builtin:{source}>")
    path = Path(source)
    if not os.path.lexists(path):
        if isinstance(source, str) and not source.endswith((".yaml", ".yml")) and "/" not in source:
            known = ", ".join(builtin_ids())
            raise ScenarioError(
                f"no built-in scenario or file named {source!r} (built-ins: {known})"
            )
        raise ScenarioError("file not found", file=str(source))
    return loads(read_text(path, what="scenario file"), file=str(source))


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ceasefire scenario"
    return schema
