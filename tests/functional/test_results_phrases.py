"""Safeguarding leads add phrases or patterns to the check, after previewing them on the corpus."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.activities.codes import new_idempotency_key
from participation.activities.kinds import question_spec
from participation.answering.submissions import record_submission
from participation.models import AuditEvent, SafeguardingPhrase
from participation.models.enums import QuestionKind
from participation.safeguarding.check import default_matcher
from participation.safeguarding.corpus import corpus, measure
from tests.conftest import TEST_SECRET
from tests.helpers import page, submit_form, text_of

URL = "/results/safeguarding/phrases"


def listed(doc, list_id: str) -> list[str]:
    return [q.get_text() for q in doc.select(f"#{list_id} li q")]


def flagged_as(db_session, make, text: str) -> list[str]:
    """The categories a young person's answer `text` is flagged with when sent."""
    activity = make.activity(questions=[question_spec(QuestionKind.FREE_TEXT, "Anything else?")])
    answers = {activity.questions[0].id: text}
    result = record_submission(
        db_session,
        activity,
        activity.current_consent,
        False,
        answers,
        new_idempotency_key(),
        TEST_SECRET,
    )
    return list(result.categories)


def phrase_rows(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(SafeguardingPhrase)) or 0


def audit_actions(db_session) -> list[str]:
    return list(
        db_session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("phrase_%"))
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def lead(make):
    return make.staff("lead", safeguarding=True)


def test_preview_lists_the_corpus_answers_a_new_pattern_would_flag(sign_in, lead, db_session):
    client = sign_in(lead)
    form = {"category": "neglect", "phrase": "(chips/pizza)", "effect": "flag"}
    doc = page(submit_form(client, URL, {**form, "action": "preview"}))

    expected = [a.text for a in corpus() if "chips" in a.text.split() or "pizza" in a.text.split()]
    assert sorted(listed(doc, "preview-flagged")) == sorted(expected)
    assert (
        "No answer in the test set would stop being flagged."
        in doc.find(id="preview-unflagged").get_text()
    )
    # Each is labelled as a false alarm, and the figures say so before and after.
    items = doc.select("#preview-flagged li")
    assert all("labelled not a disclosure" in li.get_text() for li in items)
    before = measure(default_matcher(), corpus())
    after_rate = (before.false_alarms + len(expected)) / before.negatives
    figures = " ".join(doc.find(id="preview-figures").get_text(" ").split())
    assert f"False alarms {before.false_alarm_rate:.1%} now, {after_rate:.1%} with" in figures
    # Nothing is saved by a preview, but it is audited; the Save button is offered.
    assert phrase_rows(db_session) == 0
    assert audit_actions(db_session) == ["phrase_previewed"]
    assert doc.find("button", attrs={"name": "action", "value": "save"})


def test_preview_of_an_exception_lists_what_it_would_unflag(sign_in, lead):
    client = sign_in(lead)
    form = {"category": "suicide", "phrase": "want to die", "effect": "exception"}
    doc = page(submit_form(client, URL, {**form, "action": "preview"}))
    unflagged = listed(doc, "preview-unflagged")
    assert "honestly just want to die" in unflagged
    assert all("die" in text for text in unflagged)
    item = doc.select("#preview-unflagged li")[unflagged.index("honestly just want to die")]
    assert "labelled a disclosure (Suicide)" in " ".join(item.get_text().split())
    assert listed(doc, "preview-flagged") == []


