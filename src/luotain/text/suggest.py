"""Theme suggestions for an open question without a codebook: answers clustered on TF-IDF over their base
forms and compound parts (k-means, seeded), each cluster with its key terms and most typical answers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .codebook import base_forms
from .morphology import analyzer
from .redact import redact


def _stop_words(lang: str) -> frozenset[str]:
    path = resources.files("luotain.text") / "stopwords" / f"{lang}.txt"
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


STOP_WORDS = {lang: _stop_words(lang) for lang in ("fi", "sv")}


@dataclass(frozen=True)
class Suggestion:
    terms: tuple[str, ...]  # the cluster's key base forms
    size: int
    examples: tuple[str, ...]  # its most typical answers, redacted
    members: tuple[str, ...]  # response ids


def suggest_themes(
    answers: Mapping[str, str], *, lang: str = "fi", k: int | None = None, seed: int = 0
) -> list[Suggestion]:
    """Clusters of the answers, largest first. Fewer than 4 answers give no suggestions."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = {rid: t for rid, t in answers.items() if t and t.strip()}
    if len(texts) < 4:
        return []
    morph = analyzer(lang)
    stop = STOP_WORDS.get(lang, frozenset())
    ids = list(texts)
    documents = [" ".join(sorted(base_forms(texts[rid], morph) - stop)) for rid in ids]
    vectorizer = TfidfVectorizer(token_pattern=r"[^ ]+", min_df=2, sublinear_tf=True)  # noqa: S106 - a regex
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # no term appears in two answers
        return []
    k = k or max(2, min(12, round(math.sqrt(len(ids)))))
    k = min(k, len(set(documents)) - 1)  # never more clusters than distinct answers
    if k < 2:
        return []
    model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(matrix)
    terms = np.asarray(vectorizer.get_feature_names_out())
    suggestions = []
    for cluster in range(k):
        members = np.flatnonzero(model.labels_ == cluster)
        if len(members) == 0:
            continue
        centre = model.cluster_centers_[cluster]
        order = np.argsort(centre)[::-1][:5]
        key = tuple(str(terms[i]) for i in order if centre[i] > 0)
        distances = np.square(matrix[members].toarray() - centre).sum(axis=1)
        typical: list[str] = []  # the three most typical different answers
        for i in members[np.argsort(distances)]:
            text = redact(texts[ids[i]], lang).text
            if text not in typical:
                typical.append(text)
            if len(typical) == 3:
                break
        suggestions.append(
            Suggestion(
                terms=key,
                size=len(members),
                examples=tuple(typical),
                members=tuple(ids[i] for i in members),
            )
        )
    return sorted(suggestions, key=lambda s: (-s.size, s.terms))
