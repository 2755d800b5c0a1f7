"""Staff pages and exports over 1M answers: results page, dashboard, live JSON, CSV, PDF.

    .venv/bin/python bench/scale.py                   # 100,000 submissions x 10 answers
    .venv/bin/python bench/scale.py --submissions 20000 --runs 3
    .venv/bin/python bench/scale.py --postgres        # the same on a new PostgreSQL database

Bulk-loads a fresh SQLite (or PostgreSQL) database (one transaction, executemany in chunks),
signs a Hub lead in through the real form, then times each page through the app (in this
process, no HTTP server) as the median of several warm runs, then the live JSON, results page
and dashboard again with a new submission stored before each request, and prints each
against DESIGN.md's target. See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import secrets
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import common
from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from participation import create_app
from participation.accounts.passwords import hash_password
from participation.clock import to_hour, utcnow
from participation.db import make_engine
from participation.models import (
    Activity,
    Answer,
    ParticipationType,
    Question,
    Service,
    Staff,
    Submission,
)
from participation.privacy.redaction import redact

PASSWORD = "bench-password-long-enough-1"
CHUNK = 50_000
QUOTES = 40  # approved answers staff chose as quotes (a report shows the first 12)
ADDED_KEY = "bench-added-"  # submissions sent while timing, removed afterwards
REDACTED_ANSWERS = 20_000
TEXTS = [
    "More trips please and longer sessions on Fridays.",
    "The room is cold in the winter, can we get a heater.",
    "Keep the art sessions, they are good and calm.",
    "Better snacks and more time to talk with workers.",
    "I liked the music day, do it again in the summer.",
    "Sometimes it is too loud and I cannot hear people.",
    "Email me at sam.example@example.org about the trip.",
    "The bus is late so I miss the start of the group.",
]


# ---------------------------------------------------------------- data


def build(url: str, submissions: int, rng: random.Random) -> dict[str, Any]:
    """Services, a lead, one big activity and a few small ones of other types, bulk-filled."""
    engine = make_engine(url)
    with Session(engine) as session:
        hub = Service(name="Bench Hub", kind="hub")
        spokes = [Service(name=f"Bench Spoke {n}", kind="spoke", parent=hub) for n in (1, 2)]
        session.add_all([hub, *spokes])
        session.add(
            Staff(
                email="lead@bench.example.org",
                password_hash=hash_password(PASSWORD),
                role="lead",
                service=hub,
                is_safeguarding_lead=True,
            )
        )
        session.commit()
        service_ids = [hub.id, *(s.id for s in spokes)]
    engine.dispose()

    big_id, _ = common.create_open_activity(url, title="Big youth event")
    small = []
    engine = make_engine(url)
    with Session(engine) as session:
        kinds = list(
            session.scalars(select(ParticipationType.id).order_by(ParticipationType.position))
        )
        # Put the big activity in the Hub and the others across the Spokes and other types.
        session.execute(
            update(Activity).where(Activity.id == big_id).values(service_id=service_ids[0])
        )
        session.commit()
    engine.dispose()
    for number in range(6):
        activity_id, _ = common.create_open_activity(url, title=f"Group {number + 1}")
        small.append(activity_id)
    engine = make_engine(url)
    with Session(engine) as session:
        for number, activity_id in enumerate(small):
            session.execute(
                update(Activity)
                .where(Activity.id == activity_id)
                .values(
                    service_id=service_ids[1 + number % 2],
                    participation_type_id=kinds[1 + number % (len(kinds) - 1)],
                )
            )
        session.commit()
    engine.dispose()

    started = time.perf_counter()
    with indexes_dropped(url, ("answers", "submissions")):
        total_answers = fill(url, big_id, submissions, rng)
        total_answers += sum(fill(url, activity_id, 500, rng) for activity_id in small)
    seconds = time.perf_counter() - started
    choose_quotes(url, big_id)
    common.release_for_research(url, big_id)  # researchers download releases
    return {"big_id": big_id, "answers": total_answers, "load_seconds": seconds}


def choose_quotes(url: str, activity_id: int, count: int = QUOTES) -> None:
    """Mark the first `count` approved written answers of the activity as quotes."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE answers SET is_quote = :yes WHERE id IN (SELECT answers.id FROM answers "
                "JOIN questions ON questions.id = answers.question_id "
                "WHERE questions.activity_id = :a AND answers.moderation = 'approved' "
                "ORDER BY answers.id LIMIT :n)"
            ),
            {"a": activity_id, "n": count, "yes": True},
        )
    engine.dispose()


