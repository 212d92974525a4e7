"""Demo answers for a second wave, the 2025 partner survey (``mll-kumppanikysely-2025``): 82 responses with
plausible changes from 2024, so that the demo shows comparisons and trends.

The changes a reader of the demo report will see (2024 → 2025):

- established cooperation 59 % (47/80) → 66 % (54/82): within the noise at these sample sizes;
- wishing for more cooperation 35 % (28/80) → 52 % (43/82): a real increase;
- NPS 82 → 79 (66 promoters, 11 passives, 3 detractors of 80): within the noise; mean 9,3 → 9,2;
- "kesken" is renamed "kehitteilla", "satunnaista" and "ei_yhteistyota" merged into "vahaista";
  meeting_place_org is no longer asked and contact_frequency is new.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from luotain.registry import Registry

from .demo_2024 import COOPERATION_FORMS, EXPERIENCE, WAVE_2024, DemoData, generate_wave

TEMPLATE = "mll-kumppanikysely-2025"

WAVE_2025 = replace(
    WAVE_2024,
    template=TEMPLATE,
    n=82,
    start=datetime(2025, 5, 13, 6, 0, tzinfo=UTC),
    days=35,
    org_types={"hyvinvointialue": 37, "kunta": 45},
    n_counties=15,
    n_municipalities=36,
    roles={"johto": 10, "paallikko": 30, "asiantuntija": 32, "tyontekija": 8, "muu": 2},
    # A year into the reform, fewer "en osaa sanoa" and more "molemmat".
    responsibilities={
        "prof_meeting_places_grant": {
            "molemmat": 42,
            "hyvinvointialue": 25,
            "kunta": 8,
            "en_osaa_sanoa": 5,
            "ei_kummallekaan": 1,
        },
        "support_person_grant": {
            "molemmat": 46,
            "hyvinvointialue": 20,
            "kunta": 8,
            "en_osaa_sanoa": 6,
            "ei_kummallekaan": 1,
        },
        "district_cooperation": {"molemmat": 61, "hyvinvointialue": 13, "kunta": 4, "en_osaa_sanoa": 3},
        "volunteer_coordination_grant": {
            "molemmat": 45,
            "hyvinvointialue": 16,
            "kunta": 8,
            "en_osaa_sanoa": 12,
        },
        "childcare_grant": {
            "molemmat": 36,
            "kunta": 20,
            "hyvinvointialue": 12,
            "en_osaa_sanoa": 12,
            "ei_kummallekaan": 1,
        },
        "ngo_coordination": {"molemmat": 71, "hyvinvointialue": 5, "kunta": 3, "en_osaa_sanoa": 3},
        "meeting_place_cooperation": {"molemmat": 70, "kunta": 5, "hyvinvointialue": 4, "en_osaa_sanoa": 3},
        "local_association_cooperation": {
            "molemmat": 50,
            "kunta": 25,
            "hyvinvointialue": 2,
            "en_osaa_sanoa": 4,
        },
        "local_activity_grant": {
            "molemmat": 47,
            "kunta": 26,
            "hyvinvointialue": 3,
            "en_osaa_sanoa": 4,
            "ei_kummallekaan": 1,
        },
        "premises": {"molemmat": 64, "kunta": 15, "hyvinvointialue": 1, "en_osaa_sanoa": 2},
    },
    cooperation_status={"vakiintunut": 54, "kehittymassa": 25, "toivomme_lisaa": 43, "vahaista": 3},
    status_order=("vakiintunut", "kehittymassa", "toivomme_lisaa", "vahaista"),
    funding_secured={5: 66, 4: 13, 3: 2, 2: 1},
    family_centre_partner={5: 60, 4: 17, 3: 3, 2: 1},
    # NPS 79 and mean 9,2 from 80 answers: 66 promoters, 11 passives, 3 detractors; sum 738.
    recommend={10: 44, 9: 22, 8: 7, 7: 4, 6: 2, 4: 1},
    family_centre_org={
        "hyvinvointialue": 44,
        "yhdessa": 32,
        "kunta": 3,
        "kehitteilla": 9,
        "en_osaa_sanoa": 12,
    },
    meeting_place_org=None,
    contact_frequency={
        "viikoittain": 12,
        "kuukausittain": 30,
        "muutaman_kerran": 27,
        "harvemmin": 9,
        "en_lainkaan": 3,
    },
    cooperation_forms={**COOPERATION_FORMS, "suunnittelu": 0.45},
    experience={**EXPERIENCE, "suunnittelu": 0.5, "tiedotus": 0.5},
)


def generate(seed: int = 2025, registry: Registry | None = None) -> DemoData:
    """The 82 demo responses of the 2025 wave. The same seed gives the same responses."""
    return generate_wave(WAVE_2025, seed, registry)
