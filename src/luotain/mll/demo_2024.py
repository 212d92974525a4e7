"""Demo answers for the built-in 2024 partner survey: 80 responses, seeded and reproducible.

The published figures of the 2024 report are reproduced exactly, because for each of them the generator
deals out a fixed deck of answers (e.g. 21 of 79 answer "hyvinvointialue" for the first responsibility row)
over the respondents in a seeded random order. Everything the report does not publish is drawn from plausible
weights. The open answers are written for the demo in the spirit of the report; none is quoted from it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from luotain.registry import Registry, default_registry
from luotain.responses.table import ResponseRecord

TEMPLATE = "mll-kumppanikysely-2024"
N_RESPONSES = 80
SURVEY_START = datetime(2024, 5, 14, 6, 0, tzinfo=UTC)  # 9.00 in Helsinki
SURVEY_DAYS = 34  # to 17.6.2024

# The published figures, as decks of answers: option -> count; the remainder of the row's n is skipped.
# n = 80: 45 % counties (36), 55 % municipalities (44); 14 counties and 34 municipalities answered.
ORG_TYPES = {"hyvinvointialue": 36, "kunta": 44}
N_COUNTIES = 14
N_MUNICIPALITIES = 34
# Rows of the responsibility matrix: (n answered, counts). Percentages are of those who answered the row.
RESPONSIBILITIES: dict[str, dict[str, int]] = {
    # hyvinvointialue 21/79 = 27 %
    "prof_meeting_places_grant": {
        "molemmat": 40,
        "hyvinvointialue": 21,
        "kunta": 10,
        "en_osaa_sanoa": 7,
        "ei_kummallekaan": 1,
    },
    # hyvinvointialue 18/79 = 23 %
    "support_person_grant": {
        "molemmat": 44,
        "hyvinvointialue": 18,
        "kunta": 8,
        "en_osaa_sanoa": 7,
        "ei_kummallekaan": 2,
    },
    # molemmat 57/79 = 72 %, hyvinvointialue 14/79 = 18 %
    "district_cooperation": {"molemmat": 57, "hyvinvointialue": 14, "kunta": 3, "en_osaa_sanoa": 5},
    # hyvinvointialue 14/79 = 18 %, en osaa sanoa 18/79 = 23 %
    "volunteer_coordination_grant": {"molemmat": 40, "hyvinvointialue": 14, "kunta": 7, "en_osaa_sanoa": 18},
    # kunta 18/79 = 23 %, hyvinvointialue 12/79 = 15 %, en osaa sanoa 14/79 = 18 %
    "childcare_grant": {
        "molemmat": 33,
        "kunta": 18,
        "hyvinvointialue": 12,
        "en_osaa_sanoa": 14,
        "ei_kummallekaan": 2,
    },
    # molemmat 69/80 = 86 %
    "ngo_coordination": {"molemmat": 69, "hyvinvointialue": 4, "kunta": 3, "en_osaa_sanoa": 4},
    # molemmat 69/80 = 86 %
    "meeting_place_cooperation": {"molemmat": 69, "kunta": 4, "hyvinvointialue": 3, "en_osaa_sanoa": 4},
    # molemmat 48/79 = 61 %, kunta 24/79 = 30 %
    "local_association_cooperation": {"molemmat": 48, "kunta": 24, "hyvinvointialue": 2, "en_osaa_sanoa": 5},
    # kunta 24/79 = 30 %
    "local_activity_grant": {
        "molemmat": 45,
        "kunta": 24,
        "hyvinvointialue": 4,
        "en_osaa_sanoa": 5,
        "ei_kummallekaan": 1,
    },
    # molemmat 63/80 = 79 %, kunta 13/80 = 16 %
    "premises": {"molemmat": 63, "kunta": 13, "hyvinvointialue": 1, "en_osaa_sanoa": 3},
}
# 59 % (47/80) established; "yli kolmannes" in good development (29/80) and wishing for more (28/80).
COOPERATION_STATUS = {"vakiintunut": 47, "kehittymassa": 29, "toivomme_lisaa": 28, "satunnaista": 6}
# 95 % (76/80) agree that funding of preventive work must be secured.
FUNDING_SECURED = {5: 62, 4: 14, 3: 3, 2: 1}
# NPS 82 and mean 9,3 from 78 answers: 66 promoters, 10 passives, 2 detractors; sum 726.
RECOMMEND = {10: 45, 9: 21, 8: 6, 7: 4, 6: 1, 5: 1}

ROLES = {"johto": 9, "paallikko": 29, "asiantuntija": 31, "tyontekija": 9, "muu": 2}
ROLE_OTHER = ["Kehittämispäällikkö", "Suunnittelija"]

# Weights for what the report shows only as charts without numbers.
FAMILY_CENTRE_ORG = {"hyvinvointialue": 38, "yhdessa": 30, "kunta": 4, "kesken": 16, "en_osaa_sanoa": 12}
MEETING_PLACE_ORG = {
    "hyvinvointialue": 18,
    "kunta": 22,
    "yhdessa": 30,
    "jarjestot": 14,
    "kesken": 10,
    "en_osaa_sanoa": 6,
}
COOPERATION_FORMS = {
    "ohjaus": 0.85,
    "verkosto": 0.8,
    "asiantuntija": 0.45,
    "suunnittelu": 0.35,
    "tapahtumat": 0.4,
    "tilat": 0.3,
    "avustukset": 0.35,
    "koulutus": 0.2,
    "tiedotus": 0.3,
}
AWARENESS = {
    "perhekahvilat": 0.9,
    "lastenhoito": 0.82,
    "lnpuhelin": 0.78,
    "tapahtumat": 0.74,
    "tukihenkilo": 0.7,
    "kerhot": 0.6,
    "kohtaamispaikat": 0.58,
    "vanhempainryhmat": 0.45,
    "vanhempainpuhelin": 0.42,
    "vanhempainnetti": 0.35,
    "nuortennetti": 0.3,
    "kaverit": 0.4,
    "tukioppilas": 0.38,
    "kiusaaminen": 0.36,
    "mediakasvatus": 0.2,
    "isatoiminta": 0.18,
    "vapaaehtoiskoulutus": 0.4,
    "ammattilaiskoulutus": 0.32,
    "seminaarit": 0.3,
    "vaikuttaminen": 0.34,
}
# Importance rows: the share answering "erittäin tärkeä" (the rest mostly "melko tärkeä").
IMPORTANCE_FAMILIES = {
    "perhekahvilat": 0.88,
    "tapahtumat": 0.8,
    "lnpuhelin": 0.79,
    "kerhot": 0.74,
    "kohtaamispaikat": 0.72,
    "lastenhoito": 0.66,
    "tukihenkilo": 0.64,
    "vanhempainryhmat": 0.6,
    "vanhempainpuhelin": 0.55,
    "kaverit": 0.5,
    "tukioppilas": 0.48,
    "kiusaaminen": 0.62,
}
IMPORTANCE_PROFESSIONALS = {
    "koulutukset": 0.7,
    "seminaarit": 0.6,
    "materiaalit": 0.45,
    "konsultaatio": 0.4,
    "verkostot": 0.5,
}
EXPERIENCE = {"verkosto": 0.7, "asiantuntija": 0.66, "toiminta": 0.68, "suunnittelu": 0.42, "tiedotus": 0.45}
FAMILY_CENTRE_PARTNER = {5: 55, 4: 18, 3: 5, 2: 1}

# Themes of "Millaista yhteistyötä toivotaan lisää?", in the report's order, with demo answers for each.
WISH_THEMES: dict[str, list[str]] = {
    "kohtaamispaikat": [
        "Perhekahviloita toivoisimme lisää myös pienempiin taajamiin.",
        "Kohtaamispaikkatoimintaa voisi laajentaa iltoihin ja viikonloppuihin, jolloin työssäkäyvät "
        "vanhemmat pääsevät mukaan.",
        "Yhteinen perhekahvila perhekeskuksen tiloihin olisi hyvä lisä.",
    ],
    "vertaistuki": [
        "Vertaisryhmiä esimerkiksi eronneille vanhemmille ja sijaisperheille.",
        "Tukihenkilötoimintaa tarvitaan lisää, jonot ovat pitkiä.",
        "Perhekummitoiminnan laajentaminen koko alueelle.",
    ],
    "nuoret": [
        "Toimintaa nuorille, esimerkiksi iltaisin ja koulujen jälkeen.",
        "Nuorille suunnattuja matalan kynnyksen ryhmiä.",
    ],
    "vanhemmuus": [
        "Vanhemmuuden tukea vauvaperheille ja teini-ikäisten vanhemmille.",
        "Vanhempainryhmiä ja tukea arjen kasvatustilanteisiin.",
    ],
    "kiusaaminen": [
        "Kiusaamisen ehkäisyn materiaaleja ja koulutusta kouluille.",
        "Tukea kouluille kiusaamistilanteiden selvittämiseen.",
    ],
    "kerhot": [
        "Lisää kerhotoimintaa alle kouluikäisille.",
        "Kerhoja lapsille myös kunnan reuna-alueilla.",
    ],
    "kriisit": [
        "Apua perheille elämänmuutoksissa, kuten erossa tai sairastumisessa.",
        "Tukea kriisitilanteisiin ennen kuin perhe pääsee palveluihin.",
    ],
    "kotiin_vietava": [
        "Kotiin vietävää apua ja lastenhoitoapua uupuneille vanhemmille.",
        "Lastenhoitoapua tilapäisesti kotiin esimerkiksi sairastumisen ajaksi.",
    ],
    "maahanmuuttajat": [
        "Kotoutumista tukevaa toimintaa maahan muuttaneille perheille.",
        "Ystäväksi maahanmuuttajaäidille -toimintaa myös meidän kuntaamme.",
    ],
    "loma_aika": [
        "Toimintaa lapsille ja nuorille koulujen loma-aikoina.",
        "Kesätoimintaa ja vapaa-ajan tekemistä perheille.",
    ],
    "muut": [
        "Mediakasvatusta vanhempainiltoihin.",
        "Tunnetaitojen opettelua varhaiskasvatukseen.",
        "Toimintaa neuropsykiatrisesti oireileville lapsille ja heidän perheilleen.",
    ],
}
WISH_WEIGHTS = {
    "kohtaamispaikat": 11,
    "vertaistuki": 9,
    "nuoret": 7,
    "vanhemmuus": 6,
    "kiusaaminen": 5,
    "kerhot": 4,
    "kriisit": 4,
    "kotiin_vietava": 3,
    "maahanmuuttajat": 3,
    "loma_aika": 2,
    "muut": 3,
}
WISH_OPENERS = ["", "Toivoisimme: ", "Meillä on tarve: ", "Ainakin näitä: "]

IMAGE_WORDS = [
    "vastuullinen",
    "asiantunteva",
    "yhteistyökykyinen",
    "arjen tukija",
    "helposti lähestyttävä",
    "lasten oikeuksien puolustaja",
    "laadukas",
    "saavutettava",
    "turvallinen",
    "tukee vanhemmuutta",
    "pitkäjänteinen",
    "luotettava",
    "vapaaehtoistoiminnan osaaja",
    "lämmin",
]
OPEN_TEXTS: dict[str, list[str]] = {
    "service_paths": [
        "MLL:n toiminta on ennalta ehkäisevän tuen ensimmäinen porras, ja ohjaamme perheitä sinne.",
        "Perhekeskuksen palvelukartassa MLL:n toiminnot ovat mukana, ja ohjaus toimii molempiin suuntiin.",
        "Vertaistuki täydentää omia palveluitamme, vaikka toimintaa ei ole vielä kirjattu palvelupolkuihin.",
        "Olemme liittämässä kohtaamispaikat osaksi lapsiperheiden palvelupolkua.",
        "Rooli on tärkeä mutta vielä epäselvä, siitä pitäisi sopia yhdessä.",
    ],
    "volunteering_role": [
        "Vapaaehtoistoiminta tuo palveluihin yhteisöllisyyttä, jota emme itse pysty tarjoamaan.",
        "Merkitys kasvaa, kun resurssit julkisella puolella vähenevät.",
        "Erittäin tärkeä osa hyvinvoinnin edistämistä, mutta vapaaehtoiset tarvitsevat tuekseen "
        "ammattilaisia.",
        "Täydentää palveluja, mutta ei voi korvata niitä.",
        "Vapaaehtoisten löytäminen on vaikeutunut, mikä huolettaa.",
    ],
    "impacts": [
        "Perheet saavat vertaistukea ja kokevat kuuluvansa yhteisöön.",
        "Maksuton toiminta mahdollistaa osallistumisen myös pienituloisille perheille.",
        "Vanhemmat jaksavat arjessa paremmin, kun heillä on paikka, jossa tavata muita.",
        "Lapset saavat uusia kavereita ja turvallisia aikuisia ympärilleen.",
        "Ennalta ehkäisevä tuki vähentää raskaampien palvelujen tarvetta.",
    ],
    "development_ideas": [
        "MLL voisi näkyä enemmän alueen perhekeskusverkostoissa.",
        "Yhteinen suunnittelu jo toimintakauden alussa auttaisi kohdentamaan toimintaa tarpeisiin.",
        "Säännölliset tapaamiset hyvinvointialueen ja piirin kesken.",
        "Tietoa toiminnoista kootusti työntekijöille, jotta ohjaaminen helpottuu.",
        "Pitkäjänteisempää yhteistyötä yksittäisten hankkeiden sijaan.",
    ],
    "comments": [
        "Kiitos hyvästä yhteistyöstä!",
        "Järjestöjen rahoituksen leikkaukset huolettavat.",
        "Avustuslinjauksista pitäisi keskustella kuntien ja hyvinvointialueen kesken.",
        "Hienoa, että kysytte kumppaneilta.",
    ],
}
OPEN_RATES = {
    "service_paths": 0.7,
    "volunteering_role": 0.75,
    "impacts": 0.75,
    "development_ideas": 0.6,
    "comments": 0.3,
}


@dataclass
class DemoData:
    records: list[ResponseRecord]
    # Gold codes of the open question cooperation_wishes: response id -> theme ids (for open-text work).
    wish_themes: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class WavePlan:
    """What one wave's demo answers are dealt from: decks of exact counts for the published figures, weights
    and probabilities for the rest. ``meeting_place_org`` and ``contact_frequency`` are None in the wave
    that does not ask them; ``status_order`` is cooperation_status's options in the questionnaire's order."""

    template: str
    n: int
    start: datetime
    days: int
    org_types: dict[str, int]
    n_counties: int
    n_municipalities: int
    roles: dict[str, int]
    responsibilities: dict[str, dict[str, int]]
    cooperation_status: dict[str, int]
    status_order: tuple[str, ...]
    funding_secured: dict[int, int]
    family_centre_partner: dict[int, int]
    recommend: dict[int, int]
    family_centre_org: dict[str, int]
    meeting_place_org: dict[str, int] | None
    contact_frequency: dict[str, int] | None
    cooperation_forms: dict[str, float]
    awareness: dict[str, float]
    importance_families: dict[str, float]
    importance_professionals: dict[str, float]
    experience: dict[str, float]


WAVE_2024 = WavePlan(
    template=TEMPLATE,
    n=N_RESPONSES,
    start=SURVEY_START,
    days=SURVEY_DAYS,
    org_types=ORG_TYPES,
    n_counties=N_COUNTIES,
    n_municipalities=N_MUNICIPALITIES,
    roles=ROLES,
    responsibilities=RESPONSIBILITIES,
    cooperation_status=COOPERATION_STATUS,
    status_order=("vakiintunut", "kehittymassa", "toivomme_lisaa", "satunnaista"),
    funding_secured=FUNDING_SECURED,
    family_centre_partner=FAMILY_CENTRE_PARTNER,
    recommend=RECOMMEND,
    family_centre_org=FAMILY_CENTRE_ORG,
    meeting_place_org=MEETING_PLACE_ORG,
    contact_frequency=None,
    cooperation_forms=COOPERATION_FORMS,
    awareness=AWARENESS,
    importance_families=IMPORTANCE_FAMILIES,
    importance_professionals=IMPORTANCE_PROFESSIONALS,
    experience=EXPERIENCE,
)


def generate(seed: int = 2024, registry: Registry | None = None) -> DemoData:
    """The 80 demo responses of the 2024 wave. The same seed gives the same responses."""
    return generate_wave(WAVE_2024, seed, registry)


def generate_wave(plan: WavePlan, seed: int, registry: Registry | None = None) -> DemoData:
    """A wave's demo responses, dealt from its plan. The same seed gives the same responses."""
    rng = random.Random(seed)
    registry = registry or default_registry()
    n = plan.n
    answers: list[dict[str, Any]] = [{} for _ in range(n)]

    org_types = _deck(rng, plan.org_types, n)
    _assign_organisations(rng, registry, answers, org_types, plan)
    for a, role in zip(answers, _deck(rng, plan.roles, n), strict=True):
        a["role"] = role
        if role == "muu":
            a["role/other"] = rng.choice(ROLE_OTHER)
    for a in answers:
        a["family_centre_org"] = _weighted(rng, plan.family_centre_org)
        if plan.meeting_place_org is not None:
            a["meeting_place_org"] = _weighted(rng, plan.meeting_place_org)
        a["cooperation_forms"] = _multi(rng, plan.cooperation_forms)
        a["awareness"] = _multi(rng, plan.awareness)
    _deal_multi(rng, answers, "cooperation_status", plan.cooperation_status, plan.status_order)
    if plan.contact_frequency is not None:
        _deal(rng, answers, "contact_frequency", plan.contact_frequency)
    for row, counts in plan.responsibilities.items():
        _deal(rng, answers, f"responsibilities/{row}", counts)
    _deal(rng, answers, "funding_secured", plan.funding_secured)
    _deal(rng, answers, "family_centre_partner", plan.family_centre_partner)
    _deal(rng, answers, "recommend", plan.recommend)
    for matrix, rows in (
        ("importance_families", plan.importance_families),
        ("importance_professionals", plan.importance_professionals),
    ):
        for row, top in rows.items():
            for a in answers:
                a[f"{matrix}/{row}"] = _importance(rng, top)
    for row, top in plan.experience.items():
        for a in answers:
            a[f"cooperation_experience/{row}"] = _satisfaction(rng, top)

    data = DemoData(records=[])
    for a in answers:
        rid = f"{rng.getrandbits(64):016x}"
        if rng.random() < 0.62:
            themes = _wish_themes(rng)
            a["cooperation_wishes"] = _wish_text(rng, themes)
            data.wish_themes[rid] = themes
        if rng.random() < 0.85:
            a["mll_image"] = ", ".join(rng.sample(IMAGE_WORDS, rng.randint(2, 4))).capitalize()
        for question, texts in OPEN_TEXTS.items():
            if rng.random() < OPEN_RATES[question]:
                a[question] = rng.choice(texts)
        submitted = plan.start + timedelta(minutes=rng.randrange(plan.days * 24 * 60))
        data.records.append(
            ResponseRecord(rid, submitted, {k: v for k, v in a.items() if v not in (None, [])})
        )
    data.records.sort(key=lambda r: r.submitted_at or plan.start)
    return data


