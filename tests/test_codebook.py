"""Coding open answers with a codebook's keyword rules on base forms, and ranking the themes."""

from __future__ import annotations

import pytest

from luotain.questionnaire import Text
from luotain.text import analyzer
from luotain.text.codebook import Code, Codebook, builtin_codebook, code_answers, rank_themes

voikko = pytest.mark.skipif(analyzer("fi").name != "voikko", reason="needs libvoikko1 and voikko-fi")


def book() -> Codebook:
    return Codebook(
        question="wishes",
        other="muut",
        codes=[
            Code(id="kerhot", name=Text(fi="Kerhot"), keywords=["kerho"]),
            Code(id="lastenhoito", name=Text(fi="Lastenhoito"), keywords=["lastenhoito"]),
            Code(id="nuoret", name=Text(fi="Nuoret"), keywords=["nuori"]),
            Code(id="muut", name=Text(fi="Muut"), keywords=["mediakasvatus"]),
        ],
    )


@voikko
def test_keywords_match_inflected_forms_and_compound_parts():
    coded = code_answers(
        book(),
        {
            "a": "Lisää kerhotoimintaa ja kerhoja nuorille.",
            "b": "Lastenhoitoapua kotiin.",
            "c": "Mediakasvatusta.",
            "d": "   ",
            "e": "Kiitos!",
        },
    )
    assert coded == {"a": ["kerhot", "nuoret"], "b": ["lastenhoito"], "c": ["muut"], "e": []}


def test_ranking_counts_answers_and_keeps_the_tail():
    coded = {
        "1": ["kerhot", "nuoret"],
        "2": ["kerhot"],
        "3": ["nuoret"],
        "4": ["lastenhoito"],
        "5": ["muut"],
        "6": [],
    }
    top, tail = rank_themes(book(), coded, top=2)
    assert [(t.code, t.count) for t in top] == [("kerhot", 2), ("nuoret", 2)]
    assert top[0].percent == pytest.approx(100 * 2 / 6)
    assert [(t.code, t.count) for t in tail] == [("lastenhoito", 1), ("muut", 1)]


def test_the_built_in_codebook_has_the_reports_ten_themes():
    codebook = builtin_codebook("mll-kumppanikysely-2024", "cooperation_wishes")
    assert codebook is not None and codebook.other == "muut"
    assert len([c for c in codebook.codes if c.id != "muut"]) == 10
    assert codebook.codes[0].name.fi.startswith("Perhekahvila- ja kohtaamispaikkatoiminnan")
