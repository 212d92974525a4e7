from django.db import models


class PageAnswers(models.Model):
    """One page's answers as a respondent's form post carries them, stored as JSON."""

    flow = models.CharField(max_length=64)
    page = models.PositiveSmallIntegerField()
    answers = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.flow}/{self.page}"
