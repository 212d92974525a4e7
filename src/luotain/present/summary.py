"""The command line's summary of an analysis: a line a question with its n and headline figures."""

from __future__ import annotations

from luotain.analysis import AnalysisResult
from luotain.questionnaire import Questionnaire

from .numbers import number, percent, signed


def summary_lines(questionnaire: Questionnaire, result: AnalysisResult) -> list[str]:
    if result.withheld:
        return [
            f"{questionnaire.id}: the filters ask for a group whose figures cannot be shown (fewer than k "
            "respondents, or it could be worked out from other groups; docs/privacy.md)"
        ]
    lines = [f"{questionnaire.id}: {result.n_responses} responses"]
    if result.comparison is not None:
        c = result.comparison
        lines.append(
            f'compared with {c.wave} ({c.n_responses} responses); "~": the change is within the noise'
        )
    for q in questionnaire.questions():
        r = result.questions[q.id]
        line = f"{q.id} ({r.type}), n = {r.n}"
        if r.nps is not None:
            line += f": NPS {number(r.nps)}, mean {number(r.mean or 0.0, 1)}"
            if r.nps_change is not None:
                line += f" (NPS {signed(r.nps_change.difference)}{'' if r.nps_change.significant else ' ~'})"
        elif r.agree_percent is not None:
            line += f": agree {percent(r.agree_percent)}"
            if r.agree_change is not None:
                line += f" ({signed(r.agree_change.pp)} pp{'' if r.agree_change.significant else ' ~'})"
        elif r.percent:
            top = sorted(r.percent.items(), key=lambda kv: -kv[1])[:3]
            line += ": " + ", ".join(f"{k} {percent(v)}" for k, v in top)
        elif r.organisations:
            line += ": " + ", ".join(f"{k} {v}" for k, v in r.organisations.items())
        if r.not_asked_before:
            line += " (not asked before)"
        lines.append(line)
    return lines
