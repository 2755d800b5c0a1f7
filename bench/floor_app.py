"""The same-stack floor: the young person's journey done as plainly as Flask + SQLAlchemy allow.

bench/submit.py runs it beside the real app, under the same gunicorn settings and on a copy
of the same database, to show what the journey costs on this stack with nothing extra:

- Flask's signed-cookie session, and Flask-WTF's CSRF token in every form;
- SQLAlchemy Core reads of the activity and its ten questions (no ORM, no cache), and the
  joined-count update when the young person says yes;
- one Jinja template rendering the same ten-question form (the same markup as the real
  page, within 10% of its size), with the help links;
- the answers in progress in a signed hidden field (itsdangerous);
- the send as `BEGIN IMMEDIATE`, one submission and its answers in one executemany, on
  SQLite in WAL mode with synchronous=NORMAL.

It checks what it must to store answers safely (the token, the signature, that each value
is an option of its question) and nothing else: no rate limits, no safeguarding check, no
kiosk, no idempotency replay page, no withdrawal code. The database URL comes from
PARTICIPATION_DATABASE_URL, as for the real app.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Flask, abort, render_template, request, session
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import DictLoader
from sqlalchemy import create_engine, event, text

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("PARTICIPATION_SECRET_KEY", "floor-secret")
CSRFProtect(app)
engine = create_engine(os.environ["PARTICIPATION_DATABASE_URL"])
drafts = URLSafeSerializer(app.config["SECRET_KEY"], salt="floor-draft")


@event.listens_for(engine, "connect")
def _sqlite_settings(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # BEGIN is ours to say (IMMEDIATE for the send)
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


ACTIVITY = text(
    "SELECT id, title, intro, status FROM activities WHERE join_code = :code AND status = 'open'"
)
ACTIVITY_BY_ID = text("SELECT id, title, status FROM activities WHERE id = :id")
QUESTIONS = text(
    "SELECT id, kind, prompt, options, settings FROM questions "
    "WHERE activity_id = :id ORDER BY position"
)
CONSENT = text(
    "SELECT id, statement FROM consent_versions WHERE activity_id = :id ORDER BY version DESC"
)
JOINED = text("UPDATE activities SET joined_count = joined_count + 1 WHERE id = :id")
SUBMISSION = text(
    "INSERT INTO submissions (activity_id, consent_version_id, research_consent, "
    "withdrawal_code_hash, idempotency_key, submitted_hour) "
    "VALUES (:activity_id, :consent, 0, :hash, :key, :hour) RETURNING id"
)
ANSWER = text(
    "INSERT INTO answers (submission_id, question_id, part, choice, text, moderation, is_quote) "
    "VALUES (:submission_id, :question_id, 0, :choice, :text, :moderation, 0)"
)

FACES = [
    f'<svg class="face" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" '
    f'focusable="false"><circle cx="12" cy="12" r="10.5" fill="#ffd54f" stroke="currentColor" '
    f'stroke-width="1.5"/><circle cx="8.5" cy="10" r="1.3" fill="currentColor"/><circle '
    f'cx="15.5" cy="10" r="1.3" fill="currentColor"/><path d="M7.5 {14 + n / 2} Q12 '
    f'{20 - n} 16.5 {14 + n / 2}" fill="none" stroke="currentColor" stroke-width="1.6" '
    f'stroke-linecap="round"/></svg>'
    for n in range(1, 6)
]
LIGHTS = {
    1: ("red", "Red:", "not good, needs to change"),
    2: ("amber", "Amber:", "some good, some not"),
    3: ("green", "Green:", "good, keep it going"),
}
HELP = [
    (
        "Childline",
        "https://www.childline.org.uk/",
        "Call free on 0800 1111, any time, or chat online. It will not show on your phone bill.",
        "08001111",
        "0800 1111",
    ),
    (
        "CEOP",
        "https://www.ceop.police.uk/Safety-Centre/",
        "Report it if someone online is making you feel worried or unsafe.",
        "",
        "",
    ),
    ("999", "", "If you are in danger right now, call 999.", "999", "999"),
]
# The display switches every young person's page carries (here they change nothing).
SWITCHES = [
    ("lang", "cy", "Cymraeg"),
    ("easy", "on", "Easy read"),
    ("colours", "auto", "Like my phone"),
    ("colours", "light", "Light"),
    ("colours", "dark", "Dark"),
    ("colours", "high", "High contrast"),
]

# The same page as the app's, markup for markup where the journey shows it: the exit bar,
# the switches, the questions with their words, the help footer (bench/submit.py checks the
# form page is within 10% of the app's).
PAGE = """<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex, nofollow">
  <meta name="referrer" content="no-referrer">
  <title>Feedback</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/app.css">
