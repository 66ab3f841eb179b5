"""``with_parameters``: change premises of a scenario by name, validated like a file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import InputError
from ._registry import LEVERS, PARAMETERS
from ._scenario import Scenario, scenario_from_dict

__all__ = ["with_parameters"]

_JUDGEMENT = "set with ceasefire.with_parameters"
_POSITION_FIELDS = ("ideal", "salience", "red_line")
_ENGINE_MAPS = ("war_cost", "aid_cost", "lever_cost")
_ENGINE_SCALARS = ("horizon", "discount")
_ENGINE_BELIEFS = ("optimism", "support_months")


def _quantity(value: Any) -> Any:
    """A bare number gets a judgement (so provenance checks pass); a mapping is kept."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"expected a number or a mapping {{value, judgement}}, got {value!r}")
    return {"value": float(value), "judgement": _JUDGEMENT}


def _mapping(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"{name}: expected a mapping, got {type(value).__name__}")
    return value


def _engine(data: dict[str, Any], name: str, scenario: Scenario) -> dict[str, Any]:
    """The scenario's engine section (as data), or an error naming the change."""
    if "engine" not in data:
        raise InputError(f"{name}: scenario {scenario.id!r} has no engine section")
    engine: dict[str, Any] = data["engine"]
    return engine


def with_parameters(scenario: Scenario, **changes: Any) -> Scenario:
    """A copy of ``scenario`` with premises changed by name, validated again.

    Each keyword is one of:

    - an engine parameter (``punishment=0.0``; see ``docs/model.md`` for the list);
    - a lever's baseline (``sanctions=0.8``, held from month 0);
    - ``horizon=``, ``discount=``, ``paths=`` of the engine section;
    - ``war_cost=``, ``aid_cost=``, ``lever_cost=``: ``{actor or lever: value}``;
    - ``optimism=``, ``support_months=``: ``{belligerent: value}`` (its beliefs; a
      ``support_months`` of None removes that belief);
    - ``breakdown=``: ``{issue: value}`` (a deal's breakdown-hazard terms);
    - ``regime_type=``: ``"personalist"``, ``"mixed"``, ``"democracy"`` or None (the regime
      actor's regime type; None removes it);
    - ``leader_b=``: the other belligerent's leader as a second regime actor, a mapping
      ``{actor, regime_type, regime_type_basis, punishment, war_removal}`` as in a scenario
      file's ``engine.roles.leader_b`` (None removes it);
    - ``ideal=``, ``salience=``, ``red_line=``: ``{actor: {issue: value}}``, where a
      ``red_line`` of None removes that red line.

    A value is a number (recorded with the judgement "set with ceasefire.with_parameters")
    or a mapping ``{value, judgement}`` / ``{value, source: {ref, ...}}``. The result is
    checked exactly as a scenario file is: a bad value raises :class:`ScenarioError`
    naming the field, an unknown name :class:`InputError`.

    >>> sc = cf.with_parameters(cf.load("russia-ukraine-2024"), punishment=0.0, sanctions=0.8)
    """
    data = scenario.model_dump(mode="python", exclude_none=True)
    engine_names = {
        *PARAMETERS,
        *LEVERS,
        *_ENGINE_MAPS,
        *_ENGINE_SCALARS,
        *_ENGINE_BELIEFS,
        "breakdown",
        "paths",
    }
    for name, value in changes.items():
        if name in _POSITION_FIELDS:
            actors = {a["id"]: a for a in data["actors"]}
            for actor, issues in _mapping(name, value).items():
                if actor not in actors:
                    raise InputError(f"{name}: unknown actor {actor!r} in {scenario.id!r}")
                positions = actors[actor]["positions"]
                for issue, v in _mapping(f"{name}.{actor}", issues).items():
                    if issue not in positions:
                        raise InputError(f"{name}.{actor}: unknown issue {issue!r}")
                    if v is None and name == "red_line":
                        positions[issue].pop("red_line", None)
                    else:
                        positions[issue][name] = _quantity(v)
            continue
        if name in ("regime_type", "leader_b"):
            roles = _engine(data, name, scenario)["roles"]
            if value is None:
                roles.pop(name, None)
                roles.pop(f"{name}_basis", None)
            elif name == "regime_type":
                roles["regime_type"] = value
                roles["regime_type_basis"] = _JUDGEMENT
            else:
                roles["leader_b"] = {"regime_type_basis": _JUDGEMENT, **_mapping(name, value)}
            continue
        if name not in engine_names:
            known = ", ".join([*_POSITION_FIELDS, *_ENGINE_SCALARS, "paths", *_ENGINE_MAPS])
            raise InputError(
                f"unknown premise {name!r}: give an engine parameter, a lever or one of {known}"
            )
        engine = _engine(data, name, scenario)
        if name in PARAMETERS:
            engine.setdefault("parameters", {})[name] = _quantity(value)
        elif name in LEVERS:
            engine.setdefault("levers", {})[name] = _quantity(value)
        elif name in _ENGINE_BELIEFS:
            beliefs = engine.setdefault("beliefs", {})
            for actor, v in _mapping(name, value).items():
                entry = beliefs.setdefault(actor, {"optimism": _quantity(0.0)})
                if v is None and name == "support_months":
                    entry.pop(name, None)
                else:
                    entry[name] = _quantity(v)
        elif name == "breakdown" or name in _ENGINE_MAPS:
            section = engine.setdefault(name, {})
            for key, v in _mapping(name, value).items():
                section[key] = _quantity(v)
        elif name == "paths":
            engine["paths"] = value
        else:
            engine[name] = _quantity(value)
    return scenario_from_dict(data, file=f"<{scenario.id} with_parameters>")
