"""The decisions model: one strict, versioned pydantic schema (unknown keys are errors), five kinds.

    version: 1
    decisions:
      - {kind: override, subject: S, attribute: A, value: V, by: jdoe, note: why, at: ..., until: ...}
      - {kind: resolve | dismiss, contradiction: C123, by, note}
      - {kind: pin, source: reuters, attribute: control (optional), reliability: 0.95, by, note}
      - {kind: copy, source: a, other: b, copying: confirm | reject, by, note}
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Self, Union

import pandas as pd
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

DECISIONS_VERSION = 1
KINDS = ("override", "resolve", "dismiss", "pin", "copy")
CSV_COLUMNS = ["kind", "subject", "attribute", "value", "contradiction", "source", "other", "reliability", "copying",
               "by", "note", "at", "until"]

NonEmpty = Annotated[str, Field(min_length=1)]


class _Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    by: NonEmpty = Field(description="who decided (required for every kind)")
    note: NonEmpty = Field(description="why (required for every kind)")
    at: AwareDatetime | None = Field(default=None, description="when recorded (ISO 8601 with zone)")
    until: AwareDatetime | None = Field(
        default=None, description="expiry: once --as-of is past it the decision no longer applies")

    @field_validator("by", "note", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        if isinstance(v, str) and not v.strip():
            raise ValueError("must not be blank")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.at is not None and self.until is not None and self.until <= self.at:
            raise ValueError("`until` must be later than `at`")
        return self

    def active(self, as_of: pd.Timestamp | None) -> bool:
        """In force at `as_of` (no expiry, or --as-of before `until`; without --as-of every decision applies)."""
        return self.until is None or as_of is None or as_of < pd.Timestamp(self.until)

    def stamp(self) -> str:
        return f"{self.by}: {self.note}"


class OverrideDecision(_Decision):
    """Force the verdict of one subject/attribute to a value, whatever the evidence."""

    kind: Literal["override"]
    subject: NonEmpty
    attribute: NonEmpty
    value: NonEmpty


class ResolveDecision(_Decision):
    """Mark a contradiction (its `id` in contradictions.csv) resolved."""

    kind: Literal["resolve"]
    contradiction: NonEmpty


class DismissDecision(_Decision):
    """Mark a contradiction as not a real conflict."""

    kind: Literal["dismiss"]
    contradiction: NonEmpty


class PinDecision(_Decision):
    """Fix a source's reliability (optionally for one attribute); not clamped by solver.reliability_bounds."""

    kind: Literal["pin"]
    source: NonEmpty
    attribute: NonEmpty | None = None
    reliability: float = Field(gt=0.0, lt=1.0, description="the reliability, strictly between 0 and 1")


class CopyDecision(_Decision):
    """Confirm that `source` copies `other` (or they copy each other), or reject a detected copy pair."""

    kind: Literal["copy"]
    source: NonEmpty
    other: NonEmpty
    copying: Literal["confirm", "reject"]

    @model_validator(mode="after")
    def _two_sources(self) -> Self:
        if self.source.casefold() == self.other.casefold():
            raise ValueError("`source` and `other` must be two different sources")
        return self


Decision = Annotated[Union[OverrideDecision, ResolveDecision, DismissDecision, PinDecision, CopyDecision],
                     Field(discriminator="kind")]
KIND_MODELS: dict[str, type[_Decision]] = {"override": OverrideDecision, "resolve": ResolveDecision,
                                           "dismiss": DismissDecision, "pin": PinDecision, "copy": CopyDecision}


class DecisionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = Field(description="decisions schema version")
    decisions: list[Decision] = []

    def of_kind(self, kind: str, as_of: pd.Timestamp | None = None) -> list[Any]:
        """Decisions of one kind in force at `as_of`, in file order (a later decision on the same key wins)."""
        return [d for d in self.decisions if d.kind == kind and d.active(as_of)]

    def expired(self, as_of: pd.Timestamp | None) -> list[Decision]:
        return [d for d in self.decisions if not d.active(as_of)]


def decision_record(decision: _Decision) -> dict[str, Any]:
    """A decision as plain data in the file's field order, without the fields not given."""
    data = decision.model_dump(mode="json", exclude_none=True)
    order = ["kind"] + [c for c in CSV_COLUMNS if c != "kind"]
    return {k: data[k] for k in order if k in data}

