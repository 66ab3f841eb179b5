"""Helpers that change one premise of a scenario (for the claim tests)."""

from __future__ import annotations

from typing import Any

import ceasefire as cf
from ceasefire.scenario._scenario import scenario_from_dict


def edit(sc: cf.Scenario, fn: Any) -> cf.Scenario:
    """Apply ``fn`` to the scenario's plain data and validate the result again."""
    data = sc.model_dump(mode="python", exclude_none=True)
    fn(data)
    return scenario_from_dict(data, file=f"<{sc.id} edited>")


def set_parameters(sc: cf.Scenario, **values: float) -> cf.Scenario:
    def fn(data: dict[str, Any]) -> None:
        params = data["engine"].setdefault("parameters", {})
        for name, v in values.items():
            params[name] = {"value": v, "judgement": "premise test"}

    return edit(sc, fn)


def set_engine(sc: cf.Scenario, key: str, actor: str, value: float) -> cf.Scenario:
    def fn(data: dict[str, Any]) -> None:
        data["engine"].setdefault(key, {})[actor] = {"value": value, "judgement": "premise test"}

    return edit(sc, fn)


def drop_red_line(sc: cf.Scenario, actor: str, issue: str) -> cf.Scenario:
    def fn(data: dict[str, Any]) -> None:
        for a in data["actors"]:
            if a["id"] == actor:
                a["positions"][issue].pop("red_line", None)

    return edit(sc, fn)
