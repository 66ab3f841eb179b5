"""Numbers with provenance: ``{value, source: {ref, at, quote}}`` or ``{value, judgement}``.

The leaf of the scenario format: the scenario and its engine section both build on
these types, and this module imports nothing else of ceasefire.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["NonNegative", "Positive", "Quantity", "SourceRef", "Unit", "Utility"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class SourceRef(_Strict):
    """Where a number comes from: a source id, a place in it, a short quote."""

    ref: str = Field(description="id of an entry in the scenario's `sources`")
    at: str | None = Field(default=None, description='place in the source, e.g. "¶5" or "Table 1"')
    quote: str | None = Field(default=None, description="a few words from the source")


class Quantity(_Strict):
    """A number with provenance: ``{value, source: {ref, at, quote}}`` or ``{value, judgement}``.

    A bare number is accepted and recorded as having no provenance;
    ``ceasefire validate`` counts such numbers, and the built-in scenarios
    have none.
    """

    value: float
    source: SourceRef | None = None
    judgement: str | None = Field(default=None, description="the reason, when no source speaks")
    range: tuple[float, float] | None = Field(
        default=None,
        strict=False,
        description="uncertainty range [low, high] for Monte Carlo draws",
    )

    lo_bound: ClassVar[float] = -math.inf
    hi_bound: ClassVar[float] = math.inf
    lo_open: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            return data  # let pydantic reject it
        if isinstance(data, int | float):
            return {"value": float(data)}
        return data

    @field_validator("value")
    @classmethod
    def _in_bounds(cls, v: float) -> float:
        lo, hi, lo_open = cls.lo_bound, cls.hi_bound, cls.lo_open
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        if v < lo or v > hi or (lo_open and v == lo):
            raise ValueError(f"{v:g} is out of range: {_bounds_text(lo, hi, lo_open)}")
        return v

    @field_validator("range")
    @classmethod
    def _range_ordered(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is None:
            return v
        lo, hi = v
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError("range must hold two finite numbers [low, high]")
        if lo > hi:
            raise ValueError(f"range [{lo:g}, {hi:g}] has low above high")
        if lo < cls.lo_bound or hi > cls.hi_bound:
            bounds = _bounds_text(cls.lo_bound, cls.hi_bound, False)
            raise ValueError(f"range [{lo:g}, {hi:g}] is out of bounds: {bounds}")
        return v

    @model_validator(mode="after")
    def _check_range(self) -> Quantity:
        if self.range is not None:
            lo, hi = self.range
            if not (lo <= self.value <= hi):
                raise ValueError(f"value {self.value:g} lies outside its range [{lo:g}, {hi:g}]")
        if self.source is not None and self.judgement is not None:
            raise ValueError("give either a source or a judgement, not both")
        return self

    @property
    def has_provenance(self) -> bool:
        return self.source is not None or bool(self.judgement and self.judgement.strip())


def _bounds_text(lo: float, hi: float, lo_open: bool) -> str:
    if math.isinf(hi):
        return f"must be {'>' if lo_open else '>='} {lo:g}"
    if math.isinf(lo):
        return f"must be <= {hi:g}"
    return f"must lie in {'(' if lo_open else '['}{lo:g}, {hi:g}]"


class Unit(Quantity):
    """A quantity on [0, 1]."""

    lo_bound: ClassVar[float] = 0.0
    hi_bound: ClassVar[float] = 1.0


class Positive(Quantity):
    """A quantity > 0."""

    lo_bound: ClassVar[float] = 0.0
    lo_open: ClassVar[bool] = True


class NonNegative(Quantity):
    """A quantity >= 0."""

    lo_bound: ClassVar[float] = 0.0


class Utility(Quantity):
    """A utility, at most 1 (the utility of one's ideal point)."""

    hi_bound: ClassVar[float] = 1.0
