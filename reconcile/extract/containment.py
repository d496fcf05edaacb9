"""Subject containment: a facility's control claim is evidence about the place that contains it.

"Officials recaptured government buildings in Qala-e-Naw" is about the government buildings, a subject of
its own; but it also says something about the city around them. For every claim on a facility whose
containing place is known (a YAML gazetteer entity with `relation: facility` and a `parent`, or "<place>
<facility noun of the conflict profiles>" such as "Kherson airport"), one more claim is made on the
containing place, with the same speaker, quote and valid time, weighted by `extract.containment`:

* `weights`: facility kind (the facility's name without its place, e.g. "government buildings") -> factor;
  `default_weight` for the others; a factor of 0 turns a kind off;
* value: the side that holds a facility is the defender of the profile -> the place's value is that side
  (the defender still holds the town); any other side (the attacker took the police headquarters) ->
  `attacker_value` (contested by default: a facility taken is fighting inside the place, not its fall).

The derived claim carries the facility in the `via` column, so that a reader (and the development-set
score, which counts what the text says) can tell it from a claim the text makes about the place itself.
A derived claim never duplicates one the same sentence makes about the place with the same value and time.
"""
from __future__ import annotations

from dataclasses import replace

from .events import SentenceClaim
from .model import Containment as ContainmentRules
from .model import Entity, ExtractRules, Profile


# bases a province may hold several of: "<province> base" names none of them
_BASES = frozenset({"base", "army base", "military base"})


class Containment:
    def __init__(self, rules: ExtractRules, entities: dict[str, Entity]) -> None:
        self.rules = rules.containment
        self.parents: dict[str, tuple[str, str]] = {}
        for e in entities.values():
            if e.type == "facility" and e.parent and e.relation == "facility":
                kind = e.name[len(e.parent):].strip() if e.name.startswith(e.parent) else e.name
                self.parents[e.name] = (e.parent, kind.lower())
        self.facilities = sorted({f.lower() for p in rules.profiles for f in p.facilities}, key=len, reverse=True)

    def container(self, subject: str) -> tuple[str, str] | None:
        """(containing place, facility kind) of a facility subject, else None."""
        if subject in self.parents:
            return self.parents[subject]
        low = subject.lower()
        for fac in self.facilities:
            if low.endswith(" " + fac) and len(low) > len(fac) + 1:
                return subject[: -len(fac) - 1], fac
        return None

    def named(self, claims: list[SentenceClaim]) -> list[SentenceClaim]:
        """The claims with each facility subject ("<place> <kind>", not a YAML entity) under its kind's one name
        (`kind_names`: "Bagram Air Base" -> "Bagram airport", "Zalingei base" -> "Zalingei headquarters"), so
        that two reports of one facility name one subject. A base named only by its province ("a military base in
        Borno State") is dropped: the province has many."""
        names = self.rules.kind_names if self.rules is not None else {}
        out = []
        for c in claims:
            where = self.container(c.subject) if names and c.subject not in self.parents else None
            if where is not None and where[1] in _BASES and where[0].endswith(" province"):
                continue  # "a military base in Borno State": one of the province's bases, no place of its own
            if where is not None and where[1] in names:
                c = replace(c, subject=f"{where[0]} {names[where[1]]}")
                if c in out:  # "the base", then "the headquarters" of one sentence: one claim
                    continue
            out.append(c)
        return out

    @staticmethod
    def _factor(rules: ContainmentRules, kind: str) -> float:
        """The weight of a facility kind: its own entry, else the longest entry it ends with ("badghis
        central prison" -> central prison), else the default."""
        w = rules.weights
        if kind in w:
            return w[kind]
        ends = [k for k in w if kind.endswith(" " + k)]
        return w[max(ends, key=len)] if ends else rules.default_weight

    def derive(self, claims: list[SentenceClaim], profile: Profile | None) -> list[SentenceClaim]:
        """Claims on the containing places of the facility claims among `claims` (control only)."""
        if self.rules is None:
            return []
        have = {(c.subject, c.value, c.time) for c in claims}
        out: list[SentenceClaim] = []
        for c in claims:
            if c.attribute != self.rules.attribute:
                continue
            where = self.container(c.subject)
            if where is None:
                continue
            place, kind = where
            factor = self._factor(self.rules, kind)
            if factor <= 0:
                continue
            defender = profile.defender if profile is not None else None
            value = c.value if c.value in (defender, self.rules.attacker_value) else self.rules.attacker_value
            if (place, value, c.time) in have:
                continue
            have.add((place, value, c.time))
            out.append(replace(c, subject=place, value=value, weight=round(c.weight * factor, 4), via=c.subject))
        return out
