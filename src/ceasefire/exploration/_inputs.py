"""The analyst's uncertain inputs: every quantity with a ``range`` in a scenario.

A *world* fixes each uncertain input at one value inside its stated range. Inputs
have stable names built from the scenario's structure, with ids in place of list
positions::

    issues.donetsk.status_quo            actors.russia.no_deal
    positions.russia.donetsk.ideal       positions.usa.nato.salience
    engine.parameters.punishment         engine.war_cost.ukraine
    engine.fronts.kursk.kappa            engine.beliefs.russia.optimism
    engine.levers.sanctions              (a lever baseline with a range)
    levers.sanctions                     (with ``vary_levers``: the lever held from
                                          month 0, anywhere in [0, 1])

``engine.horizon`` and ``engine.paths`` are run settings, not judgements, and the
proposals' terms are the plans under test: neither is ever an input.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._errors import InputError

if TYPE_CHECKING:
    from ..scenario._scenario import Scenario

__all__ = ["UncertainInput", "WorldBuilder", "apply_world", "uncertain_inputs"]

_SKIP_TOP = {"proposals", "sources"}
_SKIP_ENGINE = {"horizon", "paths"}
LEVER_PREFIX = "levers."


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: its stable name, bounds, stated value and provenance."""

    name: str
    lo: float
    hi: float
    value: float  # the scenario's stated (central) value
    provenance: str  # "source article ¶15: '...'" or "judgement: ..."
    path: tuple[str | int, ...]  # where the quantity sits in the scenario's plain data

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "lo": self.lo,
            "hi": self.hi,
            "value": self.value,
            "provenance": self.provenance,
        }


def _provenance(q: Mapping[str, Any]) -> str:
    src = q.get("source")
    if isinstance(src, Mapping):
        text = f"source {src.get('ref')}"
        if src.get("at"):
            text += f" {src['at']}"
        if src.get("quote"):
            text += f": '{src['quote']}'"
        return text
    if q.get("judgement"):
        return f"judgement: {q['judgement']}"
    return "no provenance stated"


def _name(path: tuple[str | int, ...], labels: list[str]) -> str:
    # actors.<actor>.positions.<issue>.<field> reads better as positions.<actor>.<issue>.<field>
    if len(labels) == 5 and labels[0] == "actors" and labels[2] == "positions":
        return ".".join(["positions", labels[1], labels[3], labels[4]])
    return ".".join(labels)


def _walk(
    node: Any,
    path: tuple[str | int, ...],
    labels: list[str],
    out: list[tuple[tuple[str | int, ...], list[str], Mapping[str, Any]]],
) -> None:
    if isinstance(node, Mapping):
        if "value" in node and "range" in node and isinstance(node.get("value"), int | float):
            out.append((path, labels, node))
            return
        for k, v in node.items():
            _walk(v, (*path, k), [*labels, str(k)], out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            label = v.get("id") if isinstance(v, Mapping) and isinstance(v.get("id"), str) else i
            _walk(v, (*path, i), [*labels, str(label)], out)


def _plain(sc: Scenario) -> dict[str, Any]:
    return sc.model_dump(mode="python", exclude_none=True)


def uncertain_inputs(sc: Scenario, *, vary_levers: bool = False) -> list[UncertainInput]:
    """Every quantity of ``sc`` with a non-degenerate ``range``, in the scenario's order.

    With ``vary_levers``, each engine lever is added as ``levers.<name>`` on [0, 1]
    (held constant from month 0; its stated value is the baseline at month 0).
    """
    data = _plain(sc)
    found: list[tuple[tuple[str | int, ...], list[str], Mapping[str, Any]]] = []
    for key, node in data.items():
        if key in _SKIP_TOP:
            continue
        if key == "engine" and isinstance(node, Mapping):
            for ek, ev in node.items():
                if ek not in _SKIP_ENGINE:
                    _walk(ev, ("engine", ek), ["engine", str(ek)], found)
        else:
            _walk(node, (key,), [str(key)], found)
    out: list[UncertainInput] = []
    for path, labels, q in found:
        lo, hi = (float(x) for x in q["range"])
        if hi > lo:
            out.append(
                UncertainInput(
                    name=_name(path, labels),
                    lo=lo,
                    hi=hi,
                    value=float(q["value"]),
                    provenance=_provenance(q),
                    path=path,
                )
            )
    if vary_levers:
        if sc.engine is None:
            raise InputError(f"scenario {sc.id!r} has no engine section: levers do not apply")
        from ..scenario._registry import LEVERS

        spec = sc.engine_spec
        for name in LEVERS:
            base = spec.levers.get(name)
            v0 = 0.0 if base is None else (base.path[0][1] if base.path else base.value)
            out.append(
                UncertainInput(
                    name=f"{LEVER_PREFIX}{name}",
                    lo=0.0,
                    hi=1.0,
                    value=float(v0),
                    provenance="policy lever: held constant from month 0 (explored)",
                    path=(),
                )
            )
    return out


def _set(data: Any, path: tuple[str | int, ...], value: float | None) -> None:
    node = data
    for key in path:
        node = node[key]
    if value is not None:
        node["value"] = value
    node.pop("range", None)


class WorldBuilder:
    """Builds the scenario of one world from a base scenario and its uncertain inputs."""

    def __init__(self, sc: Scenario, inputs: list[UncertainInput]) -> None:
        self.scenario = sc
        self.inputs = inputs
        self.by_name = {u.name: u for u in inputs}
        self.base = _plain(sc)
        found: list[tuple[tuple[str | int, ...], list[str], Mapping[str, Any]]] = []
        _walk(self.base, (), [], found)
        self.ranged = [p for p, _, _ in found if p and p[0] not in _SKIP_TOP]

    def __call__(self, values: Mapping[str, float]) -> tuple[Scenario, dict[str, float]]:
        """The world's scenario and the levers it holds from month 0.

        Every ranged quantity loses its range (a world is one set of judgements, so
        the Monte Carlo paths no longer draw it); those named in ``values`` take
        their value there, the others keep their stated value.
        """
        data = copy.deepcopy(self.base)
        levers: dict[str, float] = {}
        for name, v in values.items():
            u = self.by_name.get(name)
            if u is None:
                raise InputError(f"unknown uncertain input {name!r}")
            if name.startswith(LEVER_PREFIX):
                levers[name[len(LEVER_PREFIX) :]] = float(v)
            else:
                _set(data, u.path, float(v))
        for path in self.ranged:
            _set(data, path, None)
        changed = {str(p[0]) for p in self.ranged}
        if not changed:
            return self.scenario, levers
        return self.scenario.with_changes(**{k: data[k] for k in changed}), levers


def apply_world(
    sc: Scenario, inputs: list[UncertainInput], values: Mapping[str, float]
) -> tuple[Scenario, dict[str, float]]:
    """The scenario of one world (see :class:`WorldBuilder`) and its levers."""
    return WorldBuilder(sc, inputs)(values)
