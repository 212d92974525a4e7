"""Benchmark: automatic coding of "Millaista yhteistyötä toivotaan lisää?" against the demo's gold codes.

    .venv/bin/python bench/themes_bench.py [--seeds 10]

The demo generator writes each cooperation_wishes answer from one or two of the report's ten themes (and
"muita mainintoja") and keeps those themes as gold codes. The built-in codebook
(mll-kumppanikysely-2024.cooperation_wishes.codebook.yaml) codes the answers with keyword rules on base forms.
Printed: per-theme precision and recall, macro F1, and the top-5 ranking against the gold ranking. Baseline in
the same run: the same keywords matched against the words as written (lower-cased, no base forms).

Then two checks that do not lean on the demo's sentence bank:
- held-out answers (bench/data/cooperation_wishes_heldout.yaml), written apart from the demo generator with
  gold codes by hand: precision, recall and macro F1 of the same rules;
- theme suggestions (TF-IDF + k-means, no codebook) on the demo answers that have one gold theme: adjusted
  Rand index and purity of the clusters against the gold themes.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from sklearn.metrics import adjusted_rand_score

from luotain.mll.demo_2024 import generate
from luotain.text import analyzer
from luotain.text.codebook import Codebook, builtin_codebook, code_answers, rank_themes
from luotain.text.suggest import suggest_themes

HELD_OUT = Path(__file__).parent / "data" / "cooperation_wishes_heldout.yaml"


class SurfaceWords:
    """The baseline: words as written, lower-cased."""

    name = "surface words"

    def base_forms(self, word: str) -> list[str]:
        return [word.lower()]

    def word_class(self, word: str) -> str | None:
        return None


def scores(
    codebook: Codebook, coded: dict[str, list[str]], gold: dict[str, list[str]]
) -> list[tuple[str, float, float, float, int]]:
    """Per code: precision, recall, F1 and how many gold answers it has."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for rid, want_list in gold.items():
        got, want = set(coded.get(rid, [])), set(want_list)
        for code in (c.id for c in codebook.codes):
            counts[code]["tp"] += code in got and code in want
            counts[code]["fp"] += code in got and code not in want
            counts[code]["fn"] += code in want and code not in got
    rows = []
    for code in (c.id for c in codebook.codes):
        c = counts[code]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        rows.append((code, p, r, 2 * p * r / (p + r) if p + r else 0.0, c["tp"] + c["fn"]))
    return rows


def codebook() -> Codebook:
    found = builtin_codebook("mll-kumppanikysely-2024", "cooperation_wishes")
    assert found is not None
    return found


def evaluate(morph, seeds: range):  # type: ignore[no-untyped-def]
    book = codebook()
    coded_all: dict[str, list[str]] = {}
    gold_all: dict[str, list[str]] = {}
    for seed in seeds:
        data = generate(seed)
        answers = {
            r.response_id: r.answers["cooperation_wishes"]
            for r in data.records
            if "cooperation_wishes" in r.answers
        }
        coded = code_answers(book, answers, morph)
        for rid, gold in data.wish_themes.items():
            coded_all[f"{seed}:{rid}"] = sorted(coded.get(rid, []))
            gold_all[f"{seed}:{rid}"] = sorted(gold)
    rows = scores(book, coded_all, gold_all)
    top = [t.code for t in rank_themes(book, coded_all, top=5)[0]]
    gold_top = [t.code for t in rank_themes(book, gold_all, top=5)[0]]
    return rows, sum(r[3] for r in rows) / len(rows), top, gold_top, len(gold_all)


def held_out(morph):  # type: ignore[no-untyped-def]
    book = codebook()
    items = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))["answers"]
    answers = {str(i): item["text"] for i, item in enumerate(items)}
    gold = {str(i): list(item["codes"]) for i, item in enumerate(items)}
    coded = code_answers(book, answers, morph)
    rows = [r for r in scores(book, coded, gold) if r[4]]  # themes the held-out set has
    exact = sum(set(coded.get(rid, [])) == set(g) for rid, g in gold.items())
    return rows, sum(r[3] for r in rows) / len(rows), exact, len(gold)


def clustering(seeds: range) -> tuple[float, float, int]:
    """Suggestions against the gold themes of the answers that have exactly one."""
    aris, pure, total = [], 0, 0
    for seed in seeds:
        data = generate(seed)
        single = {rid: codes[0] for rid, codes in data.wish_themes.items() if len(codes) == 1}
        texts = {r.response_id: r.answers["cooperation_wishes"] for r in data.records if r.response_id in single}
        suggestions = suggest_themes(texts)
        label = {rid: i for i, s in enumerate(suggestions) for rid in s.members}
        ids = sorted(label)
        aris.append(adjusted_rand_score([single[r] for r in ids], [label[r] for r in ids]))
        for s in suggestions:
            pure += Counter(single[r] for r in s.members).most_common(1)[0][1]
        total += len(ids)
    return sum(aris) / len(aris), pure / total, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="demo data sets (80 responses each)")
    args = parser.parse_args()
    seeds = range(2024, 2024 + args.seeds)
    morph = analyzer("fi")
    rows, macro, top, gold_top, n = evaluate(morph, seeds)
    print(f"{n} answers from {args.seeds} demo data sets; word analysis: {morph.name}")
    print(f"{'theme':18s} precision recall  F1")
    for code, p, r, f, _ in rows:
        print(f"{code:18s} {p:9.2f} {r:6.2f} {f:5.2f}")
    print(f"macro F1 {macro:.3f}")
    print(f"top 5 (automatic): {', '.join(top)}")
    print(f"top 5 (gold):      {', '.join(gold_top)}")
    print(f"same five themes: {set(top) == set(gold_top)}; same order: {top == gold_top}")
    _, base_macro, base_top, _, _ = evaluate(SurfaceWords(), seeds)
    print(f"baseline ({SurfaceWords.name}): macro F1 {base_macro:.3f}, top 5 same: {base_top == gold_top}")

    rows, macro, exact, n = held_out(morph)
    print(f"\nheld-out answers ({n}, {HELD_OUT.name}): macro F1 {macro:.3f}, all codes right in {exact} of {n}")
    print(f"{'theme':18s} precision recall  F1  gold")
    for code, p, r, f, support in rows:
        print(f"{code:18s} {p:9.2f} {r:6.2f} {f:5.2f} {support:4d}")
    _, base_macro, base_exact, _ = held_out(SurfaceWords())
    print(f"baseline ({SurfaceWords.name}): macro F1 {base_macro:.3f}, all codes right in {base_exact} of {n}")

    ari, purity, clustered = clustering(seeds)
    print(
        f"\nsuggestions (no codebook) on {clustered} one-theme demo answers: "
        f"adjusted Rand index {ari:.2f}, purity {purity:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