</head>
<body class="youth colours-auto">
  <a class="skip-link" href="#main">Skip to main content</a>
  <header class="youth-header">
    <a class="exit-button" href="/leave" rel="noreferrer" data-exit>Leave this site</a>
    <p class="exit-hint">Or press <kbd>Shift</kbd> 3 times to leave quickly.</p>
  </header>
  {%- set posted = ' form="answers" formaction="/answers" formmethod="post" formnovalidate' if page == "form" else '' %}
  <nav class="switches" aria-label="Language and display">{% if page != "form" %}<form class="switches__form" method="get" action="/j/{{ code }}">{% endif %}
  {%- for name, value, label in switches %}
    {%- if loop.index == 3 %}
    <details class="switch-menu">
      <summary class="switch">Colours</summary>
      <div class="switch-menu__list">{% endif %}
    <button class="switch" type="submit" name="{{ name }}" value="{{ value }}" aria-pressed="{{ 'true' if value == 'auto' else 'false' }}"{{ posted|safe }}>{{ label }}</button>
  {%- endfor %}
      </div>
    </details>
  {% if page != "form" %}</form>{% endif %}</nav>
  <main id="main" class="page" tabindex="-1">
  <h1>{{ title }}</h1>
  {% if page == "consent" %}
  <p class="lead">{{ intro }}</p>
  <p>{{ statement }}</p>
  <form method="post" action="/j/{{ code }}">
    <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
    <button class="button" type="submit" name="choice" value="yes">Yes, I want to take part</button>
    <button class="button button--secondary" type="submit" name="choice" value="no">No thanks</button>
  </form>
  {% elif page == "form" %}
  <p>There are {{ questions|length }} questions. You can pass any you do not want to answer.</p>
  <form id="answers" method="post" action="/answers/send" novalidate autocomplete="off">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <input type="hidden" name="draft" value="{{ draft }}">
  <input type="hidden" name="step" value="all">
  {% for q in questions %}
      <div class="question-block" data-listen-area data-listen-label="Listen" data-stop-label="Stop">
    {% if q.kind == "free_text" %}
  <div class="field">
    <label class="label label--question" for="q{{ q.id }}">{{ q.prompt }}</label>
    <p class="hint char-count" id="q{{ q.id }}-limit" data-left="{n} characters left" data-over="{n} characters too many">You can write up to {{ q.settings.max_length }} characters.</p>
    <textarea class="input" id="q{{ q.id }}" name="q{{ q.id }}" rows="5" data-max-length="{{ q.settings.max_length }}" autocomplete="off" aria-describedby="q{{ q.id }}-limit"></textarea>
  </div>
    {% else %}
        <fieldset class="question">
      <legend><span data-listen>{{ q.prompt }}</span></legend>
      <div class="choices choices--{{ q.kind|replace('_', '-') }}">
      {% for o in q.options %}
      <div class="choice">
        <input type="{{ 'checkbox' if q.kind == 'multiple_choice' else 'radio' }}" id="q{{ q.id }}{{ '' if loop.first else '-' ~ o.code }}" name="q{{ q.id }}" value="{{ o.code }}">
        <label for="q{{ q.id }}{{ '' if loop.first else '-' ~ o.code }}">
          {%- if q.kind == "emoji_scale" %}{{ faces[o.code - 1]|safe }}<span class="choice__text">{{ o.label }}</span>
          {%- elif q.kind == "traffic_light" %}{% set light = lights[o.code] %}
            <span class="lamp lamp--{{ light[0] }}" aria-hidden="true"></span>
            <span class="choice__text"><strong>{{ light[1] }}</strong> <span class="choice__more">{{ light[2] }}</span></span>
          {%- else %}
            <span class="mark" aria-hidden="true"></span>
            <span class="choice__text">{{ o.label }}</span>{% endif %}
        </label>
      </div>
      {% endfor %}
  </div>
    </fieldset>
    {% endif %}
        <div class="field field--checkbox">
          <input class="checkbox-input" type="checkbox" id="pass-{{ loop.index }}" name="pass" value="{{ q.id }}">
          <label class="checkbox-label" for="pass-{{ loop.index }}">Pass this question<span class="visually-hidden"> ({{ loop.index }} of {{ questions|length }})</span></label>
        </div>
      </div>
  {% endfor %}
    <p>Nothing is saved until you press Send.</p>
    <button class="button button--large" type="submit">Send my answers</button>
  </form>
  {% else %}
  <div class="panel panel--success">
    <h1>Thank you</h1>
    <p>Your answers have been sent.</p>
  </div>
  {% endif %}
  </main>
  <footer class="help" aria-labelledby="help-heading">
    <h2 id="help-heading">Need to talk to someone?</h2>
    <ul class="help-links">
    {% for name, href, words, tel, shown in help %}
        <li>
          <strong>{% if href %}<a href="{{ href }}" rel="noreferrer">{{ name }}</a>{% else %}{{ name }}{% endif %}</strong>
          {{ words }}
          {% if tel %}<a class="help-call" href="tel:{{ tel }}">Call {{ shown }}</a>{% endif %}
        </li>
    {% endfor %}
    </ul>
    <p class="youth-links">
      <a href="/privacy" target="_blank">Your privacy<span class="visually-hidden"> (opens in a new tab)</span></a>
      <a href="/accessibility" target="_blank">Accessibility<span class="visually-hidden"> (opens in a new tab)</span></a>
    </p>
  </footer>
  <script src="/static/exit.js" defer></script><script src="/static/youth.js" defer></script>
