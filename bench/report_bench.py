"""Benchmark: the full 2024 report in every format (luotain.report.formats), from the 80 demo answers
and from 1,000,000.

    .venv/bin/python bench/report_bench.py [--n 1000000]

For each size: the deck (analysis and narrative) and each renderer, timed separately, median of --repeat runs.
The baseline, in the same run: the same libraries writing a deck of the same slide count with titles only
(no analysis, no charts; the table report without its tables): the floor that python-pptx and WeasyPrint
cost whatever Luotain does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _median(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from generate import generate_table

    from luotain.analysis import ResponseFrame
    from luotain.mll.demo_2024 import generate, quote_flags
    from luotain.questionnaire import load_builtin
    from luotain.report.document import Slide
    from luotain.report.formats import REPORT_FORMATS
    from luotain.report.make import deck_from_frame
    from luotain.report.render import render
    from luotain.report.spec import builtin_spec

    questionnaire = load_builtin("mll-kumppanikysely-2024")
    spec = builtin_spec(questionnaire.id)
    records = generate().records
    frames = {"80 demo answers": (ResponseFrame.from_records(questionnaire, records), quote_flags(records))}
    start = time.perf_counter()
    raw = generate_table(questionnaire, args.n)
    frames[f"{args.n:,} answers"] = (ResponseFrame.from_strings(questionnaire, raw), [])
    del raw
    print(f"prepared the tables in {time.perf_counter() - start:.1f} s (not timed below)", flush=True)

    for label, (frame, flags) in frames.items():

        def fresh_deck(f=frame, q=flags):  # type: ignore[no-untyped-def]
            # A new frame object each run: the analysis caches its work on the frame it is given.
            return deck_from_frame(ResponseFrame(f.questionnaire, f.df, f.registry), spec, quote_flags=q)

        deck_time = _median(fresh_deck, args.repeat)
        deck = deck_from_frame(frame, spec, quote_flags=flags)
        times = {fmt: _median(lambda fmt=fmt, d=deck: render(d, fmt), args.repeat) for fmt in REPORT_FORMATS}
        total = deck_time + sum(times.values())
        plain = replace(
            deck,
            slides=tuple(Slide(kind="bullets", title=s.title) for s in deck.slides),
            tables=replace(deck.tables, sections=()) if deck.tables else None,  # the table report's frame
        )
        base = {fmt: _median(lambda fmt=fmt, p=plain: render(p, fmt), args.repeat) for fmt in REPORT_FORMATS}
        print(
            f"{label}: deck {deck_time:.2f} s, "
            + ", ".join(f"{fmt} {t:.2f} s" for fmt, t in times.items())
            + f" — every format {total:.2f} s ({len(deck.slides)} slides)"
        )
        print(
            f"  baseline, the same {len(deck.slides)} slides with titles only: "
            + ", ".join(f"{fmt} {t:.2f} s" for fmt, t in base.items())
            + f" — {sum(base.values()):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
