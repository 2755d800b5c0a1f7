"""The activity page's parts (Questions, Share, Settings) with 50 questions: <= 150 ms each.

.venv/bin/python bench/studio.py [--postgres]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.orm import Session

from bench import common
from bench.scale import PASSWORD, signed_in_client, time_get
from participation import create_app
from participation.accounts.passwords import hash_password
from participation.activities.questions import MAX_QUESTIONS
from participation.db import make_engine
from participation.models import Activity, Question, Staff

TARGET_MS = 150
RUNS = 15


def build(url: str) -> int:
    """A lead and an open activity with 50 questions; returns the activity id."""
    activity_id, _ = common.create_open_activity(url, title="Bench studio")
    engine = make_engine(url)
    with Session(engine) as session:
        activity = session.get(Activity, activity_id)
        specs = common.bench_questions()
        while len(activity.questions) < MAX_QUESTIONS:
            spec = specs[len(activity.questions) % len(specs)]
            activity.questions.append(Question(position=len(activity.questions), **spec))
        session.add(
            Staff(
                email="lead@bench.example.org",
                password_hash=hash_password(PASSWORD),
                role="lead",
                service_id=activity.service_id,
            )
        )
        session.commit()
    engine.dispose()
    return activity_id


def main() -> None:
    """Time each part of the activity page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL, not SQLite")
    args = parser.parse_args()
    database = common.fresh_postgres() if args.postgres else common.fresh_sqlite()
    with database as url:
        activity_id = build(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40})
        client = signed_in_client(app)
        base = f"/studio/activities/{activity_id}"
        rows, figures, failed = [], {}, False
        for name, path in (
            ("Questions", base),
            ("Share", f"{base}/share"),
            ("Settings", f"{base}/settings"),
            ("Add a question", f"{base}/questions/new"),
            ("Activity list", "/studio/"),
        ):
            wall, cpu, status, size = time_get(client, path, RUNS)
            ok = status == 200 and wall * 1000 <= TARGET_MS
            failed |= not ok
            rows.append(
                [
                    name,
                    status,
                    f"{wall * 1000:.1f}",
                    f"{cpu * 1000:.1f}",
                    f"{size / 1024:.0f}",
                    "yes" if ok else "NO",
                ]
            )
            figures[name] = {"ms": round(wall * 1000, 1), "bytes": size}
    common.print_table(["part", "status", "median ms", "cpu ms", "KiB", f"<= {TARGET_MS} ms"], rows)
    common.print_json("studio", {"questions": MAX_QUESTIONS, **figures, **common.machine()})
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
