"""Validation of a scenario's ``engine`` section (filled in by the engine module)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._scenario import Scenario


def validate_engine_section(sc: Scenario, *, tree: Any, file: str) -> None:
    """Validate ``sc.engine``; raises ScenarioError with a location."""
    return None
