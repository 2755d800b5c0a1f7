"""Time the safeguarding check per answer over the labelled corpus.

Runs the shipped matcher over every corpus answer, round after round, timing each call, and
prints p50/p95/p99 per answer (and the corpus figures). The target is at most 1 ms per answer
at the 95th percentile of CPU time (the process's own, so other programs on a shared machine
do not count); wall-clock percentiles are printed beside it. The script exits non-zero above
the target, and prints one line of JSON last.
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
    walls: list[float] = []
    cpu, wall = time.process_time_ns, time.perf_counter_ns
    for _ in range(args.rounds):
        for text in texts:
            begin, begin_wall = cpu(), wall()
            matcher.check(text)
            walls.append((wall() - begin_wall) / 1e6)
            timings.append((cpu() - begin) / 1e6)
    timings.sort()
    walls.sort()
    p50, p95, p99 = (percentile(timings, s) for s in (0.50, 0.95, 0.99))
    w50, w95, w99 = (percentile(walls, s) for s in (0.50, 0.95, 0.99))
    figures = measure(matcher, corpus())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"safeguarding check: {len(texts)} answers x {args.rounds} rounds")
    print(f"  compile  {compile_ms:9.1f} ms (once, cached while the rules stay the same)")
    print(f"  {'':8} {'CPU':>9} {'wall':>9}  (ms per answer)")
    print(f"  p50      {p50:9.3f} {w50:9.3f}")
    print(f"  p95      {p95:9.3f} {w95:9.3f}  (target: CPU <= {TARGET_P95_MS} ms)")
    print(f"  p99      {p99:9.3f} {w99:9.3f}")
    print(f"  mean     {statistics.fmean(timings):9.3f} {statistics.fmean(walls):9.3f}")
    print(f"  corpus    recall {figures.recall:.1%}, false alarms {figures.false_alarm_rate:.1%}")
    print(f"  machine   {os.cpu_count()} CPUs, load average {load}")
    result = {
        "answers": len(texts),
        "rounds": args.rounds,
        "p50_ms": round(p50, 4),
        "p95_ms": round(p95, 4),
        "p99_ms": round(p99, 4),
        "wall_p50_ms": round(w50, 4),
        "wall_p95_ms": round(w95, 4),
        "wall_p99_ms": round(w99, 4),
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
