"""The outcomes page (change over time) for a Hub of 4 Spokes: 20,000 linked young people.

    .venv/bin/python bench/outcomes.py                      # SQLite
    .venv/bin/python bench/outcomes.py --postgres           # a new PostgreSQL database
    .venv/bin/python bench/outcomes.py --database-url postgresql+psycopg://postgres@host/postgres
    .venv/bin/python bench/outcomes.py --people 2000 --runs 5

Bulk-loads a Hub with 4 Spokes, each running activities of two participation types that ask
the Hub's six standard outcome questions (two per activity). `--people` young people (default
20,000) each give a linking code at 2 to 3 measures of one activity, answering its two
questions: `--answers` linked answers in all (default 100,000); `--unlinked` more answers carry
no linking code. Then signs a Hub lead in through the real form and times GET
/results/outcomes through the app (Flask's test client, no HTTP server):

1. warm, `--runs` times, by service and by participation type: the target is p95 <= 300 ms
   (exit 1 when missed). The page keeps its counts while their fingerprint is unchanged.
2. with a new linked submission stored before each request, so every request counts all
   answers afresh: printed for information, not gated.

Prints wall p50/p95/max, the process's CPU time per request, and the load average.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import common
from scale import PASSWORD, SUBMISSION_COLUMNS, indexes_dropped, insert_sql, signed_in_client
from scale import database as sqlite_database
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from participation import create_app
from participation.accounts.passwords import hash_password
from participation.activities.settings import MAX_GROUP
from participation.db import make_engine
from participation.models import (
    Activity,
    Answer,
    ConsentVersion,
    ParticipationType,
    Question,
    Service,
    Staff,
    Submission,
)
from participation.outcomes import bank

TARGET_MS = 300.0
SPOKES = 4
TYPES = 2
CHUNK = 20_000
START = datetime(2025, 9, 1, 10)  # noqa: DTZ001  stored as naive UTC, as submission hours are
HOUR = "%Y-%m-%d %H:%M:%S.%f"
ANSWER_COLUMNS = (
    "submission_id",
    "question_id",
    "part",
    "choice",
    "text",
    "moderation",
    "is_quote",
)


def build_services(url: str) -> list[tuple[int, int, list[int]]]:
    """The Hub, 4 Spokes, a Hub lead and the activities; [(activity, consent, question ids)]."""
    engine = make_engine(url)
    with Session(engine) as session:
        hub = Service(name="Bench Outcomes Hub", kind="hub")
        spokes = [
            Service(name=f"Bench Spoke {n + 1}", kind="spoke", parent=hub) for n in range(SPOKES)
        ]
        session.add_all([hub, *spokes])
        session.add(
            Staff(
                email="lead@bench.example.org",
                password_hash=hash_password(PASSWORD),
                role="lead",
                service=hub,
            )
        )
        session.flush()
        bank.ensure_standard(session, hub.id)
        session.flush()
        items = bank.bank_for(session, hub.id)
        kinds = list(
            session.scalars(select(ParticipationType).order_by(ParticipationType.position))
        )[:TYPES]
        activities = []
        for spoke in spokes:
            for kind in kinds:
                for pair in range(0, len(items), 2):
                    activity = Activity(
                        service=spoke,
                        participation_type=kind,
                        title=f"{kind.name} check-in {pair // 2 + 1}",
                        intro="How are things at the moment?",
                        join_code=f"O{len(activities):05d}",
                        status="open",
                        expected_group_size=MAX_GROUP,
                    )
                    activity.consent_versions.append(
                        ConsentVersion(version=1, statement="You can skip any question.")
                    )
                    for position, item in enumerate(items[pair : pair + 2]):
                        activity.questions.append(
                            Question(position=position, **bank.question_fields(item))
                        )
                    activities.append(activity)
        session.add_all(activities)
        session.commit()
        found = [(a.id, a.consent_versions[0].id, [q.id for q in a.questions]) for a in activities]
    engine.dispose()
    return found


def measures(args: argparse.Namespace, rng: random.Random) -> list[int]:
    """How many times each young person answered: 2 or 3, adding up to the linked answers."""
    times = [2] * args.people
    extra = max(0, args.answers // 2 - 2 * args.people)
    for person in rng.sample(range(args.people), min(extra, args.people)):
        times[person] = 3
    return times


def fill(url: str, activities: list[tuple[int, int, list[int]]], args: argparse.Namespace) -> int:
    """Insert the linked young people's measures, then the unlinked answers; answers written."""
    rng = random.Random(args.seed)
    rows: list[tuple[Any, ...]] = []
    for person, count in enumerate(measures(args, rng)):
        activity_id, consent_id, questions = rng.choice(activities)
        start = rng.choice(range(0, 24 * 180, 3))
        level = rng.randint(1, 5)
        link = f"{person:064x}"
        for number in range(count):
            hour = START + timedelta(hours=start + number * 24 * rng.randint(14, 60))
            level = max(1, min(5, level + rng.choice((-1, 0, 0, 1, 1))))
            rows.append((activity_id, consent_id, questions, link, hour, level))
    for _ in range(args.unlinked // 2):
        activity_id, consent_id, questions = rng.choice(activities)
        hour = START + timedelta(hours=rng.choice(range(0, 24 * 300, 3)))
        rows.append((activity_id, consent_id, questions, None, hour, rng.randint(1, 5)))
    rng.shuffle(rows)
    engine = make_engine(url)
    written = 0
    columns = (*SUBMISSION_COLUMNS, "link_hash")
    with engine.begin() as conn:
        submission_sql = insert_sql(conn, Submission, columns)
        answer_sql = insert_sql(conn, Answer, ANSWER_COLUMNS)
        first = (conn.execute(text("SELECT max(id) FROM submissions")).scalar() or 0) + 1
        for start in range(0, len(rows), CHUNK):
            chunk = list(enumerate(rows[start : start + CHUNK], start=first + start))
            conn.exec_driver_sql(
                submission_sql,
                [
                    (
                        sid,
                        a,
                        c,
                        True,
                        f"{sid:064x}",
                        f"bench-o-{sid:012d}",
                        hour.strftime(HOUR),
                        link,
                    )
                    for sid, (a, c, _, link, hour, _) in chunk
                ],
            )
            answers = [
                (sid, question, 0, max(1, min(5, level + offset)), None, None, False)
                for sid, (_, _, questions, _, _, level) in chunk
                for question, offset in zip(questions, (0, rng.choice((-1, 0, 1))), strict=True)
            ]
            conn.exec_driver_sql(answer_sql, answers)
            written += len(answers)
    engine.dispose()
    return written


@contextmanager
def postgres_database(admin_url: str) -> Iterator[tuple[str, bool]]:
    """A new PostgreSQL database on the server at `admin_url`, dropped afterwards."""
    with common.fresh_postgres(admin_url) as url:
        yield url, False


def time_page(client: Any, path: str, runs: int) -> tuple[list[float], list[float], int, int]:
    """Wall and CPU milliseconds of `runs` warm GETs (after two untimed), status and size."""
    for _ in range(2):
        response = client.get(path)
    status, size = response.status_code, len(response.get_data())
    walls, cpus = [], []
    for _ in range(runs):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        response.get_data()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu_started) * 1000)
        status = response.status_code
    return walls, cpus, status, size


