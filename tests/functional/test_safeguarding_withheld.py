"""Flagged words reach safeguarding leads only; release, "Raise a concern", approval re-check."""

from __future__ import annotations

import io
import zipfile

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlalchemy import select

from participation.exports.releases import make_release
from participation.models import AnswerTheme, AuditEvent, Flag, Theme
from participation.models.activities import RESEARCH_ASK
from participation.models.submissions import APPROVED, PENDING
from tests.helpers import csrf_token, page, submit_form, text_of

FLAGGED = "He hits me at home, zebracorn"  # the flagged words no one else may read
CONTROL = "The zebrafinch trip was brilliant"  # ordinary words: proves each check can fail
WITHHELD = "Withheld: with the safeguarding lead"


@pytest.fixture
def signed_in(app, sign_in):
    """Sign a staff member in on a client of their own (several people in one test)."""

    def sign(staff):
        return sign_in(staff, into=app.test_client())

    return sign


@pytest.fixture
def spoke(make):
    return make.service("Millbrook Test Spoke", hub=make.service("Riverside Test Hub", kind="hub"))


@pytest.fixture
def workshop(make, spoke, db_session):
    """Eight young people; one approved quote, and one flagged answer that was approved,
    quoted and themed before the flag (the worst case)."""
    activity = make.activity(spoke, title="Summer workshop", research_sharing=RESEARCH_ASK)
    for _ in range(6):
        make.submission(activity, {0: [{"choice": 4}]})
    control = make.submission(activity, {0: [{"choice": 3}], 4: [{"text": CONTROL}]}).answers[1]
    flagged = make.submission(activity, {0: [{"choice": 3}], 4: [{"text": FLAGGED}]}).answers[1]
    theme = Theme(service_id=spoke.id, name="Trips")
    db_session.add(theme)
    db_session.flush()
    for answer in (control, flagged):
        answer.moderation = APPROVED
        answer.is_quote = True
        db_session.add(AnswerTheme(answer_id=answer.id, theme_id=theme.id))
    flag = Flag(
        answer_id=flagged.id,
        activity_id=activity.id,
        service_id=spoke.id,
        categories="violence",
        severity=2,
    )
    db_session.add(flag)
    db_session.flush()
    make_release(db_session, None, activity)  # what researchers' files are made from
    return activity, control, flagged, flag, theme


