"""The ``outcome`` block of a war case: what happened after the forecast origin.

A historical war case (``ceasefire.validation`` cases, docs/validation.md) is a scenario
encoded as of a forecast origin plus this record of what came after. It is read only by
the scoring harness (``ceasefire bench wars``): the engine, the bargaining models and
:func:`ceasefire.analyze` never read it, and a test strips every outcome block and
checks that every forecast is byte-identical.

    outcome:
      origin: "1951-07"          # forecast origin month (= the scenario's as_of month)
      window_months: 36          # months after the origin over which the case is scored
      actual_month: 24           # months from origin to the first ceasefire/settlement or the
                                 # victory; null iff ended_by is none (nothing in the window)
      ended_by: settlement       # settlement | ceasefire | victory | none
      victor: null               # side_a | side_b for a victory, else null
      terms: {issue_id: 0.5}     # realised terms on each issue's [0, 1] scale ({} if none)
      held: {m12: true, m36: true, m60: false}   # whether the deal still held; null if no deal
      war_start: "1950-06"       # month the war began (known at the origin)
      note: "one or two sentences with the sources' refs"
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["Held", "Outcome", "month_index", "month_label"]

EndedBy = Literal["settlement", "ceasefire", "victory", "none"]
NEGOTIATED: frozenset[str] = frozenset({"settlement", "ceasefire"})
"""The endings that count as a negotiated end (the event the timing scores forecast)."""

MIN_WINDOW = 12
"""A case is scored over at least 12 months (the Brier score of 'settled within 12')."""

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_index(month: str) -> int:
    """'YYYY-MM' -> months since year 0 (differences are month counts)."""
    m = _MONTH.match(month)
    if m is None:
        raise ValueError(f"expected a month 'YYYY-MM', got {month!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_label(origin: str, months_after: int) -> str:
    """The calendar month ``months_after`` months after ``origin`` ('YYYY-MM')."""
    y, m = divmod(month_index(origin) + months_after, 12)
    return f"{y:04d}-{m + 1:02d}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Held(_Strict):
    """Whether the deal still held 12, 36 and 60 months after it was reached (null: unknown)."""

    m12: bool | None = None
    m36: bool | None = None
    m60: bool | None = None

    @model_validator(mode="after")
    def _monotone(self) -> Held:
        seq = [self.m12, self.m36, self.m60]
        known = [x for x in seq if x is not None]
        if any(a is False and b is True for a, b in itertools.pairwise(known)):
            raise ValueError("a deal that had broken cannot hold again later (m12 <= m36 <= m60)")
        return self


class Outcome(_Strict):
    """What happened after the forecast origin (never read by any forecast)."""

    origin: str = Field(description="forecast origin month 'YYYY-MM' (the as_of month)")
    window_months: int = Field(description="months after the origin over which it is scored")
    actual_month: int | None = Field(
        description="months from the origin to the first ceasefire/settlement or the victory; "
        "null iff ended_by is none"
    )
    ended_by: EndedBy
    victor: Literal["side_a", "side_b"] | None = None
    terms: dict[str, float] = Field(
        default_factory=dict, description="realised terms per issue id on [0, 1]"
    )
    held: Held | None = Field(default=None, description="null if there was no deal")
    war_start: str = Field(description="month the war began 'YYYY-MM'")
    note: str = ""

    @field_validator("origin", "war_start")
    @classmethod
    def _month(cls, v: str) -> str:
        month_index(v)
        return v

    @field_validator("window_months")
    @classmethod
    def _window(cls, v: int) -> int:
        if v < MIN_WINDOW:
            raise ValueError(f"must be >= {MIN_WINDOW} months, got {v}")
        return v

    @field_validator("terms")
    @classmethod
    def _terms(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not 0.0 <= x <= 1.0:
                raise ValueError(f"terms.{k}: {x:g} must lie in [0, 1]")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        if self.actual_month is not None and not 0 <= self.actual_month < self.window_months:
            raise ValueError(
                f"actual_month {self.actual_month} must lie in 0..{self.window_months - 1} "
                "(an end after the window is ended_by: none, actual_month: null)"
            )
        if (self.actual_month is None) != (self.ended_by == "none"):
            raise ValueError("actual_month is null exactly when ended_by is none")
        if (self.victor is not None) != (self.ended_by == "victory"):
            raise ValueError("victor is set exactly when ended_by is victory")
        if self.ended_by == "none" and self.held is not None:
            raise ValueError("held must be null when nothing ended within the window")
        if self.war_age_months < 0:
            raise ValueError(f"war_start {self.war_start} is after the origin {self.origin}")
        return self

    # ----- derived ------------------------------------------------------------------
    @property
    def negotiated(self) -> bool:
        """A settlement or ceasefire within the window (the event the timing scores forecast)."""
        return self.ended_by in NEGOTIATED

    @property
    def war_age_months(self) -> int:
        """The war's age at the origin, in months."""
        return month_index(self.origin) - month_index(self.war_start)

    def origin_matches(self, as_of: _dt.date) -> bool:
        return self.origin == f"{as_of.year:04d}-{as_of.month:02d}"