# (name, CREATE INDEX statement) of a table's own indexes, not those behind a constraint.
SQLITE_INDEXES = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
    "AND tbl_name IN :tables"
)
POSTGRES_INDEXES = (
    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
    "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
    "WHERE t.relname IN :tables "
    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
)


@contextmanager
def indexes_dropped(url: str, tables: tuple[str, ...]) -> Iterator[None]:
    """Drop the tables' indexes for a bulk load and build them again (same SQL) afterwards."""
    engine = make_engine(url)
    listing = SQLITE_INDEXES if engine.dialect.name == "sqlite" else POSTGRES_INDEXES
    with engine.begin() as conn:
        saved = conn.execute(
            text(listing).bindparams(bindparam("tables", expanding=True)),
            {"tables": list(tables)},
        ).all()
        for name, _ in saved:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with engine.begin() as conn:
            for _, sql in saved:
                conn.exec_driver_sql(sql)
        engine.dispose()


def fill(url: str, activity_id: int, count: int, rng: random.Random) -> int:
    """Insert `count` submissions of ten answers each for an activity, in one transaction."""
    engine = make_engine(url)
    with engine.begin() as conn:
        consent_id = conn.execute(
            text("SELECT id FROM consent_versions WHERE activity_id = :a"), {"a": activity_id}
        ).scalar_one()
        questions = conn.execute(
            select(Question.id, Question.kind, Question.options)
            .where(Question.activity_id == activity_id)
            .order_by(Question.position)
        ).all()
        first = (conn.execute(text("SELECT max(id) FROM submissions")).scalar() or 0) + 1
        now = to_hour(utcnow())
        hours = [
            (now - timedelta(hours=h)).strftime("%Y-%m-%d %H:%M:%S.%f") for h in range(24 * 60)
        ]
        # Each question's possible values as whole rows minus the submission id: cheap to pick.
        choices = []
        for question_id, kind, options in questions:
            if kind == "free_text":
                values = [
                    (question_id, 0, None, words, moderation, False)
                    for words in TEXTS
                    for moderation in ["pending"] * 49 + ["approved"]
                ]
            else:
                values = [(question_id, 0, o["code"], None, None, False) for o in options]
            choices.append(values)
        submission_sql = insert_sql(conn, Submission, SUBMISSION_COLUMNS)
        answer_sql = insert_sql(conn, Answer, ANSWER_COLUMNS)
        pick = rng.choice
        written = 0
        for start in range(first, first + count, CHUNK // 10):
            ids = range(start, min(start + CHUNK // 10, first + count))
            conn.exec_driver_sql(
                submission_sql,
                [
                    (
                        sid,
                        activity_id,
                        consent_id,
                        rng.random() < 0.8,
                        f"{sid:064x}",
                        f"bench-{sid:012d}",
                        pick(hours),
                    )
                    for sid in ids
                ],
            )
            rows = [(sid, *pick(values)) for sid in ids for values in choices]
            conn.exec_driver_sql(answer_sql, rows)
            written += len(rows)
        conn.execute(update(Activity).where(Activity.id == activity_id).values(joined_count=count))
    engine.dispose()
    return written


SUBMISSION_COLUMNS = (
    "id",
    "activity_id",
    "consent_version_id",
    "research_consent",
    "withdrawal_code_hash",
    "idempotency_key",
    "submitted_hour",
)
ANSWER_COLUMNS = (
    "submission_id",
    "question_id",
    "part",
    "choice",
    "text",
    "moderation",
    "is_quote",
)


def insert_sql(conn: Any, model: Any, columns: tuple[str, ...]) -> str:
    """The INSERT statement, with the driver's positional placeholders, for `columns`."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names, marks = ", ".join(columns), ", ".join([mark] * len(columns))
    # Only the app's own table and column names go into the SQL; the values are parameters.
    return f"INSERT INTO {model.__tablename__} ({names}) VALUES ({marks})"  # noqa: S608


# ---------------------------------------------------------------- timing


def signed_in_client(app: Any) -> Any:
    """A test client signed in as the Hub lead through the real sign-in form."""
    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = common.CSRF_RE.search(page).group(1)
    response = client.post(
        "/staff/sign-in",
        data={"csrf_token": token, "email": "lead@bench.example.org", "password": PASSWORD},
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed: {response.status_code}")
    return client


def time_get(
    client: Any, url: str, runs: int, headers: dict[str, str] | None = None
) -> tuple[float, float, int, int]:
    """Median wall and CPU seconds of `runs` warm GETs (after one untimed), status and size."""
    response = client.get(url, headers=headers)
    status, size = response.status_code, len(response.get_data())
    walls, cpus = [], []
    for _ in range(runs):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        response.get_data()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
        status = response.status_code
    return statistics.median(walls), statistics.median(cpus), status, size


def add_submission(engine: Any, activity_id: int) -> None:
    """Store one more submission (a copy of the activity's first one), as a phone would."""
    with engine.begin() as conn:
        first, consent = conn.execute(
            text(
                "SELECT id, consent_version_id FROM submissions WHERE activity_id = :a "
                "ORDER BY id LIMIT 1"
            ),
            {"a": activity_id},
        ).one()
        new_id = conn.execute(text("SELECT max(id) FROM submissions")).scalar() + 1
        conn.execute(
            insert(Submission).values(
                id=new_id,
                activity_id=activity_id,
                consent_version_id=consent,
                research_consent=True,
                withdrawal_code_hash=secrets.token_hex(32),
                idempotency_key=ADDED_KEY + secrets.token_hex(8),
                submitted_hour=to_hour(utcnow()),
            )
        )
        conn.execute(
            text(
                "INSERT INTO answers (submission_id, question_id, part, choice, text, moderation,"
                " is_quote) SELECT :new, question_id, part, choice, text, 'pending', :no"
                " FROM answers WHERE submission_id = :first"
            ),
            {"new": new_id, "first": first, "no": False},
        )


def remove_added(url: str) -> None:
    """Delete the submissions `add_submission` stored, so the database can be used again."""
    engine = make_engine(url)
    added = select(Submission.id).where(Submission.idempotency_key.startswith(ADDED_KEY))
    with engine.begin() as conn:
        conn.execute(delete(Answer).where(Answer.submission_id.in_(added)))
        conn.execute(delete(Submission).where(Submission.id.in_(added)))
    engine.dispose()


def time_after_new_answer(
    client: Any, url: str, path: str, activity_id: int, runs: int
) -> tuple[float, float, int, int]:
    """Like `time_get`, but a new submission arrives before each GET (a live event)."""
    engine = make_engine(url)
    client.get(path).get_data()
    walls, cpus = [], []
    status = size = 0
    for _ in range(runs):
        add_submission(engine, activity_id)
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        size = len(response.get_data())
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
        status = response.status_code
    engine.dispose()
    return statistics.median(walls), statistics.median(cpus), status, size


def time_redaction(count: int, rng: random.Random) -> float:
    """Seconds per answer to redact `count` different synthetic answers (nothing cached)."""
    words = " ".join(TEXTS).lower().replace(",", "").replace(".", "").split()
    answers: set[str] = set()
    while len(answers) < count:
        answers.add(f"{rng.choice(TEXTS)} {rng.choice(words)} {rng.choice(words)} too.")
    started = time.perf_counter()
    for answer in answers:
        redact(answer)
    return (time.perf_counter() - started) / count


def rss_kib() -> int:
    """This process's resident memory (KiB)."""
    return _status_kib("VmRSS")


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark for this process (Linux); False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def time_csv(client: Any, url: str, runs: int) -> dict[str, Any]:
    """Stream the CSV: median seconds and rows/s; peak RSS growth; tracemalloc peak in one run."""
    results = []
    for _ in range(runs):
        gc.collect()
        before = rss_kib()
        peak_reset = reset_peak_rss()
        started, cpu_started = time.perf_counter(), time.process_time()
        first_byte = None
        response = client.get(url, buffered=False)
        lines = 0
        size = 0
        for chunk in response.response:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            lines += chunk.count(b"\n")
            size += len(chunk)
        response.close()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        growth = (_status_kib("VmHWM") - before) / 1024 if peak_reset else float("nan")
        results.append((seconds, lines - 1, size, first_byte or 0.0, growth, cpu))
    seconds = statistics.median(r[0] for r in results)
    rows, size = results[0][1], results[0][2]
    # Python-level allocations while streaming (tracemalloc slows it down: not timed).
    tracemalloc.start()
    response = client.get(url, buffered=False)
    for _chunk in response.response:
        pass
    response.close()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "rows": rows,
        "bytes": size,
        "rows_per_s": rows / seconds if seconds else 0.0,
        "first_byte_s": statistics.median(r[3] for r in results),
        "cpu_s": statistics.median(r[5] for r in results),
        "rss_growth_mb": max(r[4] for r in results),
        "traced_peak_mb": traced_peak / 1024 / 1024,
    }


def add_page_row(
    rows: list[list[Any]],
    figures: dict[str, Any],
    name: str,
    target: float,
    seconds: float,
    cpu: float,
    status: int,
    size: int,
) -> bool:
    """Add a timed page to the table and the JSON; whether it met its target."""
    ok = status in (200, 304) and seconds <= target
    rows.append(
        [
            name,
            f"{seconds * 1000:.0f} ms",
            f"<= {target * 1000:.0f} ms",
            f"{status}, CPU {cpu * 1000:.0f} ms, {size:,} bytes",
            verdict(ok),
        ]
    )
    key = name.replace(" ", "_")
    figures[key + "_ms"] = round(seconds * 1000, 1)
    figures[key + "_cpu_ms"] = round(cpu * 1000, 1)
    return ok


PROFILE_TARGETS = {
    "results": "/results/activities/{id}",
    "dashboard": "/results/",
    "live": "/results/activities/{id}/live.json",
    "csv": "/research/activities/{id}/responses.csv",
    "pdf": "/research/activities/{id}/summary.pdf",
}


def profile_page(client: Any, url: str) -> None:
    """Print where the time of one warm GET of `url` goes (cProfile, CPU time)."""
    client.get(url).get_data()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    response = client.get(url)
    response.get_data()
    profiler.disable()
    print(f"GET {url} -> {response.status_code}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(r"participation|sqlalchemy/engine/base|render", 30)
    stats.sort_stats("tottime").print_stats(20)


@contextmanager
def database(path: Path | None, postgres: bool) -> Iterator[tuple[str, bool]]:
    """(URL, reused): a temporary database, or the kept/reused SQLite file at `path`."""
    if postgres:
        with common.fresh_postgres() as url:
            yield url, False
        return
    if path is None:
        with common.fresh_sqlite() as url:
            yield url, False
        return
    url = f"sqlite:///{path.resolve()}"
    if path.exists():
        yield url, True
        return
    common.migrate(url)
    yield url, False


def database_megabytes(url: str) -> float:
    """The size of the database on disk."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).stat().st_size / 1024 / 1024
    engine = make_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return size / 1024 / 1024


def big_activity_id(url: str) -> int:
    """The id of the activity holding most of the answers."""
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            select(Activity.id).where(Activity.title == "Big youth event")
        ).scalar_one()
    engine.dispose()
    return found


def count_answers(url: str) -> int:
    """How many answers are stored."""
    return common.count_rows(url)[1]


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (median)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="use a new PostgreSQL database (PARTICIPATION_BENCH_PG_ADMIN), not SQLite",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="keep the generated SQLite file here, or reuse it when it exists (skips loading)",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILE_TARGETS),
        help="print a cProfile of one page (after one warm run) instead of timing everything",
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    if args.postgres and args.database:
        parser.error("--database keeps a SQLite file; it cannot be used with --postgres")
    with database(args.database, args.postgres) as (url, reused):
        if reused:
            built = {
                "big_id": big_activity_id(url),
                "answers": count_answers(url),
                "load_seconds": 0.0,
            }
            print(f"reusing {url} ({built['answers']:,} answers)", flush=True)
        else:
            print(f"loading {args.submissions:,} submissions x 10 answers ...", flush=True)
            built = build(url, args.submissions, rng)
            database_mb = database_megabytes(url)
            print(
                f"loaded {built['answers']:,} answers in {built['load_seconds']:.1f} s "
                f"({built['answers'] / built['load_seconds']:,.0f} answers/s; {database_mb:.0f} MB)",
                flush=True,
            )
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            engine.dispose()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": common.SECRET})
        client = signed_in_client(app)
        big = built["big_id"]
        if args.profile:
            profile_page(client, PROFILE_TARGETS[args.profile].format(id=big))
            return 0
        remove_added(url)  # left by an interrupted run
        load_before = common.machine()["load_average"]
        rows = []
        figures: dict[str, Any] = {
            "database": backend.lower(),
            "submissions": args.submissions,
            "answers": built["answers"],
            "load_seconds": round(built["load_seconds"], 1),
            "load_average_before": load_before,
        }
        all_ok = True
        live = f"/results/activities/{big}/live.json"
        etag = client.get(live).headers.get("ETag")
        pages = [
            ("results page", f"/results/activities/{big}", 0.300, None),
            ("dashboard", "/results/", 0.500, None),
            ("live JSON", live, 0.050, None),
            ("live JSON unchanged", live, 0.050, {"If-None-Match": etag} if etag else None),
        ]
        for name, url_path, target, headers in pages:
            print(f"timing {name} ...", flush=True)
            timed = time_get(client, url_path, args.runs, headers)
            all_ok &= add_page_row(rows, figures, name, target, *timed)
        print("timing CSV export ...", flush=True)
        csv = time_csv(client, f"/research/activities/{big}/responses.csv", max(1, args.runs // 2))
        answers_per_s = csv["rows"] * 10 / csv["seconds"] if csv["seconds"] else 0.0
        ok_rate = csv["rows_per_s"] >= 100_000
        ok_memory = csv["rss_growth_mb"] <= 50
        all_ok &= ok_rate and ok_memory
        rows.append(
            [
                "CSV export speed",
                f"{csv['rows_per_s']:,.0f} rows/s ({answers_per_s:,.0f} answers/s)",
                ">= 100,000 rows/s",
                f"{csv['rows']:,} rows in {csv['seconds']:.2f} s, CPU {csv['cpu_s']:.2f} s",
                verdict(ok_rate),
            ]
        )
        rows.append(
            [
                "CSV export memory",
                f"{csv['rss_growth_mb']:.1f} MB peak RSS growth",
                "<= 50 MB",
                f"tracemalloc peak {csv['traced_peak_mb']:.1f} MB",
                verdict(ok_memory),
            ]
        )
        rows.append(
            [
                "CSV first byte",
                f"{csv['first_byte_s'] * 1000:.0f} ms",
                "< 1 s (issue 6)",
                "",
                verdict(csv["first_byte_s"] < 1),
            ]
        )
        figures.update(
            csv_rows=csv["rows"],
            csv_seconds=round(csv["seconds"], 2),
            csv_cpu_seconds=round(csv["cpu_s"], 2),
            csv_rows_per_s=round(csv["rows_per_s"]),
            csv_answers_per_s=round(answers_per_s),
            csv_rss_growth_mb=round(csv["rss_growth_mb"], 1),
            csv_traced_peak_mb=round(csv["traced_peak_mb"], 1),
            csv_first_byte_ms=round(csv["first_byte_s"] * 1000),
        )
        print("timing summary PDF ...", flush=True)
        seconds, cpu, status, size = time_get(
            client, f"/research/activities/{big}/summary.pdf", max(1, args.runs // 2)
        )
        ok = status == 200 and seconds <= 3
        all_ok &= ok
        rows.append(
            [
                "summary PDF",
                f"{seconds:.2f} s",
                "<= 3 s",
                f"{status}, CPU here {cpu:.2f} s (+ renderer process), {size:,} bytes",
                verdict(ok),
            ]
        )
        figures["summary_pdf_s"] = round(seconds, 2)
        figures["summary_pdf_cpu_s"] = round(cpu, 2)
        # A live event: a phone sends answers before each request, so nothing kept per
        # version can be used as it is.
        for name, url_path, target in [
            ("live JSON after a new answer", live, 0.050),
            ("results page after a new answer", f"/results/activities/{big}", 0.300),
            ("dashboard after a new answer", "/results/", 0.500),
        ]:
            print(f"timing {name} ...", flush=True)
            timed = time_after_new_answer(client, url, url_path, big, args.runs)
            all_ok &= add_page_row(rows, figures, name, target, *timed)
        remove_added(url)
        print("timing redaction of different answers ...", flush=True)
        per_answer = time_redaction(REDACTED_ANSWERS, rng)
        rows.append(
            [
                "redaction, every answer different",
                f"{1 / per_answer:,.0f} answers/s",
                "",
                f"{per_answer * 1e6:.0f} µs each, {REDACTED_ANSWERS:,} answers",
                "",
            ]
        )
        figures["redaction_us"] = round(per_answer * 1e6, 1)
        print()
        print(
            f"{backend}, {built['answers']:,} answers; median of {args.runs} warm runs "
            f"({max(1, args.runs // 2)} for CSV and PDF); {common.machine()['cpus']} CPUs, "
            f"load average {load_before} before, {common.machine()['load_average']} after"
        )
        common.print_table(["what", "measured", "target", "detail", "result"], rows)
        figures["result"] = verdict(all_ok)
        common.print_json("scale", {**figures, **common.machine()})
        app.extensions["engine"].dispose()
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
