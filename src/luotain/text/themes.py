"""An open question's themes as a command or a page shows them: ranked by a codebook (the top and the
"other mentions"), or suggested when there is no codebook. Which codebook and which codes are decided here,
once, for the files and the database alike (``luotain.web.coding.services.question_themes``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from luotain.analysis.kinds import is_written
from luotain.errors import InvalidInput, NotFound
from luotain.questionnaire import QuestionBase, Questionnaire

from .codebook import Codebook, code_answers, rank_themes
from .suggest import Suggestion, suggest_themes


def open_question(
    questionnaire: Questionnaire, question_id: str, codebook: Codebook | None = None
) -> QuestionBase:
    """The open question ``question_id``; ``codebook``, if given, must be its."""
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        raise NotFound(f"error: no question '{question_id}'") from None
    if not is_written(question):
        raise InvalidInput(f"error: '{question_id}' is not an open question")
    if codebook is not None and codebook.question != question_id:
        raise InvalidInput(f"error: the codebook is for '{codebook.question}', not '{question_id}'")
    return question


@dataclass(frozen=True)
class ThemeReport:
    question: str
    answered: int
    coding: str | None = None  # "stored" (by the rules and by hand), "rules" (coded now), None: suggested
    themes: list[dict[str, Any]] = field(default_factory=list)  # code, name, n, percent
    other_mentions: list[dict[str, Any]] = field(default_factory=list)  # code, name, n
    suggestions: list[dict[str, Any]] = field(default_factory=list)  # terms, n, examples

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"question": self.question, "answered": self.answered}
        if self.coding is not None:
            out |= {"coding": self.coding, "themes": self.themes, "other_mentions": self.other_mentions}
        else:
            out["suggestions"] = self.suggestions
        return out

    def lines(self) -> list[str]:
        out = [f"{self.question}: {self.answered} answers"]
        out += [f"{i:2d}. {t['name']} ({t['n']})" for i, t in enumerate(self.themes, start=1)]
        if self.other_mentions:
            out.append("    " + ", ".join(t["name"] for t in self.other_mentions))
        out += [f"- {', '.join(s['terms'])} ({s['n']}): {s['examples'][0]}" for s in self.suggestions]
        return out


def theme_report(
    question: str,
    texts: Mapping[str, str],
    codebook: Codebook | None,
    *,
    coded: Mapping[str, Sequence[str]] | None = None,
    suggestions: Sequence[Suggestion] | None = None,
    top: int = 10,
    lang: str = "fi",
) -> ThemeReport:
    """The themes of ``texts`` (response id -> answer): ranked by ``codebook`` with the codes ``coded`` (as
    stored; without them the codebook's rules code the answers now), or, without a codebook, the
    ``suggestions`` given (or made here from the answers)."""
    if codebook is None:
        found = suggestions if suggestions is not None else suggest_themes(texts, lang=lang)
        return ThemeReport(
            question,
            len(texts),
            suggestions=[{"terms": list(s.terms), "n": s.size, "examples": list(s.examples)} for s in found],
        )
    ranked, tail = rank_themes(
        codebook, coded if coded is not None else code_answers(codebook, texts), top=top
    )
    names = {c.id: c.name.get(lang) for c in codebook.codes}
    return ThemeReport(
        question,
        len(texts),
        coding="stored" if coded is not None else "rules",
        themes=[{"code": t.code, "name": names[t.code], "n": t.count, "percent": t.percent} for t in ranked],
        other_mentions=[{"code": t.code, "name": names[t.code], "n": t.count} for t in tail],
    )
