"""Can a flood bury a disclosure? 300 flagged answers from one client, then a real one.

    .venv/bin/python bench/flood.py               # SQLite, one gunicorn
    .venv/bin/python bench/flood.py --postgres    # PostgreSQL + Redis
    .venv/bin/python bench/flood.py --flood 1000

One client (one connection, one cookie jar: a script behind one address) goes through the
young person's journey again and again on one activity (the join code is on its posters),
each time writing "I want to kill myself N" in the text box. Then another phone sends a
real disclosure to another activity. A safeguarding lead signs in and opens the queue.
The script prints what the lead's first page shows, and exits non-zero unless the real
disclosure is on it and the flood that got through is one grouped row. Answers the write
limits refuse are counted as refused, not as errors.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
import time
from pathlib import Path

import common
from sqlalchemy.orm import Session

from participation.accounts.passwords import hash_password
from participation.db import make_engine
from participation.models import Staff

THANKS_MARKER = "Your answers have been sent."
REAL_DISCLOSURE = "My step dad hits me at home when mum is out"
LEAD_EMAIL = "safeguarding@bench.example.org"
LEAD_PASSWORD = "bench-lead-password-2026-ok"
ROW_RE = re.compile(r"<tr data-flag-id=\"(\d+)\"([^>]*)>(.*?)</tr>", re.S)
CELL_RE = re.compile(r"<td>(.*?)</td>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


def add_lead(url: str) -> None:
    """An administrator who is a designated safeguarding lead (sees every service)."""
    engine = make_engine(url)
    with Session(engine) as session:
        session.add(
            Staff(
                email=LEAD_EMAIL,
                password_hash=hash_password(LEAD_PASSWORD),
                role="admin",
                is_safeguarding_lead=True,
            )
        )
        session.commit()
    engine.dispose()


def journey(client: common.Client, code: str, text: str) -> str:
    """One young person's visit: consent, answers with `text`; "sent", "refused" or an error."""
    client.cookie = None
    status, page = client.request("GET", f"/j/{code}")
    if status != 200:
        return "refused" if status == 429 else f"join -> {status}"
    token = common.CSRF_RE.search(page).group(1)
    status, page = client.request("POST", f"/j/{code}", {"csrf_token": token, "choice": "yes"})
    if status != 200 or not common.DRAFT_RE.search(page):
        return "refused" if status in (200, 429) else f"consent -> {status}"
    form = common.answer_form(page, _FixedText(text))
    status, page = client.request("POST", "/answers/send", form)
    if status == 200 and THANKS_MARKER in page:
        return "sent"
    return "refused" if status in (200, 429) else f"send -> {status}"


class _FixedText:
    """Stands in for random.Random in common.answer_form: first choices, our words."""

    def __init__(self, text: str) -> None:
        self.text = text

    def choice(self, values: list[str]) -> str:
        return self.text if values is common.TEXTS else values[0]

    def sample(self, values: list[str], count: int) -> list[str]:
        return values[:count]


def sign_in(port: int) -> common.Client:
    """The safeguarding lead, signed in."""
    client = common.Client("127.0.0.1", port)
    _, page = client.request("GET", "/staff/sign-in")
    token = common.CSRF_RE.search(page).group(1)
    status, _ = client.request(
        "POST",
        "/staff/sign-in",
        {"csrf_token": token, "email": LEAD_EMAIL, "password": LEAD_PASSWORD},
    )
    if status != 302:
        raise RuntimeError(f"sign-in -> {status}")
    return client


def first_page(client: common.Client) -> list[list[str]]:
    """The queue's first page as rows of plain text: flagged, concern, activity, status."""
    status, page = client.request("GET", "/results/safeguarding")
    if status != 200:
        raise RuntimeError(f"queue -> {status}")
    rows = []
    for _, _, cells in ROW_RE.findall(page):
        texts = [
            " ".join(html.unescape(TAG_RE.sub(" ", c)).split()) for c in CELL_RE.findall(cells)
        ]
        rows.append([texts[0].replace(" – open the list", "").replace(" – open this flag", "")])
        rows[-1] += [texts[1], texts[2], texts[4]]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flood", type=int, default=300, help="flagged answers to send")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", default=common.DEFAULT_REDIS)
    args = parser.parse_args()
    database = common.fresh_postgres() if args.postgres else common.fresh_sqlite()
    with database as url, tempfile.TemporaryDirectory(prefix="flood-") as logs:
        _, flood_code = common.create_open_activity(url, title="Poster code")
        _, real_code = common.create_open_activity(url, title="Tuesday group")
        add_lead(url)
        env = {"PARTICIPATION_DATABASE_URL": url}
        if args.postgres:
            env["PARTICIPATION_RATELIMIT_STORAGE_URI"] = args.redis
        server = common.Gunicorn(None, common.ServerSettings(workers=2), env, Path(logs))
        try:
            server.wait_ready()
            attacker = common.Client("127.0.0.1", server.port)
            outcomes: dict[str, int] = {}
            started = time.perf_counter()
            for number in range(args.flood):
                outcome = journey(attacker, flood_code, f"I want to kill myself {number}")
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            flood_seconds = time.perf_counter() - started
            phone = common.Client("127.0.0.1", server.port)
            real = journey(phone, real_code, REAL_DISCLOSURE)
            rows = first_page(sign_in(server.port))
        finally:
            server.stop()

    print(f"Flood: {args.flood} journeys from one client in {flood_seconds:.1f} s: {outcomes}")
    print(f"Real disclosure on another activity: {real}")
    print("\nThe safeguarding lead's first page:\n")
    common.print_table(["Flagged", "Possible concern", "Activity", "Status"], rows)
    real_shown = any(row[2] == "Tuesday group" for row in rows)
    flood_rows = [row for row in rows if row[2] == "Poster code"]
    sent = outcomes.get("sent", 0)
    grouped = len(flood_rows) <= 1 if sent else not flood_rows
    errors = sum(n for outcome, n in outcomes.items() if outcome not in ("sent", "refused"))
    print()
    common.print_json(
        "flood",
        {
            "flood_sent": sent,
            "flood_refused": outcomes.get("refused", 0),
            "flood_errors": errors,
            "flood_rows_on_first_page": len(flood_rows),
            "first_page_rows": len(rows),
            "real_disclosure_on_first_page": real_shown,
            **common.machine(),
        },
    )
    return 0 if real == "sent" and real_shown and grouped and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
