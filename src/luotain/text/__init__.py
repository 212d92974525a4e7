"""Open answers (no Django): Finnish-aware word analysis and redaction of personal data."""

from .morphology import Analyzer, analyzer
from .redact import Redaction, redact

__all__ = ["Analyzer", "Redaction", "analyzer", "redact"]
