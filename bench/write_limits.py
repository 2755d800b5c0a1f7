"""Limits on anonymous writes: how many of a real class, and of a script, get through.

Every phone and the script share one address (one client key), as behind a school's NAT.
The app runs in this process on a fresh SQLite database with the in-memory limiter; the
limiter's clock is simulated, so a class spread over minutes runs in seconds. Prints a
table, then one line of JSON; exits non-zero when a class is not all through or a script
stores more than the group's allowance.

    .venv/bin/python bench/write_limits.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `tests`

from participation import create_app, throttle
from participation.accounts.passwords import hash_password
from participation.activities import group_size
from participation.activities.codes import new_join_code
from participation.activities.kinds import question_spec
from participation.commands.migrate import upgrade
from participation.commands.seed import ensure_reference_data
from participation.db import make_engine
from participation.models import (
    Activity,
    ConsentVersion,
    ParticipationType,
    Question,
    Service,
    Staff,
)
from tests.functional.youth_crowds import Clock, run_class, run_script
from tests.helpers import PASSWORD, csrf_token, submit_form

DAY = 24 * 60 * 60


def make_activity(session: Session, service: Service, size: int) -> Activity:
    """An open one-page activity of two questions expecting `size` young people."""
    kind = session.query(ParticipationType).order_by(ParticipationType.position).first()
    activity = Activity(
        service=service,
        participation_type=kind,
        title=f"Bench group of {size}",
        join_code=new_join_code(),
        status="open",
        one_page=True,
        expected_group_size=size,
    )
    activity.consent_versions.append(ConsentVersion(version=1, statement="You can skip anything."))
    for position, spec in enumerate(
        [
            question_spec("emoji_scale", "How was today?"),
            question_spec("free_text", "What should change?", max_length=200),
        ]
    ):
        activity.questions.append(Question(position=position, **spec))
    session.add(activity)
    session.commit()
    return activity


def main() -> int:
    """Run every scenario and print the figures."""
    folder = Path(tempfile.mkdtemp(prefix="participation-limits-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    session = Session(engine, expire_on_commit=False)
    ensure_reference_data(session)
    service = Service(name="Bench Spoke", kind="hub")
    lead = Staff(
        email="lead@bench.example.org",
        password_hash=hash_password(PASSWORD),
        role="lead",
        service=service,
    )
    session.add_all([service, lead])
    session.commit()
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40, "BASE_URL": "http://bench.test"}
    )
    app.instance_path = str(folder)
    clock = Clock()
    throttle.now = clock
    staff = app.test_client()
    submit_form(staff, "/staff/sign-in", {"email": lead.email, "password": PASSWORD})

    def lead_for(activity: Activity):
        def press() -> None:
            present = f"/results/activities/{activity.id}/present"
            token = csrf_token(staff.get(present))
            staff.post(
                f"/results/activities/{activity.id}/let-more-join", data={"csrf_token": token}
            )

        return press

    rows, checks = [], {}
    classes = [
        ("class of 40, size set to 40, joining over 2 min", 40, 40, {}),
        ("class of 40, size set to 40, all send within 5 s", 40, 40, {"send_together": 5.0}),
        ("class of 40, size left at 30, lead lets more join", 40, 30, {"lead": True}),
        ("venue of 60 on one Wi-Fi, size set to 60", 60, 60, {"join_over": 240.0}),
    ]
    for label, people, size, options in classes:
        clock.at += DAY
        activity = make_activity(session, service, size)
        if options.pop("lead", False):
            options["lead"] = lead_for(activity)
        started = time.perf_counter()
        crowd = run_class(app, activity, clock, people=people, **options)
        rows.append(
            {
                "scenario": label,
                "through": len(crowd.sent),
                "of": people,
                "held back": len(crowd.asked_to_wait),
                "minutes": round(crowd.minutes, 1),
                "run seconds": round(time.perf_counter() - started, 1),
            }
        )
        checks[label] = len(crowd.sent) == people
    for attempts, every in ((300, 0.05), (1000, 0.01)):
        clock.at += DAY
        activity = make_activity(session, service, 30)
        started = time.perf_counter()
        script = run_script(app, activity, clock, attempts=attempts, every=every)
        label = f"script: {attempts} say-yes-and-send, one every {every * 2:g} s"
        rows.append(
            {
                "scenario": label,
                "through": script.stored,
                "of": attempts,
                "held back": script.refused,
                "minutes": round(attempts * every * 2 / 60, 1),
                "run seconds": round(time.perf_counter() - started, 1),
            }
        )
        checks[label] = script.stored <= group_size.join_allowance(30)
    session.close()
    engine.dispose()

    columns = list(rows[0])
    widths = [max(len(str(c)), *(len(str(r[c])) for r in rows)) for c in columns]
    print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
    print(f"per client and activity: burst {throttle.BURST} per {throttle.BURST_SECONDS} s")
    print(
        "session budget = expected group size + margin "
        f"(30 -> {group_size.join_allowance(30)} joins, {group_size.send_allowance(30)} sends)"
    )
    print("checks: " + ", ".join(f"{k} {'PASS' if ok else 'MISS'}" for k, ok in checks.items()))
    print(json.dumps({"rows": rows, "checks": checks}))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