</body>
</html>"""


app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once, like the app's templates


def _render(page: str, **context: Any) -> str:
    return render_template(
        "page.html",
        page=page,
        faces=FACES,
        lights=LIGHTS,
        help=HELP,
        switches=SWITCHES,
        **context,
    )


def _questions(connection: Any, activity_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(QUESTIONS, {"id": activity_id}).mappings().all()
    return [
        {**row, "options": json.loads(row["options"]), "settings": json.loads(row["settings"])}
        for row in rows
    ]


@app.get("/")
def hello() -> str:
    """Ready check."""
    return "floor"


@app.get("/j/<code>")
def consent_page(code: str) -> str:
    """The consent page: the activity and its statement, a CSRF token in the session."""
    with engine.connect() as connection:
        activity = connection.execute(ACTIVITY, {"code": code}).mappings().first()
        if activity is None:
            abort(404)
        consent = connection.execute(CONSENT, {"id": activity["id"]}).first()
    return _render(
        "consent", code=code, title=activity["title"], intro=activity["intro"], statement=consent[1]
    )


@app.post("/j/<code>")
def say_yes(code: str) -> str:
    """Yes: count the join, then the ten-question form with a signed draft."""
    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        activity = connection.execute(ACTIVITY, {"code": code}).mappings().first()
        if activity is None or request.form.get("choice") != "yes":
            connection.exec_driver_sql("ROLLBACK")
            abort(404)
        connection.execute(JOINED, {"id": activity["id"]})
        connection.exec_driver_sql("COMMIT")
        consent = connection.execute(CONSENT, {"id": activity["id"]}).first()
        questions = _questions(connection, activity["id"])
    session["joined"] = activity["id"]
    draft = drafts.dumps({"a": activity["id"], "v": consent[0], "k": secrets.token_urlsafe(16)})
    return _render("form", title=activity["title"], questions=questions, draft=draft, code=code)


def _answer_rows(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for question in questions:
        name = f"q{question['id']}"
        if question["kind"] == "free_text":
            value = request.form.get(name, "").strip()
            if value:
                rows.append({"question_id": question["id"], "choice": None, "text": value[:500]})
            continue
        codes = {option["code"] for option in question["options"]}
        for raw in request.form.getlist(name):
            if not raw.isdigit() or int(raw) not in codes:
                abort(400)
            rows.append({"question_id": question["id"], "choice": int(raw), "text": None})
    return rows


@app.post("/answers/send")
def send() -> str:
    """Store one submission and its answers in one BEGIN IMMEDIATE transaction."""
    try:
        draft = drafts.loads(request.form.get("draft", ""))
    except BadSignature:
        abort(400)
    with engine.connect() as connection:
        activity = connection.execute(ACTIVITY_BY_ID, {"id": draft["a"]}).mappings().first()
        if activity is None or activity["status"] != "open":
            abort(409)
        questions = _questions(connection, draft["a"])
        rows = _answer_rows(questions)
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        submission_id = connection.execute(
            SUBMISSION,
            {
                "activity_id": draft["a"],
                "consent": draft["v"],
                "hash": hashlib.sha256(draft["k"].encode()).hexdigest(),
                "key": draft["k"],
                "hour": datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None),
            },
        ).scalar()
        if rows:
            connection.execute(
                ANSWER,
                [
                    {
                        **row,
                        "submission_id": submission_id,
                        "moderation": "pending" if row["text"] else None,
                    }
                    for row in rows
                ],
            )
        connection.exec_driver_sql("COMMIT")
    session.pop("joined", None)
    return _render("thanks", title=activity["title"], code="")