def _deck(rng: random.Random, counts: dict[Any, int], n: int) -> list[Any]:
    cards: list[Any] = [value for value, count in counts.items() for _ in range(count)]
    if len(cards) > n:
        raise ValueError(f"deck of {len(cards)} does not fit {n} respondents")
    cards += [None] * (n - len(cards))
    rng.shuffle(cards)
    return cards


def _deal(rng: random.Random, answers: list[dict[str, Any]], column: str, counts: dict[Any, int]) -> None:
    for a, value in zip(answers, _deck(rng, counts, len(answers)), strict=True):
        if value is not None:
            a[column] = value


def _deal_multi(
    rng: random.Random,
    answers: list[dict[str, Any]],
    column: str,
    counts: dict[str, int],
    order: Sequence[str],
) -> None:
    """Deal each option to ``count`` respondents, those with nothing chosen yet first, so that all answer."""
    chosen: list[set[str]] = [set() for _ in answers]
    for option, count in counts.items():
        empty = [i for i, c in enumerate(chosen) if not c]
        rng.shuffle(empty)
        picked = empty[:count]
        rest = [i for i in range(len(answers)) if i not in set(picked)]
        picked += rng.sample(rest, count - len(picked))
        for i in picked:
            chosen[i].add(option)
    for a, c in zip(answers, chosen, strict=True):
        if c:
            a[column] = [o for o in order if o in c]


