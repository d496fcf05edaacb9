"""What kind of place a subject name is, from the gazetteers: a province or region (an area), a facility's place,
and whether one place lies inside an area (the GeoNames admin1 tree and the YAML parents). Used to tell a
province that only locates a town ("Umm Ruwaba, a city in North Kordofan") from one the text says changed hands
(extract/frame_places.py `locating_areas`), and to keep "the city" from meaning a province or a facility.
"""
from __future__ import annotations

from .geonames import GeoGazetteer
from .matching import Gazetteer
from .model import ExtractRules


class PlaceKinds:
    def __init__(self, rules: ExtractRules, gaz: Gazetteer, geo: GeoGazetteer | None) -> None:
        self.rules, self.gaz, self.geo = rules, gaz, geo

    def is_area(self, name: str) -> bool:
        """A province or a region (a first-level area or several of them), not a settlement or a facility."""
        if name in self.gaz.entity:
            return self.gaz.entity[name].type in ("province", "region", "state", "oblast", "governorate")
        i = self.geo.by_name.get(name) if self.geo is not None else None
        return i is not None and self.geo is not None and self.geo.places[i].kind in ("admin1", "region")

    def facility_place(self, name: str) -> str | None:
        """The place of a facility subject (a YAML facility's parent, "<place> <facility noun of a profile>":
        "Mek'ele base" -> Mek'ele), the name itself when it is no facility, None when unknown."""
        if name in self.gaz.entity and self.gaz.entity[name].type == "facility":
            return self.gaz.entity[name].parent
        low = name.lower()
        ends = [f for p in self.rules.profiles for f in p.facilities if low.endswith(" " + f.lower())]
        return name[: -len(max(ends, key=len)) - 1] if ends else name

    def inside(self, place: str, area: str) -> bool:
        """Does the gazetteer put `place` in `area` (its province, or a region named in its province's name:
        Nyala -> South Darfur province -> Darfur)?"""
        low = area.lower().removesuffix(" province")
        name: str | None = place
        for _ in range(3):
            if name is None:
                return False
            e = self.gaz.entity.get(name)
            j = self.geo.by_name.get(name) if self.geo is not None else None
            name = e.parent if e is not None else (self.geo.places[j].parent if self.geo is not None and j is not None
                                                   else None)
            if name is not None and (name == area or name.lower().removesuffix(" province") == low
                                     or name.lower().removesuffix(" province").endswith(" " + low)):
                return True
        return False
