"""The partner registry as shipped: counties, municipalities and MLL's districts (no Django).

Organisation codes are ``hva:NN`` (two-digit county code; ``hva:90`` is the City of Helsinki, which organises
its own services) and ``kunta:NNN`` (three-digit municipality code). The web layer copies this registry into
the database, where an administrator keeps it current; analysis code can use it directly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Final, Literal

OrgKind = Literal["hyvinvointialue", "kunta"]
NOT_A_COUNTY = {"91"}  # Åland has no wellbeing services county.

# The kinds of partner organisation, the one place that names them: a questionnaire's organisation types,
# the codes' prefixes and the names a reader sees all come from here.
COUNTY: Final = "hyvinvointialue"
MUNICIPALITY: Final = "kunta"


@dataclass(frozen=True)
class Kind:
    id: OrgKind
    prefix: str  # of the organisations' codes: hva:NN, kunta:NNN
    one: dict[str, str]  # the kind's name, by language
    many: dict[str, str]  # the kind's name in the plural, by language

    def name(self, lang: str = "fi", *, plural: bool = False) -> str:
        names = self.many if plural else self.one
        return names.get(lang) or names["fi"]


KINDS: dict[str, Kind] = {
    COUNTY: Kind(
        COUNTY,
        "hva",
        {"fi": "Hyvinvointialue", "sv": "Välfärdsområde", "en": "Wellbeing services county"},
        {"fi": "Hyvinvointialueet", "sv": "Välfärdsområden", "en": "Wellbeing services counties"},
    ),
    MUNICIPALITY: Kind(
        MUNICIPALITY,
        "kunta",
        {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
        {"fi": "Kunnat", "sv": "Kommuner", "en": "Municipalities"},
    ),
}
ORGANISATION_KINDS: tuple[OrgKind, ...] = tuple(k.id for k in KINDS.values())


def kind_of_code(code: str) -> OrgKind | None:
    """The kind of an organisation by its code's prefix (hva:05 -> hyvinvointialue), None if it has none."""
    prefix = code.split(":", 1)[0] if ":" in code else None
    return next((k.id for k in KINDS.values() if k.prefix == prefix), None)


@dataclass(frozen=True)
class Organisation:
    code: str
    kind: OrgKind
    name_fi: str
    name_sv: str
    county_code: str
    active: bool = True

    def name(self, lang: str = "fi") -> str:
        return self.name_sv if lang == "sv" and self.name_sv else self.name_fi


@dataclass(frozen=True)
class District:
    slug: str
    name_fi: str
    name_sv: str
    county_codes: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class Registry:
    organisations: dict[str, Organisation]
    districts: tuple[District, ...]
    _district_of_county: dict[str, str] = field(default_factory=dict)

    def of_kind(self, kind: str, *, active_only: bool = True) -> list[Organisation]:
        orgs = [o for o in self.organisations.values() if o.kind == kind and (o.active or not active_only)]
        return sorted(orgs, key=lambda o: o.name_fi)

    def get(self, code: str) -> Organisation | None:
        return self.organisations.get(code)

    def district_of(self, code: str) -> District | None:
        org = self.organisations.get(code)
        if org is None:
            return None
        slug = self._district_of_county.get(org.county_code)
        return next((d for d in self.districts if d.slug == slug), None)


def county_code(code: str) -> str:
    return f"{KINDS[COUNTY].prefix}:{code}"


def municipality_code(code: str) -> str:
    return f"{KINDS[MUNICIPALITY].prefix}:{code}"


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("luotain.registry") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def default_registry() -> Registry:
    orgs: dict[str, Organisation] = {}
    for row in _rows("counties.csv"):
        if row["hva_code"] in NOT_A_COUNTY:
            continue
        code = county_code(row["hva_code"])
        orgs[code] = Organisation(code, COUNTY, row["name_fi"], row["name_sv"], row["hva_code"])
    for row in _rows("municipalities.csv"):
        if row["hva_code"] in NOT_A_COUNTY:
            continue
        code = municipality_code(row["kunta_code"])
        orgs[code] = Organisation(
            code,
            MUNICIPALITY,
            row["kunta_name_fi"],
            row["kunta_name_sv"],
            row["hva_code"],
            active=row["in_2026_classification"] == "yes",
        )
    districts = tuple(
        District(r["slug"], r["name_fi"], r["name_sv"], tuple(r["county_codes"].split(";")), r["source_url"])
        for r in _rows("districts.csv")
    )
    of_county = {c: d.slug for d in districts for c in d.county_codes}
    return Registry(orgs, districts, of_county)


__all__ = [
    "COUNTY",
    "KINDS",
    "MUNICIPALITY",
    "ORGANISATION_KINDS",
    "District",
    "Kind",
    "OrgKind",
    "Organisation",
    "Registry",
    "county_code",
    "default_registry",
    "kind_of_code",
    "municipality_code",
]
