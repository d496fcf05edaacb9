"""The rules model: one strict, versioned schema for everything a user tunes in YAML.

Unknown keys are errors everywhere (`extra="forbid"`). The JSON Schema for editors is generated from these
classes (`reconcile schema`), never written by hand.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from ..extract.model import ExtractRules

RULES_VERSION = 1

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def _parse_duration(value: Any) -> Any:
    """'12h', '30 min', '7d', '2w' or a number of seconds -> seconds (float)."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as '12h', '30m', '7d' or a number of seconds")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    raise ValueError("expected a duration such as '12h', '30m', '7d' or a number of seconds")


# What an editor sees: a number of seconds or a string such as '2d' (the same grammar as _DURATION).
_DURATION_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*(\d+(\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$"},
    ],
    "description": "a duration: seconds, or a number with a unit s, sec, m, min, h, d or w (e.g. '12h', '2d')",
}
Duration = Annotated[float, BeforeValidator(_parse_duration), Field(ge=0), WithJsonSchema(_DURATION_JSON_SCHEMA)]


def _positive(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise ValueError("must be greater than 0")
    return value
Probability = Annotated[float, Field(gt=0.0, lt=1.0)]


def _known_locale(value: str) -> str:
    from ..numbers import check_locale  # babel's CLDR data

    return check_locale(value)


LocaleTag = Annotated[str, AfterValidator(_known_locale), WithJsonSchema({
    "type": "string", "pattern": r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$",
    "description": "a BCP-47 language tag known to CLDR: en, en-GB, de, de-CH, fr, pt-BR, ...",
})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- sources

class AttributePrior(Strict):
    """Prior belief in a source's accuracy on one attribute, in pseudo-claims added to that attribute's record."""

    reliability: Probability = Field(description="prior probability that a claim on this attribute is right")
    strength: float = Field(default=4.0, gt=0, description="how strongly the prior is believed, in pseudo-claims")


class SourcePrior(Strict):
    """Prior belief in a source's accuracy: Beta(reliability*strength, (1-reliability)*strength)."""

    reliability: Probability = Field(description="prior probability that a claim of this source is right")
    strength: float = Field(
        default=4.0, gt=0, description="how strongly the prior is believed, in pseudo-claims"
    )
    attributes: dict[str, AttributePrior] = Field(
        default={}, description="per attribute name: a prior for this source's claims on that attribute (on top of "
        "the source's overall reliability, which is always the attribute's starting point)",
    )


class SpeakerWeights(Strict):
    """Multipliers of a claim's weight by who the source attributes it to (first match: name, role, affiliation)."""

    names: dict[str, Annotated[float, Field(ge=0, le=1)]] = {}
    roles: dict[str, Annotated[float, Field(ge=0, le=1)]] = {}
    affiliations: dict[str, Annotated[float, Field(ge=0, le=1)]] = {}


class SourceRules(Strict):
    groups: dict[str, list[str]] = Field(
        default={}, description="named groups of source names or glob patterns, referred to as 'group:NAME'"
    )
    priors: dict[str, SourcePrior] = Field(
        default={},
        description="per source name, glob pattern ('*.gov.af') or 'group:NAME'; exact names win, then "
        "the first matching pattern or group in file order",
    )
    speakers: SpeakerWeights = SpeakerWeights()

    @model_validator(mode="after")
    def _groups_exist(self) -> "SourceRules":
        for key in self.priors:
            if key.startswith("group:") and key[6:] not in self.groups:
                raise ValueError(f"prior '{key}' refers to an unknown group; known groups: {sorted(self.groups)}")
        return self


# ---------------------------------------------------------------- attributes

# place: values are place names, resolved against the GeoNames gazetteer (reconcile/places.py); its admin
# hierarchy (city -> province -> country) is the attribute's value hierarchy. A value kind, like numeric, because
# it says how raw strings are read ("Los Angeles, CA" = "Los Angeles"), which a rule that only maps kinds can say.
Kind = Literal["categorical", "text", "numeric", "datetime", "time_of_day", "place"]
Match = Literal["exact", "fold", "token_set", "person_names"]


class Equivalence(Strict):
    """When two raw values count as the same value."""

    match: Match = Field(
        default="fold",
        description="exact: byte equality; fold: case, accents and whitespace folded; token_set: same set of "
        "words; person_names: same set of last names (author lists)",
    )
    absolute: float = Field(default=0.0, ge=0, description="numeric: values this close are the same")
    relative: float = Field(default=0.0, ge=0, description="numeric: values within this fraction are the same")
    tolerance: Duration = Field(default=0.0, description="datetime / time_of_day: values this close are the same")


class AttributeRule(Strict):
    kind: Kind = Field(
        default="categorical", description="how raw values are read: categorical / text (matched per "
        "`equivalence.match`), numeric, datetime, time_of_day, or place: place names resolved against the GeoNames "
        "gazetteer (spellings and transliterations merged, 'Los Angeles, CA, USA' = 'Los Angeles'; unknown names "
        "kept as folded text), with the gazetteer's city -> province -> country hierarchy as the value hierarchy",
    )
    multi_valued: bool = Field(default=False, description="several values can be true at once (e.g. authors)")
    values: dict[str, list[str]] = Field(
        default={}, description="vocabulary: canonical value -> synonyms (raw strings that mean it)"
    )
    closed: bool = Field(default=False, description="reject claims whose value is not in the vocabulary")
    equivalence: Equivalence = Equivalence()
    half_life: Duration | None = Field(
        default=None, description="recency: a claim's weight halves every half_life of age before --as-of"
    )
    domain_size: int | None = Field(
        default=None, ge=2, description="how many values are possible; default: vocabulary size or solver.domain_size"
    )
    hierarchy: str | None = Field(
        default=None, description="CSV file of child,parent values (e.g. city,region): a claim of an ancestor "
        "supports its descendants partially and does not conflict with them; the verdict is the most specific "
        "value with enough support (a relative path is read from the folder of the rules file); with kind: "
        "place it adds edges to the gazetteer's hierarchy or overrides a place's parent",
    )
    prior: AttributePrior | None = Field(
        default=None, description="prior for every source's claims on this attribute (a source's own "
        "sources.priors.<name>.attributes entry wins)",
    )
    locale: LocaleTag | None = Field(
        default=None, description="numeric: the locale figures are written in, a BCP-47 tag (en, de, de-CH, fr, "
        "pt-BR): '1.200,5' is 1200.5 in de and '1,200.5' in en; figures are parsed strictly (babel), words ('two "
        "hundred') too; unset: defaults.locale",
    )
    bounds: bool = Field(
        default=True, description="numeric: a claim may be a bound or a range ('more than 200', 'at most 50', "
        "'200+', '200-300', 'between 200 and 300'); it partially supports every figure inside it and conflicts "
        "with the figures outside (like a coarser value in a hierarchy); false: such claims are rejected",
    )
    change_every: Annotated[Duration | None, AfterValidator(_positive)] = Field(
        default=None,
        description="time model: the state changes on average once every this long (e.g. '2d' for control of a "
        "city); unset = the value never changes (a book's authors)",
    )
    change_every_by_value: dict[str, Annotated[Duration, AfterValidator(_positive)]] = Field(
        default={}, description="time model: values whose state changes at a pace of their own, value -> "
        "duration (e.g. {contested: 12h}: fighting is settled within hours, while control by one side lasts "
        "change_every); the other values change every change_every",
    )

    @model_validator(mode="after")
    def _consistent(self) -> "AttributeRule":
        if self.change_every and self.multi_valued:
            raise ValueError("change_every (the time model) follows one value at a time; it cannot be used with "
                             "multi_valued: true")
        if self.change_every_by_value and not self.change_every:
            raise ValueError("change_every_by_value needs change_every (the pace of the other values)")
        unknown = sorted(set(self.change_every_by_value) - set(self.values)) if self.values else []
        if unknown:
            raise ValueError(f"change_every_by_value: {', '.join(unknown)} not in the vocabulary (`values`): "
                             "use a canonical value")
        if (self.hierarchy or self.kind == "place") and self.multi_valued:
            raise ValueError("a value hierarchy (hierarchy, kind: place) applies to single-valued attributes, not "
                             "with multi_valued: true")
        if self.closed and self.kind == "place":
            raise ValueError("closed applies to vocabularies, not to kind: place (a place the gazetteer does not "
                             "know is kept as text; `values` may still map names, e.g. {Los Angeles: [LA]})")
        if self.closed and not self.values:
            raise ValueError("closed: true needs a `values` vocabulary")
        if self.kind != "numeric" and (self.equivalence.absolute or self.equivalence.relative):
            raise ValueError(f"equivalence.absolute/relative apply to numeric attributes, not {self.kind}")
        if self.kind != "numeric" and {"locale", "bounds"} & self.model_fields_set:
            raise ValueError(f"locale and bounds apply to numeric attributes, not {self.kind}")
        if self.kind not in ("datetime", "time_of_day") and self.equivalence.tolerance:
            raise ValueError(f"equivalence.tolerance applies to datetime and time_of_day attributes, not {self.kind}")
        return self


# ---------------------------------------------------------------- defaults, solver, columns

class Defaults(Strict):
    reliability: Probability | None = Field(
        default=None, description="prior reliability of sources not listed; unset: learned from the feed "
        "(empirical Bayes: the typical reliability of its sources at the source's activity, so a source with few "
        "claims starts from what is usual in this feed for sources that say as little, rather than from a fixed "
        "number)",
    )
    strength: float = Field(default=4.0, gt=0)
    locale: LocaleTag = Field(
        default="en", description="the locale numbers are written in (a BCP-47 tag such as en, de, de-CH, fr), "
        "for every numeric attribute without a `locale` of its own: '1.200' is 1200 in de and 1.2 in en",
    )
    attribute_strength: float = Field(
        default=10.0, gt=0, description="per-attribute reliability: what a source's prior and its other attributes "
        "say about it counts as this many pseudo-claims on each attribute (plus the strength of its prior; never "
        "more than the evidence behind it). Few claims on an attribute: close to the source's reliability; many: "
        "the attribute's own record",
    )
    unknown_sources: Literal["use", "reject", "drop"] = Field(
        default="use",
        description="use: default prior; reject: claims go to rejects.csv; drop: not used, counted in the report",
    )
    unknown_attributes: Literal["use", "reject"] = "use"
    attribute: AttributeRule = Field(default=AttributeRule(), description="rule for attributes not listed")


class Thresholds(Strict):
    """Verdict statuses (definitions in reconcile/solve/verdicts.py STATUS_DEFINITIONS and the README)."""
    settled: Probability = Field(default=0.9, description="confidence at or above which a verdict is settled")
    challenged: Probability = Field(
        default=0.2, description="runner-up probability at or above which a verdict is challenged"
    )
    tie: float = Field(default=1e-9, ge=0, description="top two within this probability are a tie")
    min_claims: int = Field(default=1, ge=1, description="fewer claims than this: insufficient")
    min_sources: int = Field(default=2, ge=1, description="fewer distinct sources than this: insufficient")
    min_confidence: float = Field(default=0.0, ge=0, lt=1, description="below this confidence: insufficient")


class SolverRules(Strict):
    name: Literal["accu", "majority", "truthfinder"] = "accu"
    max_iterations: int = Field(default=100, ge=1, le=10_000)
    tolerance: float = Field(default=1e-6, gt=0, description="stop when no reliability moves more than this")
    domain_size: int = Field(default=10, ge=2, description="possible values of an open-vocabulary attribute")
    reliability_bounds: tuple[Probability, Probability] = (0.01, 0.99)
    per_attribute: bool = Field(
        default=True, description="accu: learn a reliability per (source, attribute), shrunk toward the source's "
        "overall reliability (defaults.attribute_strength); false: one reliability per source",
    )
    temperature: float = Field(
        default=1.0, gt=0, description="accu: divides the votes behind the reported confidence (> 1: less "
        "confident); fit it on a labelled sample with `reconcile calibrate`; 1 = the model's own posterior",
    )
    correlated_votes: bool = Field(
        default=True, description="accu: estimate from the feed how strongly sources' votes on one subject are "
        "correlated (beyond detected copying) and temper the reported confidence by that design effect; the "
        "chosen values do not change",
    )
    effective_false: bool = Field(
        default=True, description="accu: after a first fit, measure per attribute how concentrated the wrong "
        "claims are (the effective number of wrong values) and fit again with it in place of domain_size where it "
        "is smaller (attributes with a closed vocabulary keep theirs); false: the declared domain throughout",
    )
    calibration: Literal["held_out", "none"] = Field(
        default="held_out", description="accu: how the reported confidence is calibrated without labels. "
        "held_out: each subject is judged with the reliabilities learned from the other subjects (a source's vote "
        "does not first confirm its own reliability), and the correlation of votes is measured against them; on a "
        "closed vocabulary the confidence is mixed with 'the votes say nothing' by the share of the subject's votes "
        "from sources with claims on other subjects; none: the EM fit's own posterior. The chosen values do not "
        "change",
    )
    thresholds: Thresholds = Thresholds()

    @field_validator("reliability_bounds")
    @classmethod
    def _ordered(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[0] >= v[1]:
            raise ValueError("reliability_bounds must be [low, high] with low < high")
        return v


class CopyingRules(Strict):
    """Detect sources that copy each other and count their copies about once (see reconcile/solve/copying.py)."""

    enabled: bool | None = Field(
        default=None, description="unset: on for the default solver (accu), off for the textbook baselines "
        "(majority, truthfinder); true / false: on / off for every solver",
    )

    def applies_to(self, solver: str) -> bool:
        return self.enabled if self.enabled is not None else solver == "accu"
    prior: Probability = Field(
        default=0.1, description="prior probability that a source copies from some other source; a pair's prior is "
        "this spread over the sources each shares subjects with (about prior / partners), so that coincidental "
        "agreements among many independent sources are not taken for copying",
    )
    copy_rate: Probability = Field(default=0.8, description="share of its original's values a copier repeats")
    min_shared: int = Field(default=3, ge=1, description="pairs sharing fewer subjects are not judged")
    max_sources_per_item: int = Field(
        default=200, ge=2, description="subjects with more sources than this are left out of the estimate (cost bound)"
    )
    threshold: Probability = Field(default=0.5, description="dependence at which copies are discounted and reported")
    max_items: int = Field(
        default=50_000, ge=100, description="estimate dependence on at most this many subjects (an even, "
        "deterministic sample of the subject list): the cost stays bounded at any feed size; discounts apply to all",
    )
    rounds: int = Field(default=2, ge=1, le=20, description="rounds of detect-then-refit")


class StateRules(Strict):
    """The state store that carries what runs learned from day to day (reconcile/state)."""

    path: str | None = Field(default=None, description="DuckDB state file used when `--state` is not given")
    forget: float = Field(
        default=0.5, ge=0, le=1, description="share of the evidence carried from the previous run into this "
        "one's priors, per `per` (1: remember everything; 0: start fresh; 0.5: yesterday counts half)")
    per: Literal["day", "run"] = Field(
        default="day", description="day: `forget` applies per day of --as-of between two runs (a run a week later "
        "keeps forget**7 of the evidence); run: once per run, whatever the gap")


CANONICAL_COLUMNS = (
    "source", "subject", "attribute", "value", "published_at", "valid_from", "valid_to", "valid_at",
    "speaker", "speaker_role", "speaker_affiliation", "quote", "url", "claim_id", "weight", "derived_from",
    "subject_label",
)


class Rules(Strict):
    version: Literal[1] = Field(description="rules schema version")
    columns: dict[str, str] = Field(
        default={}, description="canonical column -> column name in the feed (e.g. subject: object)"
    )
    constants: dict[str, str] = Field(
        default={}, description="canonical column -> constant value when the feed lacks it (e.g. attribute: authors)"
    )
    sources: SourceRules = SourceRules()
    defaults: Defaults = Defaults()
    attributes: dict[str, AttributeRule] = {}
    solver: SolverRules = SolverRules()
    copying: CopyingRules = CopyingRules()
    state: StateRules = StateRules()
    extract: ExtractRules | None = Field(
        default=None, description="article extraction: gazetteer, event lexicon, hedges, speakers (rules/extract/)"
    )

    @field_validator("columns", "constants")
    @classmethod
    def _canonical_keys(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = [k for k in v if k not in CANONICAL_COLUMNS]
        if unknown:
            raise ValueError(
                f"unknown canonical column(s) {unknown}; expected one of: {', '.join(CANONICAL_COLUMNS)}"
            )
        return v

    def attribute_rule(self, name: str) -> AttributeRule:
        rule = self.attributes.get(name, self.defaults.attribute)
        if rule.locale is None and rule.kind == "numeric":  # the feed's locale, from defaults
            rule = rule.model_copy(update={"locale": self.defaults.locale})
        return rule
