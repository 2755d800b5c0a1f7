"""Export benchmarks: responses.csv and the research pack of a large activity, and the summary PDF.

    .venv/bin/python bench/exports.py [--submissions 100000] [--postgres]

Fills a fresh database with one ten-question activity of synthetic submissions (about ten
answers each), then streams responses.csv and the research pack ZIP as the download views
do, measuring time to the first byte, rows per second and how much the process's memory
grows. Then it times the summary PDF of a ten-question activity (made in a child process,
as in production). Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bench.common import (
    TEXTS,
    create_open_activity,
    fresh_postgres,
    fresh_sqlite,
    machine,
    print_json,
    print_table,
    process_rss_kib,
    release_for_research,
)
from participation import create_app
from participation.db import make_engine
from participation.models import Activity, Answer, Question, Submission

BATCH = 5000


def fill(url: str, activity_id: int, submissions: int, seed: int = 7) -> int:
    """Add `submissions` synthetic submissions with about ten answers each; returns answers."""
    rng = random.Random(seed)
    engine = make_engine(url)
    answers = 0
    start = datetime(2026, 1, 1)  # noqa: DTZ001 - the app stores naive UTC
    with Session(engine) as session:
        activity = session.get(Activity, activity_id)
        consent_id = activity.current_consent.id
        questions = list(
            session.scalars(select(Question).where(Question.activity_id == activity_id))
        )
        next_id = (session.scalar(select(Submission.id).order_by(Submission.id.desc())) or 0) + 1
        for first in range(0, submissions, BATCH):
            count = min(BATCH, submissions - first)
            subs, rows = [], []
            for offset in range(count):
                sid = next_id + first + offset
                subs.append(
                    {
                        "id": sid,
                        "activity_id": activity_id,
                        "consent_version_id": consent_id,
                        "research_consent": True,
                        "withdrawal_code_hash": secrets.token_hex(32),
                        "idempotency_key": f"bench-{sid}",
                        "submitted_hour": start + timedelta(hours=rng.randrange(24 * 150)),
                    }
                )
                for question in questions:
                    codes = [o["code"] for o in question.options]
                    if question.kind == "multiple_choice":
                        picks = rng.sample(codes, 2)
                    elif codes:
                        picks = [rng.choice(codes)]
                    else:
                        rows.append(
                            {
                                "submission_id": sid,
                                "question_id": question.id,
                                "part": 0,
                                "choice": None,
                                "text": rng.choice(TEXTS),
                                "moderation": "pending",
                                "is_quote": False,
                            }
                        )
                        continue
                    rows.extend(
                        {
                            "submission_id": sid,
                            "question_id": question.id,
                            "part": 0,
                            "choice": code,
                            "text": None,
                            "moderation": None,
                            "is_quote": False,
                        }
                        for code in picks
                    )
            session.execute(insert(Submission), subs)
            session.execute(insert(Answer), rows)
            session.commit()
            answers += len(rows)
    engine.dispose()
    return answers


class PeakRss:
    """Samples this process's resident memory in the background."""

    def __init__(self) -> None:
        self.start = process_rss_kib(_pid())
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, process_rss_kib(_pid()))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, process_rss_kib(_pid()))

    @property
    def growth_mb(self) -> float:
        """Peak minus starting resident memory, in MB."""
        return (self.peak - self.start) / 1024


def _pid() -> int:
    import os

    return os.getpid()


def measure(chunks: Iterator[bytes]) -> tuple[float, float, int, float]:
    """(seconds to first chunk, total seconds, bytes, CPU seconds) for a stream of chunks."""
    started, cpu = time.perf_counter(), time.process_time()
    first = next(chunks)
    first_at = time.perf_counter() - started
    size = len(first)
    for chunk in chunks:
        size += len(chunk)
    return first_at, time.perf_counter() - started, size, time.process_time() - cpu


def main() -> None:
    """Run the export benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL, not SQLite")
    args = parser.parse_args()

    from participation.exports import summary as reports
    from participation.exports.pack import research_pack_chunks
    from participation.exports.releases import get_release, release_selection
    from participation.exports.responses import ResponseExport

    database = fresh_postgres() if args.postgres else fresh_sqlite()
    with database as url:
        activity_id, _ = create_open_activity(url, title="Bench export")
        began = time.perf_counter()
        answers = fill(url, activity_id, args.submissions)
        release_for_research(url, activity_id)
        print(
            f"Filled {args.submissions} submissions, {answers} answers in "
            f"{time.perf_counter() - began:.0f} s",
            flush=True,
        )
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
        results = {}
        with app.app_context():
            from participation.db import get_session

            session = get_session()
            activity = session.get(Activity, activity_id)
            for name in ("csv", "zip", "csv"):  # the CSV again with a warm cache
                with PeakRss() as memory:
                    # What researchers download: the release, rows in its shuffled order.
                    release = release_selection(activity, get_release(session, activity, None))
                    export = ResponseExport(session, activity, release)
                    chunks = export.csv() if name == "csv" else research_pack_chunks(export)
                    first, total, size, cpu = measure(chunks)
                session.rollback()
                results[name] = (first, total, size, cpu, memory.growth_mb)

        small_id, _ = create_open_activity(url, title="Bench summary")
        fill(url, small_id, 300)
        timings = []
        with app.app_context():
            from participation.db import get_session

            session = get_session()
            activity = session.get(Activity, small_id)
            for _ in range(4):
                started = time.perf_counter()
                pdf = reports.activity_pdf(session, activity)
                timings.append(time.perf_counter() - started)
            session.rollback()

    rows = []
    for name, (first, total, size, cpu, growth) in results.items():
        rows.append(
            [
                f"responses.{name}" if name == "csv" else "research pack zip",
                f"{first * 1000:.0f} ms",
                f"{total:.1f} s",
                f"{cpu:.1f} s",
                f"{args.submissions / total:,.0f}",
                f"{answers / total:,.0f}",
                f"{answers / cpu:,.0f}",
                f"{size / 1e6:.1f} MB",
                f"{growth:.1f} MB",
            ]
        )
    print_table(
        [
            "export",
            "first byte",
            "total",
            "CPU",
            "rows/s",
            "answers/s",
            "answers/CPU s",
            "size",
            "memory growth",
        ],
        rows,
    )
    warm = timings[1:]
    print(
        f"Summary PDF, 10 questions, 300 submissions: first {timings[0]:.2f} s, then median "
        f"{statistics.median(warm):.2f} s, max {max(warm):.2f} s ({len(pdf) / 1000:.0f} KB)"
    )
    csv_first, csv_total, _, csv_cpu, csv_growth = results["csv"]
    print_json(
        "exports",
        {
            **machine(),
            "database": "postgresql" if args.postgres else "sqlite",
            "submissions": args.submissions,
            "answers": answers,
            "csv_first_byte_ms": round(csv_first * 1000),
            "csv_rows_per_s": round(args.submissions / csv_total),
            "csv_answers_per_s": round(answers / csv_total),
            "csv_answers_per_cpu_s": round(answers / csv_cpu),
            "csv_memory_growth_mb": round(csv_growth, 1),
            "zip_seconds": round(results["zip"][1], 2),
            "zip_memory_growth_mb": round(results["zip"][4], 1),
            "pdf_first_s": round(timings[0], 2),
            "pdf_median_s": round(statistics.median(warm), 2),
        },
    )


if __name__ == "__main__":
    main()
