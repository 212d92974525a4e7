"""Writes to the partner registry."""

from __future__ import annotations

from django.db import transaction

from luotain.registry import COUNTY, MUNICIPALITY, Registry, county_code, default_registry

from .models import District, Organisation


@transaction.atomic
def seed_registry(registry: Registry | None = None) -> tuple[int, int]:
    """Create (and count) the shipped organisations and districts that are missing.

    Never overwrites what an administrator has edited."""
    registry = registry or default_registry()
    existing = set(Organisation.objects.values_list("code", flat=True))
    counties = [o for o in registry.organisations.values() if o.kind == COUNTY]
    new_counties = [
        Organisation(code=o.code, kind=o.kind, name_fi=o.name_fi, name_sv=o.name_sv, active=o.active)
        for o in counties
        if o.code not in existing
    ]
    Organisation.objects.bulk_create(new_counties)
    by_code = {o.code: o for o in Organisation.objects.filter(kind=COUNTY)}
    municipalities = [
        Organisation(
            code=o.code,
            kind=o.kind,
            name_fi=o.name_fi,
            name_sv=o.name_sv,
            active=o.active,
            county=by_code.get(county_code(o.county_code)),
        )
        for o in registry.organisations.values()
        if o.kind == MUNICIPALITY and o.code not in existing
    ]
    Organisation.objects.bulk_create(municipalities)
    created_districts = 0
    for d in registry.districts:
        district, created = District.objects.get_or_create(
            slug=d.slug, defaults={"name_fi": d.name_fi, "name_sv": d.name_sv, "source": d.source}
        )
        if created:
            created_districts += 1
            district.counties.set(
                [by_code[county_code(c)] for c in d.county_codes if county_code(c) in by_code]
            )
    return len(new_counties) + len(municipalities), created_districts


def organisations_for_picker(kind: str | None) -> list[Organisation]:
    qs = Organisation.objects.filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("kind", "name_fi"))


def known_codes() -> set[str]:
    return set(Organisation.objects.values_list("code", flat=True))