def _assign_organisations(
    rng: random.Random,
    registry: Registry,
    answers: list[dict[str, Any]],
    org_types: list[str],
    plan: WavePlan,
) -> None:
    counties = rng.sample([o.code for o in registry.of_kind("hyvinvointialue")], plan.n_counties)
    municipalities = rng.sample([o.code for o in registry.of_kind("kunta")], plan.n_municipalities)
    pools = {"hyvinvointialue": counties, "kunta": municipalities}
    # Every organisation answers at least once; the rest of the respondents are spread over them.
    queues: dict[str, list[str]] = {}
    for kind, pool in pools.items():
        total = plan.org_types[kind]
        queue = list(pool) + [rng.choice(pool) for _ in range(total - len(pool))]
        rng.shuffle(queue)
        queues[kind] = queue
    for a, kind in zip(answers, org_types, strict=True):
        a["org_type"] = kind
        a["organisation"] = queues[kind].pop()


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _multi(rng: random.Random, probabilities: dict[str, float]) -> list[str]:
    chosen = [option for option, p in probabilities.items() if rng.random() < p]
    return chosen or [max(probabilities, key=lambda o: probabilities[o])]


def _importance(rng: random.Random, top: float) -> str:
    x = rng.random()
    if x < top:
        return "erittain_tarkea"
    if x < top + (1 - top) * 0.75:
        return "melko_tarkea"
    if x < top + (1 - top) * 0.85:
        return "ei_kovin_tarkea"
    return "en_osaa_sanoa"