def test_saving_a_pattern_makes_the_check_use_it(sign_in, lead, make, db_session):
    client = sign_in(lead)
    form = {
        "category": "criminal_exploitation",
        "phrase": "(mind/minding) [goods] for (them/him)",
        "effect": "flag",
        "action": "save",
    }
    response = submit_form(client, URL, form, follow_redirects=True)
    assert (
        "Added “(mind/minding) [goods] for (them/him)” to Criminal exploitation and county lines."
        in text_of(response)
    )
    saved = db_session.scalars(select(SafeguardingPhrase)).one()
    assert (saved.kind, saved.is_active) == ("pattern", True)
    assert audit_actions(db_session) == ["phrase_added"]
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "phrase_added")).one()
    assert event.staff_id == lead.id
    assert event.detail == {"category": "criminal_exploitation", "kind": "pattern"}
    row = page(response).select_one(f'tr[data-phrase-id="{saved.id}"]')
    assert "Pattern" in row.get_text()

    assert flagged_as(db_session, make, "i mind bits for him") == ["criminal_exploitation"]


def test_an_exception_saved_stops_those_words_flagging(sign_in, lead, make, db_session):
    client = sign_in(lead)
    form = {"category": "suicide", "phrase": "want to die", "effect": "exception"}
    submit_form(client, URL, {**form, "action": "save"})
    assert db_session.scalars(select(SafeguardingPhrase.kind)).one() == "exception"
    assert flagged_as(db_session, make, "i want to die") == []
    assert flagged_as(db_session, make, "i want to kms") == ["suicide"]


def test_mistakes_are_shown_and_nothing_is_saved(sign_in, lead, db_session):
    client = sign_in(lead)
    missing = page(submit_form(client, URL, {"category": "", "phrase": "", "effect": "flag"}))
    summary = missing.select_one(".error-summary").get_text()
    assert "Select a category." in summary and "Enter a word, phrase or pattern." in summary
    bad = page(
        submit_form(client, URL, {"category": "bullying", "phrase": "[nope] me", "effect": "flag"})
    )
    assert "there is no word list called [nope]" in bad.select_one(".error-summary").get_text()
    assert not bad.find(id="preview")
    submit_form(
        client, URL, {"category": "bullying", "phrase": "fish", "effect": "flag", "action": "save"}
    )
    again = page(
        submit_form(
            client,
            URL,
            {"category": "bullying", "phrase": "FISH", "effect": "flag", "action": "save"},
        )
    )
    assert "That is already in this category." in again.select_one(".error-summary").get_text()
    assert phrase_rows(db_session) == 1


def test_a_rule_can_be_switched_off_and_on(sign_in, lead, db_session):
    client = sign_in(lead)
    submit_form(
        client, URL, {"category": "bullying", "phrase": "fish", "effect": "flag", "action": "save"}
    )
    phrase = db_session.scalars(select(SafeguardingPhrase)).one()
    response = submit_form(
        client, f"{URL}/{phrase.id}", {"active": "0"}, form_url=URL, follow_redirects=True
    )
    assert "“fish” is no longer checked." in text_of(response)
    db_session.refresh(phrase)
    assert not phrase.is_active
    assert audit_actions(db_session) == ["phrase_added", "phrase_changed"]
    assert submit_form(client, f"{URL}/999999", {"active": "1"}, form_url=URL).status_code == 404


def test_the_page_shows_the_shipped_rules_and_word_lists(sign_in, lead):
    doc = page(sign_in(lead).get(URL))
    assert "[coerce]" in doc.find(id="word-lists").get_text()
    section = doc.find(id="phrases-online_coercion")
    assert "sextort*" in section.find("details").get_text()


def test_admins_may_edit_too(sign_in, make):
    assert sign_in(make.staff("admin")).get(URL).status_code == 200


@pytest.mark.parametrize(
    ("role", "safeguarding"), [("lead", False), ("researcher", True), ("researcher", False)]
)
def test_others_may_not(sign_in, make, role, safeguarding, db_session):
    client = sign_in(make.staff(role, safeguarding=safeguarding))
    assert client.get(URL).status_code == 403
    form = {"category": "bullying", "phrase": "fish", "action": "save", "csrf_token": "x"}
    assert client.post(URL, data=form).status_code in (400, 403)
    assert phrase_rows(db_session) == 0
