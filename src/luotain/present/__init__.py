"""The one presenter of figures: analysis results turned into the numbers and words a reader sees, rounded
and formatted once (Finnish, Swedish and English number formats, shares in words), for every output: the
deck and its renderers, the table report, the results dashboard and its CSV, and the command line.

Between ``luotain.analysis`` (which computes) and the outputs (which only draw what this gives them); it
imports nothing of either output, so the arrows run one way: analysis → present → report, web, cli.
"""

from .numbers import NBSP, number, percent, round_half_up, signed
from .wording import share_words

__all__ = ["NBSP", "number", "percent", "round_half_up", "share_words", "signed"]