def _satisfaction(rng: random.Random, top: float) -> str:
    x = rng.random()
    if x < top:
        return "erittain_tyytyvainen"
    if x < top + (1 - top) * 0.7:
        return "melko_tyytyvainen"
    if x < top + (1 - top) * 0.85:
        return "ei_tyytyvainen_eika_tyytymaton"
    return "en_osaa_sanoa"


def _wish_themes(rng: random.Random) -> list[str]:
    first = _weighted(rng, WISH_WEIGHTS)
    themes = [first]
    if rng.random() < 0.3:
        second = _weighted(rng, WISH_WEIGHTS)
        if second != first:
            themes.append(second)
    return themes


def _wish_text(rng: random.Random, themes: list[str]) -> str:
    return rng.choice(WISH_OPENERS) + " ".join(rng.choice(WISH_THEMES[t]) for t in themes)


QUOTED_QUESTIONS = (
    "cooperation_wishes",
    "service_paths",
    "volunteering_role",
    "impacts",
    "development_ideas",
)


def quote_flags(records: list[ResponseRecord], per_question: int = 3) -> list[tuple[str, str]]:
    """The demo's choice of open answers for the report: the first distinct answers of each open question."""
    flags: list[tuple[str, str]] = []
    for question in QUOTED_QUESTIONS:
        seen: set[str] = set()
        for record in records:
            text = record.answers.get(question)
            if isinstance(text, str) and text not in seen:
                seen.add(text)
                flags.append((question, record.response_id))
                if len(seen) == per_question * 2:
                    break
    return flags
