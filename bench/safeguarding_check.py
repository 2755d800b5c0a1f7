"""Time the safeguarding check per answer over the labelled corpus.

Runs the shipped matcher over every corpus answer, round after round, timing each call, and
prints p50/p95/p99 per answer (and the corpus figures). The target is at most 1 ms per answer
at the 95th percentile; the script exits non-zero above it. Prints one line of JSON last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The scripts run as `python bench/<name>.py` from a checkout: make the package importable.
sys.path.insert(0, str(ROOT))

from participation.safeguarding.check import default_matcher  # noqa: E402
from participation.safeguarding.corpus import corpus, measure  # noqa: E402

TARGET_P95_MS = 1.0


def percentile(ordered: list[float], share: float) -> float:
    """The value below which `share` of the ordered values lie (nearest rank)."""
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50, help="passes over the corpus")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    matcher = default_matcher()
    compile_ms = (time.perf_counter() - started) * 1000
    texts = [answer.text for answer in corpus()]
    for text in texts:  # warm the caches once, as a running server would have them
        matcher.check(text)
    timings: list[float] = []
    clock = time.perf_counter
    for _ in range(args.rounds):
        for text in texts:
            begin = clock()
            matcher.check(text)
            timings.append((clock() - begin) * 1000)
    timings.sort()
    p50, p95, p99 = (percentile(timings, s) for s in (0.50, 0.95, 0.99))
    figures = measure(matcher, corpus())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"safeguarding check: {len(texts)} answers x {args.rounds} rounds")
    print(f"  compile   {compile_ms:8.1f} ms (once, cached while the rules stay the same)")
    print(f"  p50       {p50:8.3f} ms per answer")
    print(f"  p95       {p95:8.3f} ms per answer (target <= {TARGET_P95_MS} ms)")
    print(f"  p99       {p99:8.3f} ms per answer")
    print(f"  mean      {statistics.fmean(timings):8.3f} ms, max {timings[-1]:.3f} ms")
    print(f"  corpus    recall {figures.recall:.1%}, false alarms {figures.false_alarm_rate:.1%}")
    print(f"  machine   {os.cpu_count()} CPUs, load average {load}")
    result = {
        "answers": len(texts),
        "rounds": args.rounds,
        "p50_ms": round(p50, 4),
        "p95_ms": round(p95, 4),
        "p99_ms": round(p99, 4),
        "compile_ms": round(compile_ms, 1),
        "recall": round(figures.recall, 4),
        "false_alarm_rate": round(figures.false_alarm_rate, 4),
        "cpus": os.cpu_count(),
        "load_average": load,
        "target_met": p95 <= TARGET_P95_MS,
    }
    print(json.dumps(result))
    return 0 if p95 <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
