"""Memory soak: young people's submissions at half the measured capacity, watching worker RSS.

    .venv/bin/python bench/soak.py                    # 10 minutes
    .venv/bin/python bench/soak.py --minutes 2 --rate 5

Starts gunicorn (same settings as bench/submit.py, but with max_requests off so a recycled
worker cannot hide a leak) on a fresh SQLite database, measures capacity (unless --rate is
given), then sends submissions at half of it for the given time, sampling every worker's
resident memory. Fails when memory grows more than 10% from the end of the warm-up to the
end of the run, on any error, or when rows stored differ from the 2xx responses.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import common
from submit import Phone, drive

MAX_GROWTH = 0.10


class PacedPhone(Phone):
    """A phone that starts a journey every `interval` seconds (open loop) instead of at once."""

    def __init__(self, port: int, code: str, interval: float, stop_at: float, seed: int) -> None:
        super().__init__([port], code, "one-page", stop_at, seed)
        self.interval = interval

    def run(self) -> None:
        client = common.Client("127.0.0.1", self.ports[0])
        next_start = time.perf_counter() + self.rng.random() * self.interval
        while next_start < self.stop_at:
            time.sleep(max(0.0, next_start - time.perf_counter()))
            try:
                self.journey(client)
            except Exception as exc:
                self.tally.errors.append(str(exc)[:200])
                client.close()
                client = common.Client("127.0.0.1", self.ports[0])
            next_start += self.interval
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10, help="soak length (default 10)")
    parser.add_argument("--rate", type=float, help="submissions/s (default: half the capacity)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--phones", type=int, default=40, help="paced phones sharing the rate")
    parser.add_argument("--sample-seconds", type=float, default=10)
    args = parser.parse_args(argv)
    settings = common.ServerSettings(workers=args.workers, threads=args.threads)
    seconds = args.minutes * 60
    warmup = min(60.0, seconds * 0.2)
    with (
        tempfile.TemporaryDirectory(prefix="participation-soak-") as logs,
        common.fresh_sqlite() as url,
    ):
        _, code = common.create_open_activity(url)
        server = common.Gunicorn(
            None,
            settings,
            {"PARTICIPATION_DATABASE_URL": url},
            Path(logs),
            extra=["--max-requests", "0"],
        )
        try:
            server.wait_ready("/join")
            capacity = None
            probe_submissions = 0
            if args.rate is None:
                print("measuring capacity (15 s, 50 phones) ...", flush=True)
                probe = drive([server.port], code, "one-page", 50, 15, 3, [server])
                if probe.errors:
                    print(f"capacity probe had errors: {probe.errors[:3]}")
                    return 1
                capacity = probe.sps
                probe_submissions = probe.total_submissions
            rate = args.rate or capacity / 2
            print(
                f"soaking at {rate:.1f} submissions/s for {args.minutes:g} min "
                f"({settings.describe()}, max_requests off) ...",
                flush=True,
            )
            stop_at = time.perf_counter() + seconds
            phones = [
                PacedPhone(server.port, code, args.phones / rate, stop_at, seed)
                for seed in range(args.phones)
            ]
            samples: list[tuple[float, dict[int, int]]] = []
            started = time.perf_counter()
            for phone in phones:
                phone.start()
            while time.perf_counter() < stop_at:
                pids = server.worker_pids()
                samples.append(
                    (
                        time.perf_counter() - started,
                        {pid: common.process_rss_kib(pid) for pid in pids},
                    )
                )
                threading.Event().wait(
                    min(args.sample_seconds, max(0, stop_at - time.perf_counter()))
                )
            for phone in phones:
                phone.join(timeout=120)
            pids_at_end = set(server.worker_pids())
        finally:
            server.stop()
        stored, answers = common.count_rows(url)
    sent = sum(len(p.tally.submissions) for p in phones)
    errors = [e for p in phones for e in p.tally.errors]
    latencies = [lat for p in phones for _, lat in p.tally.latencies]
    after_warmup = [s for s in samples if s[0] >= warmup]
    baseline = sum(after_warmup[0][1].values()) if after_warmup else 0
    final = sum(samples[-1][1].values()) if samples else 0
    growth = (final - baseline) / baseline if baseline else 0.0
    replaced = bool(samples) and set(samples[0][1]) != pids_at_end
    print()
    print("time     total worker RSS   per worker (MiB)")
    for at, rss in samples[:: max(1, len(samples) // 20)] + samples[-1:]:
        per = " ".join(f"{v / 1024:5.1f}" for v in rss.values())
        print(f"{at:6.0f} s  {sum(rss.values()) / 1024:8.1f} MiB    {per}")
    achieved = sent / seconds
    checks = {
        "rss_growth_le_10pct": growth <= MAX_GROWTH,
        "zero_errors": not errors,
        "rows_equal_2xx": stored - probe_submissions == sent,
        "workers_not_replaced": not replaced,
    }
    print()
    print(
        f"rate asked {rate:.1f}/s, achieved {achieved:.1f}/s; capacity {capacity:.1f}/s"
        if capacity
        else f"rate asked {rate:.1f}/s, achieved {achieved:.1f}/s"
    )
    print(
        f"worker RSS after warm-up {baseline / 1024:.1f} MiB -> end {final / 1024:.1f} MiB: "
        f"growth {growth * 100:+.1f}% (limit +{MAX_GROWTH * 100:.0f}%)"
    )
    print(
        f"p50 {statistics.median(latencies) * 1000 if latencies else 0:.0f} ms; errors {len(errors)}"
    )
    for error in sorted(set(errors))[:5]:
        print(f"  error: {error}")
    print("checks: " + ", ".join(f"{k} {'PASS' if ok else 'MISS'}" for k, ok in checks.items()))
    common.print_json(
        "soak",
        {
            "minutes": args.minutes,
            "settings": settings.describe(),
            "capacity_per_s": round(capacity, 2) if capacity else None,
            "rate_per_s": round(rate, 2),
            "achieved_per_s": round(achieved, 2),
            "submissions": sent,
            "stored": stored - probe_submissions,
            "answers": answers,
            "errors": len(errors),
            "rss_baseline_mib": round(baseline / 1024, 1),
            "rss_final_mib": round(final / 1024, 1),
            "rss_growth_pct": round(growth * 100, 2),
            "checks": {k: "PASS" if ok else "MISS" for k, ok in checks.items()},
            **common.machine(),
        },
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
