"""Benchmark: every figure of the 2024 questionnaire over a large generated response table.

    .venv/bin/python bench/analysis_bench.py [--n 1000000]

Four measurements, each in its own process so that its peak memory is its own:

1. luotain-analysis: the checked, typed frame (read from Parquet) → every figure overall, by organisation
   type and by district (``luotain.analysis.analyse``).
2. pandas-analysis: the same figures from prepared pandas columns (categoricals, numbers, dummy columns),
   written plainly with pandas (``bench/baseline_pandas.py``); the baseline of 1.
3. luotain-end-to-end: the table as text cells → cell checks and typing (``ResponseFrame.from_strings``)
   → the same figures.
4. pandas-end-to-end: the table as text cells → pandas preparation → the same figures; the baseline of 3.

Wall times are the median of --repeat runs inside each process; peak memory is the process's maximum
resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = "mll-kumppanikysely-2024"
BREAKDOWNS = (None, "org_type", "district")


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def child(kind: str, folder: Path, repeat: int) -> dict[str, float]:
    import polars as pl

    from luotain.analysis import ResponseFrame, analyse
    from luotain.questionnaire import load_builtin
    from luotain.registry import default_registry

    questionnaire = load_builtin(TEMPLATE)
    registry = default_registry()
    if kind == "luotain-analysis":
        df = pl.read_parquet(folder / "typed.parquet")

        def run() -> None:
            frame = ResponseFrame(questionnaire, df, registry)  # a fresh frame: nothing cached between runs
            for by in BREAKDOWNS:
                analyse(frame, by=by)

    elif kind == "luotain-end-to-end":
        raw = pl.read_parquet(folder / "raw.parquet")

        def run() -> None:
            frame = ResponseFrame.from_strings(questionnaire, raw, registry=registry)
            for by in BREAKDOWNS:
                analyse(frame, by=by)

    else:
        import pandas as pd

        sys.path.insert(0, str(HERE))
        from baseline_pandas import analyse_pandas, prepare

        raw = pd.read_csv(folder / "raw.csv", dtype=str, keep_default_na=False)
        prepared = prepare(questionnaire, raw) if kind == "pandas-analysis" else None

        def run() -> None:
            data = prepared if prepared is not None else prepare(questionnaire, raw)
            for by in BREAKDOWNS:
                analyse_pandas(questionnaire, data, by=by, registry=registry)

    seconds = _timed(run, repeat)
    return {"seconds": seconds, "peak_mb": _peak_mb()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="responses (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.folder), args.repeat)))
        return 0

    sys.path.insert(0, str(HERE))
    from generate import generate_table

    from luotain.analysis import ResponseFrame
    from luotain.questionnaire import load_builtin

    questionnaire = load_builtin(TEMPLATE)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        raw = generate_table(questionnaire, args.n)
        raw.write_parquet(folder / "raw.parquet")
        raw.write_csv(folder / "raw.csv")
        ResponseFrame.from_strings(questionnaire, raw).df.write_parquet(folder / "typed.parquet")
        del raw
        print(f"generated {args.n:,} responses in {time.perf_counter() - start:.1f} s", flush=True)
        results = {}
        for kind in ("luotain-analysis", "pandas-analysis", "luotain-end-to-end", "pandas-end-to-end"):
            out = subprocess.run(  # noqa: S603 - runs this script
                [
                    sys.executable,
                    __file__,
                    "--child",
                    kind,
                    "--folder",
                    str(folder),
                    "--repeat",
                    str(args.repeat),
                ],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            results[kind] = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{kind:20s} {results[kind]['seconds']:7.3f} s   peak {results[kind]['peak_mb']:7.0f} MB",
                flush=True,
            )
    analysis = results["pandas-analysis"]["seconds"] / results["luotain-analysis"]["seconds"]
    end_to_end = results["pandas-end-to-end"]["seconds"] / results["luotain-end-to-end"]["seconds"]
    print(f"speed-up over pandas: analysis {analysis:.1f}x, end to end {end_to_end:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