def row(
    name: str, times: list[float], cpus: list[float], size: int, gate: bool = True
) -> list[str]:
    """One line of the table."""
    p95 = common.percentile(times, 0.95)
    return [
        name,
        f"{common.percentile(times, 0.5):.0f}",
        f"{p95:.0f}",
        f"{max(times):.0f}",
        f"{common.percentile(cpus, 0.5):.0f}",
        f"{size / 1024:.0f}" if size else "",
        ("yes" if p95 <= TARGET_MS else "NO")
        if gate
        else ("(yes)" if p95 <= TARGET_MS else "(no)"),
    ]


def summary(times: list[float], cpus: list[float]) -> dict[str, float]:
    """The figures of one timing for the JSON line."""
    return {
        "p50_ms": round(common.percentile(times, 0.5), 1),
        "p95_ms": round(common.percentile(times, 0.95), 1),
        "cpu_p50_ms": round(common.percentile(cpus, 0.5), 1),
    }


def time_after_new_answers(
    client: Any, url: str, activities: list[tuple[int, int, list[int]]], runs: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of GETs each after a new linked submission: counted afresh."""
    engine = make_engine(url)
    rng = random.Random(7)
    walls, cpus = [], []
    try:
        for number in range(runs):
            activity_id, consent_id, questions = rng.choice(activities)
            with engine.begin() as conn:
                submission_id = (
                    conn.execute(text("SELECT max(id) FROM submissions")).scalar() or 0
                ) + 1
                conn.exec_driver_sql(
                    insert_sql(conn, Submission, (*SUBMISSION_COLUMNS, "link_hash")),
                    (
                        submission_id,
                        activity_id,
                        consent_id,
                        True,
                        f"{submission_id:064x}",
                        f"bench-added-{submission_id:012d}",
                        datetime.now().strftime(HOUR),  # noqa: DTZ005
                        f"added-{number:058d}",
                    ),
                )
                conn.exec_driver_sql(
                    insert_sql(conn, Answer, ANSWER_COLUMNS),
                    [
                        (submission_id, q, 0, rng.randint(1, 5), None, None, False)
                        for q in questions
                    ],
                )
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get("/results/outcomes").get_data()
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu_started) * 1000)
    finally:
        with engine.begin() as conn:
            added = Submission.idempotency_key.like("bench-added-%")
            conn.execute(
                delete(Answer).where(Answer.submission_id.in_(select(Submission.id).where(added)))
            )
            conn.execute(delete(Submission).where(added))
        engine.dispose()
    return walls, cpus


def outcome_activities(url: str) -> list[tuple[int, int, list[int]]]:
    """The bench Hub's activities: (activity, consent version, outcome question ids)."""
    engine = make_engine(url)
    with Session(engine) as session:
        found = [
            (a.id, a.consent_versions[0].id, [q.id for q in a.questions])
            for a in session.scalars(select(Activity).order_by(Activity.id))
        ]
    engine.dispose()
    return found


def main(argv: list[str] | None = None) -> int:
    """Build the Hub, fill it, time the page; 0 when every p95 meets the target."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=20_000, help="linked young people")
    parser.add_argument("--answers", type=int, default=100_000, help="their outcome answers")
    parser.add_argument("--unlinked", type=int, default=10_000, help="answers with no code")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per view")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", action="store_true", help="a new PostgreSQL database")
    parser.add_argument("--database", type=Path, help="keep or reuse a SQLite file here")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to make a throwaway database in (implies --postgres)",
    )
    args = parser.parse_args(argv)
    postgres = args.postgres or bool(args.database_url)
    if postgres:
        database = postgres_database(args.database_url or common.DEFAULT_PG_ADMIN)
    else:
        database = sqlite_database(args.database, False)
    with database as (url, reused):
        if not reused:
            activities = build_services(url)
            started = time.perf_counter()
            with indexes_dropped(url, ("answers", "submissions")):
                fill(url, activities, args)
            print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)
        submissions, answers = common.count_rows(url)
        print(f"{submissions:,} submissions, {answers:,} outcome answers", flush=True)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": common.SECRET})
        client = signed_in_client(app)
        ok, rows, figures = True, [], {}
        print(f"load average before the warm runs: {common.machine()['load_average']}")
        timings = [
            (
                f"outcomes by {view} (warm)",
                view,
                *time_page(client, f"/results/outcomes?view={view}", args.runs),
            )
            for view in ("service", "type")
        ]
        for name, view, times, cpus, status, size in timings:
            ok &= status == 200
            rows.append(row(name, times, cpus, size))
            figures[view] = summary(times, cpus)
        load = common.machine()["load_average"]
        fresh, fresh_cpus = time_after_new_answers(
            client, url, outcome_activities(url), min(args.runs, 10)
        )
        rows.append(
            row("after a new submission (counted afresh)", fresh, fresh_cpus, 0, gate=False)
        )
        figures["after_new_submission"] = summary(fresh, fresh_cpus)
        ok &= all(common.percentile(t, 0.95) <= TARGET_MS for _, _, t, _, _, _ in timings)
        print(f"load average before the fresh runs: {load}")
    machine = common.machine()
    print(f"database: {'PostgreSQL' if postgres else 'SQLite'}; machine: {machine}")
    common.print_table(
        [
            "page",
            "p50 ms",
            "p95 ms",
            "max ms",
            "CPU p50 ms",
            "KiB",
            f"p95 <= {TARGET_MS:g} ms",
        ],
        rows,
    )
    common.print_json(
        "outcomes",
        {
            "database": "postgresql" if postgres else "sqlite",
            "people": args.people,
            "answers": answers,
            **figures,
            **machine,
        },
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