def pages_and_files(client, activity, flagged, theme) -> dict[str, str]:
    """The text of every page and download that could show a written answer."""
    base = f"/results/activities/{activity.id}"
    research = f"/research/activities/{activity.id}"
    texts = {}
    for name, url in {
        "written answers": f"{base}/answers",
        "search": f"{base}/answers?q=zebracorn",
        "answer page": f"{base}/answers/{flagged.id}",
        "moderation (pending)": f"{base}/moderation",
        "moderation (approved)": f"{base}/moderation?state=approved",
        "theme": f"/results/themes/{theme.id}",
        "live screen": f"{base}/present?q=5",  # the free-text question
        "live JSON": f"{base}/live.json",
        "summary CSV": f"{research}/summary.csv",
        "responses CSV": f"{research}/responses.csv",
        "service summary CSV": f"/research/services/{activity.service_id}/summary.csv",
    }.items():
        response = client.get(url)
        assert response.status_code == 200, name
        texts[name] = response.get_data(as_text=True)
    for name, url in {
        "summary PDF": f"{research}/summary.pdf",
        "service summary PDF": f"/research/services/{activity.service_id}/summary.pdf",
    }.items():
        response = client.get(url)
        assert response.status_code == 200, name
        reader = PdfReader(io.BytesIO(response.get_data()))
        texts[name] = " ".join(p.extract_text() for p in reader.pages)
    response = client.get(f"{research}/pack.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as pack:
        texts["research pack"] = " ".join(
            pack.read(member).decode("utf-8", "replace") for member in pack.namelist()
        )
    return texts


def page_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ")


FILES = ("summary CSV", "responses CSV", "summary PDF", "research pack", "live JSON")


def test_a_spoke_lead_without_the_safeguarding_role_never_sees_flagged_words(
    make, spoke, workshop, signed_in
):
    activity, _, flagged, _, theme = workshop
    client = signed_in(make.staff("lead", spoke))
    texts = pages_and_files(client, activity, flagged, theme)
    # The search box repeats what was typed; what matters is that nothing was found.
    search = texts.pop("search")
    assert "0 answers containing" in " ".join(page_text(search).split())
    for name, text in texts.items():
        assert "zebracorn" not in text, name
    # The same pages and files do carry ordinary words, so the check above can fail.
    shown = ("written answers", "moderation (approved)", "theme", "live JSON", "live screen")
    for name in (*shown, "responses CSV", "summary PDF", "research pack"):
        assert "zebrafinch" in texts[name], name
    for name in ("written answers", "answer page", "moderation (approved)", "theme"):
        assert WITHHELD in texts[name], name


def test_the_safeguarding_lead_reads_them_on_pages_but_files_still_withhold_them(
    make, spoke, workshop, signed_in
):
    activity, _, flagged, _, theme = workshop
    client = signed_in(make.staff("lead", spoke, safeguarding=True))
    texts = pages_and_files(client, activity, flagged, theme)
    for name in ("written answers", "answer page", "theme"):
        assert "zebracorn" in texts[name], name
    assert "1 answer containing" in " ".join(page_text(texts["search"]).split())
    for name in (*FILES, "live screen", "service summary PDF", "service summary CSV"):
        assert "zebracorn" not in texts[name], name


def test_the_lead_releases_a_false_alarm_with_a_reason(
    make, spoke, workshop, signed_in, db_session
):
    activity, _, _, flag, _ = workshop
    lead = make.staff("lead", spoke, safeguarding=True)
    client = signed_in(lead)
    url = f"/results/safeguarding/{flag.id}"
    empty = submit_form(client, f"{url}/release", {"reason": " "}, form_url=url)
    assert empty.status_code == 400
    assert "Enter why other staff may now read this answer." in text_of(empty)
    response = submit_form(
        client,
        f"{url}/release",
        {"reason": "A story from the session on healthy relationships."},
        form_url=url,
        follow_redirects=True,
    )
    assert "Released. Other staff can now read this answer." in text_of(response)
    assert "A story from the session" in page(response).find(id="flag-release").get_text()
    db_session.refresh(flag)
    assert flag.released_by_id == lead.id
    assert flag.released_at.minute == 0 and flag.released_at.second == 0  # to the hour
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "flag_released")).one()
    assert (event.staff_id, event.target_id) == (lead.id, flag.id)
    assert "reason" not in event.detail  # the trail says who and what, never the words

    other = signed_in(make.staff("lead", spoke))
    answers = other.get(f"/results/activities/{activity.id}/answers").get_data(as_text=True)
    assert "zebracorn" in answers
    live = other.get(f"/results/activities/{activity.id}/live.json").get_json()
    assert any("zebracorn" in text for text in live["texts"])  # it was approved before


