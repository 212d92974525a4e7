"""The privacy notice on a survey's first page (docs/privacy.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luotain.web.surveys.models import Survey


def privacy_notice(survey: Survey, lang: str) -> str:
    """The questionnaire's own notice in ``lang`` (falling back to Finnish), or else a short general one in
    the active language. Who processes the answers is not known to the software: the general notice says
    only what the software does, and sends the respondent to the survey's organiser."""
    questionnaire = survey.questionnaire
    if questionnaire.privacy_notice is not None:
        return questionnaire.privacy_notice.get(lang)
    parts = [
        _(
            "Your answers are reported so that no respondent can be identified: groups of fewer than "
            "%(k)s respondents are not shown."
        )
        % {"k": questionnaire.disclosure_threshold}
    ]
    if survey.anonymity == Survey.Anonymity.ANONYMISED:
        parts.append(
            _("The link between your contact details and your answers is deleted after the survey closes.")
        )
    elif survey.retention_days is not None:
        parts.append(
            ngettext(
                "The link between your contact details and your answers is deleted %(days)s day after the "
                "survey closes.",
                "The link between your contact details and your answers is deleted %(days)s days after the "
                "survey closes.",
                survey.retention_days,
            )
            % {"days": survey.retention_days}
        )
    else:
        parts.append(
            _(
                "The link between your contact details and your answers is kept until the survey's organiser "
                "deletes it."
            )
        )
    parts.append(_("No IP addresses are stored."))
    parts.append(
        _(
            "For more on how your data is processed, ask the survey's organiser; you may also ask them to "
            "show you your data or to erase it."
        )
    )
    return " ".join(parts)
