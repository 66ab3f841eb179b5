"""Validation of a scenario's ``engine`` section, with file:line:col locations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ._errors import ScenarioError

if TYPE_CHECKING:
    from ._scenario import Scenario
    from .engine._spec import EngineSpec


def validate_engine_section(sc: Scenario, *, tree: Any, file: str) -> EngineSpec:
    """Validate ``sc.engine``; raises ScenarioError naming the file, line and field."""
    from ._scenario import _clean_loc, _field_path, _message
    from ._yaml import locate
    from .engine._spec import EngineSpec, cross_check

    try:
        spec = EngineSpec.model_validate(sc.engine)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ("engine", *_clean_loc(err["loc"]))
        line, col = locate(tree, loc)
        raise ScenarioError(
            _message(err), file=file, line=line, col=col, field=_field_path(tree, loc)
        ) from None
    problems = cross_check(spec, set(sc.actor_ids), set(sc.issue_ids), {s.id for s in sc.sources})
    if problems:
        loc, msg = problems[0]
        line, col = locate(tree, loc)
        raise ScenarioError(msg, file=file, line=line, col=col, field=_field_path(tree, loc))
    return spec
