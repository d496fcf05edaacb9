"""Find gazetteer entities and actors in an article and resolve short or generic mentions.

- named aliases identify an entity anywhere;
- local aliases ("police headquarters") need the entity's parent or grandparent named in the article, and are
  not another place's ("Paktika's central prison");
- generic mentions ("the city", "a provincial capital") take the nearest named entity of their type
  mentioned before them in the article, else the first one after; unresolved ones are dropped;
- compounds ("police and NDS offices") name several entities at once;
- a mention directly followed by another ("Badghis police headquarters") only modifies it and is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .model import ExtractRules
from .textutil import Hit, find_phrases

_POSSESSIVE = re.compile(r"(?:['’]s|['’])(?!\w)")
_OWNER_BEFORE = re.compile(r"([A-Z][\w-]*(?: [A-Z][\w-]*)*)(?:['’]s|['’])\s+$")  # "Paktika’s central prison"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entities: tuple[str, ...]
    kind: str  # named | local | generic | compound
    weight: float
    possessive: bool
    text: str


class Gazetteer:
    def __init__(self, rules: ExtractRules):
        g = rules.gazetteer
        self.entity = {e.name: e for e in g.entities}
        self.items: list[tuple[str, tuple[str, tuple[str, ...], float]]] = []
        local: dict[str, list[str]] = {}
        for e in g.entities:
            self.items += [(a, ("named", (e.name,), 1.0)) for a in [e.name] + e.aliases]
            for a in e.local_aliases:
                local.setdefault(a, []).append(e.name)
        self.items += [(a, ("local", tuple(names), 1.0)) for a, names in local.items()]
        for t, gens in g.generic.items():
            self.items += [(x.phrase, ("generic", (t,), x.weight)) for x in gens]
        self.items += [(c.phrase, ("compound", tuple(c.refers_to), 1.0)) for c in g.compounds]
        self.actor_items = [(p, side) for side, phrases in g.actors.items() for p in phrases]

    def ancestors(self, name: str) -> list[str]:
        out, cur = [], self.entity[name].parent
        while cur is not None and cur not in out:
            out.append(cur)
            cur = self.entity[cur].parent
        return out

    def _names(self, entities: set[str], name: str) -> bool:
        """Is `name` a name or alias of one of `entities` (case-insensitive)?"""
        low = name.lower()
        return any(low == a.lower() for e in entities for a in [e, *self.entity[e].aliases])

    def actors(self, text: str, lo: int, hi: int) -> list[Hit[str]]:
        return find_phrases(text, self.actor_items, lo, hi)

    def mentions(self, text: str, lo: int, hi: int) -> list[Mention]:
        """Resolved entity mentions in text[lo:hi] (an article), in text order."""
        hits = find_phrases(text, self.items, lo, hi)
        raw: list[list[Any]] = []  # [hit, kind, names, weight, possessive]
        for h in hits:
            kind, names, weight = h.key
            poss = bool(_POSSESSIVE.match(text, h.end))
            raw.append([h, kind, names, weight, poss])
        named_pos: list[tuple[int, str]] = []  # (position, entity) of direct mentions
        for h, kind, names, _, _ in raw:
            if kind in ("named", "compound"):
                named_pos += [(h.start, n) for n in names]
        # local aliases: keep candidates whose ancestor is named; prefer the most recent ancestor mention
        for item in raw:
            h, kind, names = item[0], item[1], item[2]
            if kind != "local":
                continue
            best, best_key = None, None
            owner = _OWNER_BEFORE.search(text, max(lo, h.start - 60), h.start)
            for n in names:
                anc = set(self.ancestors(n))
                if owner and not self._names(anc, owner.group(1)):
                    continue  # "Paktika’s central prison": another place's, not Badghis'

                before = [p for p, e in named_pos if e in anc and p < h.start]
                after = [p for p, e in named_pos if e in anc and p >= h.start]
                if not before and not after:
                    continue
                key = (0, -max(before)) if before else (1, min(after))
                if best_key is None or key < best_key:
                    best, best_key = n, key
            item[2] = (best,) if best else ()
            if best:
                named_pos.append((h.start, best))
        named_pos.sort()
        out = []
        for h, kind, names, weight, poss in raw:
            if kind == "generic":
                t = names[0]
                cands = [(p, e) for p, e in named_pos if self.entity[e].type == t]
                earlier = [c for c in cands if c[0] < h.start]
                later = [c for c in cands if c[0] > h.start]
                names = (earlier[-1][1],) if earlier else ((later[0][1],) if later else ())
            if names:
                out.append(Mention(h.start, h.end, tuple(names), kind, weight, poss, h.text))
        # a mention directly followed by another one modifies it ("Badghis police headquarters")
        return [m for m, nxt in zip(out, out[1:] + [None])
                if nxt is None or text[m.end:nxt.start].strip() or "\n" in text[m.end:nxt.start]]
