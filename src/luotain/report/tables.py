"""The table report's content: every question's counts and shares, as shown (luotain.present), each with its
n. Built from the deck's own analysis, so that the tables and the slides show the same figures.

Open answers are counted, not quoted: quoting needs the redaction and disclosure rules of the open-text work.
"""

from __future__ import annotations

from luotain.analysis import AnalysisResult, QuestionResult
from luotain.analysis.kinds import ANALYSES
from luotain.present.answers import answer_labels
from luotain.present.figures import rounding_note, shown, shown_shares
from luotain.present.numbers import number, percent
from luotain.questionnaire import QuestionBase, Questionnaire
from luotain.registry import KINDS, ORGANISATION_KINDS, Registry

from .document import TableQuestion, Tables

# The table report's words, by language.
WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "results": "tulokset",
        "responses": "Vastauksia",
        "intro": "Osuudet on laskettu kysymykseen vastanneista (n). Monivalinnoissa vastaaja saattoi valita "
        "useita vaihtoehtoja, joten osuuksien summa voi ylittää 100 %. Avoimia vastauksia ei lainata tässä "
        "raportissa.",
        "skipped": "ei vastannut",
        "multiple": "useita valintoja",
        "option": "Vaihtoehto",
        "count": "Lukumäärä",
        "share": "Osuus",
        "chart": "Kaavio",
        "statement": "Väittämä",
        "organisations": "Organisaatioita",
        "answered": "Vastanneita",
        "registry": "Rekisterissä",
        "mean": "keskiarvo",
        "promoters": "Suosittelijoita",
        "passives": "passiivisia",
        "detractors": "arvostelijoita",
        "agree": "Samaa mieltä (jokseenkin tai täysin)",
        "written": "Avoimia vastauksia",
    },
    "sv": {
        "results": "resultat",
        "responses": "Svar",
        "intro": "Andelarna är beräknade av dem som besvarade frågan (n). I flervalsfrågor kunde man välja "
        "flera alternativ, så andelarnas summa kan överstiga 100 %. Öppna svar citeras inte i denna rapport.",
        "skipped": "svarade inte",
        "multiple": "flera val",
        "option": "Alternativ",
        "count": "Antal",
        "share": "Andel",
        "chart": "Diagram",
        "statement": "Påstående",
        "organisations": "Organisationer",
        "answered": "Svarade",
        "registry": "I registret",
        "mean": "medelvärde",
        "promoters": "Rekommenderare",
        "passives": "passiva",
        "detractors": "kritiker",
        "agree": "Av samma åsikt (delvis eller helt)",
        "written": "Öppna svar",
    },
    "en": {
        "results": "results",
        "responses": "Responses",
        "intro": "Shares are of those who answered the question (n). In multiple choice a respondent could "
        "choose several options, so the shares may add up to more than 100 %. Open answers are not quoted in "
        "this report.",
        "skipped": "did not answer",
        "multiple": "several choices",
        "option": "Option",
        "count": "Count",
        "share": "Share",
        "chart": "Chart",
        "statement": "Statement",
        "organisations": "Organisations",
        "answered": "Answered",
        "registry": "In the registry",
        "mean": "mean",
        "promoters": "Promoters",
        "passives": "passives",
        "detractors": "detractors",
        "agree": "Agree (somewhat or fully)",
        "written": "Open answers",
    },
}


def tables(
    questionnaire: Questionnaire, result: AnalysisResult, registry: Registry, lang: str = "fi"
) -> Tables:
    return Tables(
        words=WORDS.get(lang, WORDS["fi"]),
        title=questionnaire.title.get(lang),
        n=result.n_responses,
        sections=tuple(
            (
                section.title.get(lang),
                tuple(_question(q, result.questions[q.id], registry, lang) for q in section.questions),
            )
            for section in questionnaire.sections
        ),
    )


def _question(q: QuestionBase, f: QuestionResult, registry: Registry, lang: str) -> TableQuestion:
    counts, shares = f.counts or {}, f.percent or {}
    labels = answer_labels(q, lang, numbered=True)
    rows: tuple[tuple[str, int, float], ...] = ()
    columns: tuple[str, ...] = ()
    matrix: tuple[tuple[str, int, tuple[float, ...]], ...] = ()
    organisations: tuple[tuple[str, int, int], ...] = ()
    note = ""
    if f.rows:  # a question of rows (a matrix): its options' shares of each row
        columns = tuple(labels.values())
        matrix = tuple(
            (
                row.text.get(lang),
                f.rows[row.id].n,
                shown_shares(f.rows[row.id].percent.get(o, 0.0) for o in labels),
            )
            for row in getattr(q, "rows", ())
        )
        note = next((rounding_note(m[2], lang) for m in matrix if rounding_note(m[2], lang)), "")
    elif labels and f.counts is not None:
        rows = tuple(
            (label, counts.get(value, 0), shown(shares.get(value, 0.0))) for value, label in labels.items()
        )
        if f.n and not f.multiple:
            note = rounding_note((r[2] for r in rows), lang)
    elif f.organisations is not None:
        organisations = tuple(
            (KINDS[kind].name(lang, plural=True), f.organisations.get(kind, 0), len(registry.of_kind(kind)))
            for kind in ORGANISATION_KINDS
        )
    w = WORDS.get(lang, WORDS["fi"])
    key = key_note = ""
    if f.nps is not None and f.mean is not None:
        key = f"NPS {number(f.nps, lang=lang)} · {w['mean']} {number(f.mean, 1, lang=lang)} (n = {f.n})"
        key_note = (
            f"{w['promoters']} (9–10) {percent(f.promoters or 0, lang=lang)}, {w['passives']} (7–8) "
            f"{percent(f.passives or 0, lang=lang)}, {w['detractors']} (0–6) "
            f"{percent(f.detractors or 0, lang=lang)}."
        )
    elif f.agree_percent is not None and f.mean is not None:
        agree, mean = percent(f.agree_percent, lang=lang), number(f.mean, 1, lang=lang)
        key_note = f"{w['agree']}: {agree} · {w['mean']} {mean}"
    if ANALYSES.of(q).written:
        note = f"{w['written']} {f.n}."
    return TableQuestion(
        id=q.id,
        text=q.text.get(lang),
        n=f.n,
        skipped=f.skipped,
        multiple=bool(f.multiple),
        rows=rows,
        columns=columns,
        matrix=matrix,
        organisations=organisations,
        key=key,
        key_note=key_note,
        note=note,
    )
