"""Summary reports of an activity with 10,000 submissions: PowerPoint, Word and PDF.

Each file is made from scratch (figures, charts, layout) as the results page's download does,
three times; the median must be <= 3 s (DESIGN.md, "Performance targets").

    .venv/bin/python bench/reports.py [--submissions 10000] [--postgres]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    create_open_activity,
    fresh_postgres,
    fresh_sqlite,
    machine,
    print_json,
    print_table,
)
from bench.exports import fill
from participation import create_app
from participation.models import Activity

TARGET_SECONDS = 3.0
RUNS = 3


def main() -> None:
    """Fill an activity, then time each report format."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL, not SQLite")
    args = parser.parse_args()

    from participation.db import get_session
    from participation.exports.report_files import activity_report_file

    database = fresh_postgres() if args.postgres else fresh_sqlite()
    with database as url:
        activity_id, _ = create_open_activity(url, title="Bench report")
        answers = fill(url, activity_id, args.submissions)
        print(f"Filled {args.submissions} submissions, {answers} answers", flush=True)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
        rows, figures, failed = [], {}, False
        with app.test_request_context():
            session = get_session()
            activity = session.get(Activity, activity_id)
            for fmt, young in (("pptx", False), ("docx", False), ("pptx", True), ("pdf", False)):
                seconds, size = [], 0
                for _ in range(RUNS):
                    session.expire_all()
                    began = time.perf_counter()
                    made = activity_report_file(session, activity, fmt, young_people=young)
                    seconds.append(time.perf_counter() - began)
                    size = len(made.body)
                median = statistics.median(seconds)
                name = f"{fmt}{' (young people)' if young else ''}"
                ok = median <= TARGET_SECONDS
                failed |= not ok
                rows.append(
                    [
                        name,
                        f"{median:.2f}",
                        f"{max(seconds):.2f}",
                        f"{size / 1024:.0f}",
                        "yes" if ok else "NO",
                    ]
                )
                figures[name] = {"median_s": round(median, 3), "bytes": size}
    print_table(["report", "median s", "max s", "KiB", f"<= {TARGET_SECONDS:g} s"], rows)
    print_json("reports", {"submissions": args.submissions, **figures, **machine()})
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
