"""Drive the young people's pages the way a phone's browser would: follow the forms."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from participation.models import Activity, Answer, Submission
from tests.helpers import csrf_token, page


def _answer_form(response: TestResponse):
    field = page(response).find("input", attrs={"name": "draft"})
    assert field is not None, "no answering form on the page"
    return field.find_parent("form")


def hidden_fields(response: TestResponse) -> dict[str, str]:
    """The hidden inputs of the answering form on a page (csrf token, draft, step)."""
    form = _answer_form(response)
    return {i["name"]: i.get("value", "") for i in form.find_all("input", attrs={"type": "hidden"})}


def form_values(response: TestResponse) -> dict[str, Any]:
    """What a browser would send from the answering form as it stands (before any button)."""
    form = _answer_form(response)
    values: dict[str, list[str]] = {}
    for control in form.find_all(["input", "textarea", "select"]):
        name = control.get("name")
        if not name:
            continue
        if control.name == "textarea":
            values.setdefault(name, []).append(control.get_text())
        elif control.name == "select":
            chosen = control.find("option", selected=True)
            values.setdefault(name, []).append(chosen.get("value", "") if chosen else "")
        elif control.get("type") in ("radio", "checkbox"):
            if control.has_attr("checked"):
                values.setdefault(name, []).append(control.get("value", "on"))
        else:
            values.setdefault(name, []).append(control.get("value", ""))
    return {name: v[0] if len(v) == 1 else v for name, v in values.items()}


def field_name(question: Any, suffix: str = "") -> str:
    """The input name of a question (see the question component)."""
    return f"q{question.id}{suffix}"


class Journey:
    """One young person's visit: consent, then pressing the buttons on each page."""

    def __init__(self, client: FlaskClient, activity: Activity) -> None:
        self.client = client
        self.activity = activity
        self.last: TestResponse | None = None

    @property
    def soup(self) -> BeautifulSoup:
        """The last page, parsed."""
        assert self.last is not None
        return page(self.last)

    def open(self) -> TestResponse:
        """Visit /j/<code> (what the QR code opens)."""
        self.last = self.client.get(f"/j/{self.activity.join_code}")
        return self.last

    def consent(self, choice: str = "yes", research: bool = False) -> TestResponse:
        """Open the consent page and press Yes (or No thanks)."""
        self.open()
        data = {"csrf_token": csrf_token(self.last), "choice": choice}
        if research:
            data["research"] = "yes"
        self.last = self.client.post(f"/j/{self.activity.join_code}", data=data)
        return self.last

    def press(
        self,
        go: str | None = "next",
        fields: dict[str, Any] | None = None,
        *,
        url: str = "/answers",
        **extra: Any,
    ) -> TestResponse:
        """Change `fields` on the current page and press a button (go=next/pass/back)."""
        data: dict[str, Any] = {**form_values(self.last), **(fields or {}), **extra}
        if go is not None:
            data["go"] = go
        self.last = self.client.post(url, data=data)
        return self.last

    def send(self, fields: dict[str, Any] | None = None) -> TestResponse:
        """Press "Send my answers" (from the check page or the one-page form)."""
        return self.press("send", fields, url="/answers/send")

    def progress(self) -> str:
        """The "3 of 8" of the "Question 3 of 8" words above the progress bar."""
        words = self.soup.find(class_="progress__words").get_text(strip=True)
        return words.removeprefix("Question ")

    def heading(self) -> str:
        """The page's main heading."""
        return self.soup.find("h1").get_text(" ", strip=True)


def submissions_of(db: Session, activity: Activity) -> list[Submission]:
    """The stored submissions of an activity."""
    return list(db.scalars(select(Submission).where(Submission.activity_id == activity.id)))


def answer_count(db: Session, activity: Activity) -> int:
    """How many answer rows an activity has."""
    return db.scalar(
        select(func.count())
        .select_from(Answer)
        .join(Submission)
        .where(Submission.activity_id == activity.id)
    )


def answers_by_question(db: Session, submission: Submission) -> dict[int, list[tuple]]:
    """{question position: [(part, choice, text), ...]} for one submission."""
    rows = db.execute(
        select(Answer.question_id, Answer.part, Answer.choice, Answer.text)
        .where(Answer.submission_id == submission.id)
        .order_by(Answer.question_id, Answer.part, Answer.choice)
    ).all()
    positions = {q.id: q.position for q in submission.activity.questions}
    out: dict[int, list[tuple]] = {}
    for question_id, part, choice, text in rows:
        out.setdefault(positions[question_id], []).append((part, choice, text))
    return out