def test_staff_raise_a_concern_and_the_words_go_to_the_lead(
    make, spoke, workshop, signed_in, db_session
):
    activity, control, _, _, _ = workshop
    worker = make.staff("lead", spoke)
    client = signed_in(worker)
    answer_url = f"/results/activities/{activity.id}/answers/{control.id}"
    doc = page(client.get(answer_url))
    assert doc.find("h2", string="Does this answer worry you?")
    options = [o["value"] for o in doc.select("#concern-form select[name=category] option")]
    assert "sexual_exploitation" in options and "friend_worry" in options
    concern_url = f"{answer_url}/concern"
    missing = submit_form(client, concern_url, {"category": "", "note": ""}, form_url=answer_url)
    assert "Select what worries you about this answer." in text_of(missing)
    response = submit_form(
        client,
        concern_url,
        {"category": "sexual_exploitation", "note": "Older 'friend' mentioned again."},
        form_url=answer_url,
        follow_redirects=True,
    )
    text = text_of(response)
    assert "The answer has gone to the safeguarding lead" in text
    assert "zebrafinch" not in text and WITHHELD in text
    flag = db_session.scalars(select(Flag).where(Flag.answer_id == control.id)).one()
    assert (flag.source, flag.raised_by_id, flag.severity) == ("staff", worker.id, 2)
    assert flag.categories == "sexual_exploitation"
    db_session.refresh(control)
    assert control.moderation == PENDING  # off the live screen at once
    live = client.get(f"/results/activities/{activity.id}/live.json").get_json()
    assert not any("zebrafinch" in t for t in live["texts"])
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "concern_raised")
    ).one()
    assert (event.staff_id, event.detail) == (worker.id, {"category": "sexual_exploitation"})
    again = client.post(concern_url, data={"category": "bullying", "csrf_token": "x"})
    assert again.status_code in (400, 409)

    lead = signed_in(make.staff("lead", spoke, safeguarding=True))
    row = page(lead.get("/results/safeguarding")).select_one(f'tr[data-flag-id="{flag.id}"]')
    assert "Raised by staff" in row.get_text()
    detail = page(lead.get(f"/results/safeguarding/{flag.id}"))
    assert detail.find(id="flag-text").get_text() == CONTROL
    assert detail.find(id="concern-note").get_text() == "Older 'friend' mentioned again."


def test_moderation_asks_and_rechecks_the_words_at_approval(make, spoke, signed_in, db_session):
    activity = make.activity(spoke)
    # Stored without a flag, as if the check had missed it when it arrived.
    missed = make.submission(activity, {4: [{"text": "my dad hits me when he drinks"}]})
    answer = missed.answers[0]
    client = signed_in(make.staff("lead", spoke))
    moderation = f"/results/activities/{activity.id}/moderation"
    item = page(client.get(moderation)).select_one(f'[data-answer-id="{answer.id}"]')
    assert "Does this answer worry you?" in item.get_text()
    buttons = [b.get_text(" ", strip=True) for b in item.select("form .button")]
    assert buttons[:2] == ["Approve", "Raise a concern about answer 1"]

    response = client.post(
        f"{moderation}/{answer.id}",
        data={"decision": "approve", "csrf_token": csrf_token(client.get(moderation))},
        follow_redirects=True,
    )
    notice = page(response).select_one(".notice--error").get_text(" ", strip=True)
    assert notice.startswith("Not approved. The safeguarding check found words")
    assert "physical and domestic abuse" in notice
    db_session.refresh(answer)
    assert answer.moderation == PENDING
    flag = db_session.scalars(select(Flag).where(Flag.answer_id == answer.id)).one()
    assert (flag.source, flag.status) == ("auto", "new")
    assert "hits me" not in page(response).select_one(f'[data-answer-id="{answer.id}"]').get_text()
    assert db_session.scalar(
        select(AuditEvent.staff_id).where(AuditEvent.action == "flagged_at_approval")
    )


def test_an_answer_the_check_finds_nothing_in_is_approved(make, spoke, signed_in, db_session):
    activity = make.activity(spoke)
    answer = make.submission(activity, {4: [{"text": CONTROL}]}).answers[0]
    client = signed_in(make.staff("lead", spoke))
    moderation = f"/results/activities/{activity.id}/moderation"
    response = client.post(
        f"{moderation}/{answer.id}",
        data={"decision": "approve", "csrf_token": csrf_token(client.get(moderation))},
        follow_redirects=True,
    )
    assert "Approved. It will appear on the live screen." in text_of(response)
    assert db_session.scalars(select(Flag)).all() == []
