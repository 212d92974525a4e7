"""Benchmark: automatic coding of "Millaista yhteistyötä toivotaan lisää?" against the demo's gold codes.

    .venv/bin/python bench/themes_bench.py [--seeds 10]

The demo generator writes each cooperation_wishes answer from one or two of the report's ten themes (and
"muita mainintoja") and keeps those themes as gold codes. The built-in codebook
(mll-kumppanikysely-2024.cooperation_wishes.codebook.yaml) codes the answers with keyword rules on base forms.
Printed: per-theme precision and recall, macro F1, and the top-5 ranking against the gold ranking. Baseline in
the same run: the same keywords matched against the words as written (lower-cased, no base forms).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict

from luotain.responses.demo import generate
from luotain.text import analyzer
from luotain.text.codebook import builtin_codebook, code_answers, rank_themes


class SurfaceWords:
    """The baseline: words as written, lower-cased."""

    name = "surface words"

    def base_forms(self, word: str) -> list[str]:
        return [word.lower()]

    def word_class(self, word: str) -> str | None:
        return None


def evaluate(morph, seeds: range):  # type: ignore[no-untyped-def]
    codebook = builtin_codebook("mll-kumppanikysely-2024", "cooperation_wishes")
    assert codebook is not None
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    coded_all: dict[str, list[str]] = {}
    gold_all: dict[str, list[str]] = {}
    for seed in seeds:
        data = generate(seed)
        answers = {
            r.response_id: r.answers["cooperation_wishes"]
            for r in data.records
            if "cooperation_wishes" in r.answers
        }
        coded = code_answers(codebook, answers, morph)
        for rid, gold in data.wish_themes.items():
            got, want = set(coded.get(rid, [])), set(gold)
            for code in {c.id for c in codebook.codes}:
                counts[code]["tp"] += code in got and code in want
                counts[code]["fp"] += code in got and code not in want
                counts[code]["fn"] += code in want and code not in got
            coded_all[f"{seed}:{rid}"] = sorted(got)
            gold_all[f"{seed}:{rid}"] = sorted(want)
    rows = []
    for code in (c.id for c in codebook.codes):
        c = counts[code]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        rows.append((code, p, r, 2 * p * r / (p + r) if p + r else 0.0))
    top = [t.code for t in rank_themes(codebook, coded_all, top=5)[0]]
    gold_top = [t.code for t in rank_themes(codebook, gold_all, top=5)[0]]
    return rows, sum(f for *_, f in rows) / len(rows), top, gold_top, len(gold_all)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="demo data sets (80 responses each)")
    args = parser.parse_args()
    seeds = range(2024, 2024 + args.seeds)
    morph = analyzer("fi")
    rows, macro, top, gold_top, n = evaluate(morph, seeds)
    print(f"{n} answers from {args.seeds} demo data sets; word analysis: {morph.name}")
    print(f"{'theme':18s} precision recall  F1")
    for code, p, r, f in rows:
        print(f"{code:18s} {p:9.2f} {r:6.2f} {f:5.2f}")
    print(f"macro F1 {macro:.3f}")
    print(f"top 5 (automatic): {', '.join(top)}")
    print(f"top 5 (gold):      {', '.join(gold_top)}")
    print(f"same five themes: {set(top) == set(gold_top)}; same order: {top == gold_top}")
    _, base_macro, base_top, _, _ = evaluate(SurfaceWords(), seeds)
    print(f"baseline ({SurfaceWords.name}): macro F1 {base_macro:.3f}, top 5 same: {base_top == gold_top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
