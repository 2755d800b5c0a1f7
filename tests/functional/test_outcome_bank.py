"""The outcomes bank as staff use it: who may add and retire, the studio, cards and the demo."""

from __future__ import annotations

import re
from io import BytesIO

import pypdf
import pytest
from sqlalchemy import func, select

from participation.accounts.audit import action_label
from participation.activities.bank import link_question
from participation.activities.questions import QuestionDraft, update_question
from participation.activities.settings import ActivityError
from participation.commands.demo import HUB_NAME, load_demo
from participation.models import (
    Activity,
    Answer,
    AuditEvent,
    OutcomeQuestion,
    Question,
    Service,
    Submission,
)
from participation.models.activities import DRAFT
from participation.outcomes import bank, cards, linking
from tests.functional.test_pdf_fits_page import overflows
from tests.helpers import page, submit_form, text_of

BANK_URL = "/studio/outcomes"


@pytest.fixture
def hub(make):
    return make.service("Harbour Hub", kind="hub")


@pytest.fixture
def spoke(make, hub):
    return make.service("Quayside Spoke", hub=hub)


@pytest.fixture
def hub_lead(make, hub):
    return make.staff("lead", hub)


@pytest.fixture
def spoke_lead(make, spoke):
    return make.staff("lead", spoke)


def bank_rows(response) -> dict[str, str]:
    """Each question's key and the text of its row."""
    return {
        row["data-outcome-key"]: " ".join(row.get_text(" ").split())
        for row in page(response).select("tr[data-outcome-key]")
    }


def add(client, hub, **fields):
    data = {"area": "safety", "prompt": "", "hint": "", "prompt_cy": "", "hint_cy": ""}
    data.update(fields, hub=hub.id)
    return submit_form(client, BANK_URL, data, form_url=f"{BANK_URL}?hub={hub.id}")


def events(db_session, action):
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- who may see and change the bank --------------------------------------------------


def test_a_hub_lead_sees_the_standard_bank_and_may_add(sign_in, hub_lead, hub):
    response = sign_in(hub_lead).get(BANK_URL)
    assert response.status_code == 200
    rows = bank_rows(response)
    assert list(rows) == [key for key, *_ in bank.STANDARD]
    assert "I feel safe." in rows["outcome:feel-safe"]
    assert "Rwy'n teimlo'n ddiogel." in rows["outcome:feel-safe"]
    assert "Feeling safe" in rows["outcome:feel-safe"]
    assert "a new wording gets a new key" in text_of(response)
    soup = page(response)
    assert soup.select_one("form[action='/studio/outcomes']") is not None
    assert len(soup.select("form[action$='/retire'] button")) == len(bank.STANDARD)


def test_a_spoke_lead_sees_their_hubs_bank_without_buttons_and_is_refused(
    sign_in, spoke_lead, hub, db_session
):
    client = sign_in(spoke_lead)
    response = client.get(BANK_URL)
    assert response.status_code == 200
    assert "Harbour Hub" in text_of(response)
    assert len(bank_rows(response)) == len(bank.STANDARD)
    soup = page(response)
    assert soup.select_one("form[action='/studio/outcomes']") is None
    assert soup.select("form[action$='/retire']") == []
    item = bank.bank_for(db_session, hub.id)[0]
    refused = add(client, hub, prompt="I sleep well most nights.")
    assert refused.status_code == 403
    retire = submit_form(client, f"{BANK_URL}/{item.id}/retire", {"hub": hub.id}, form_url=BANK_URL)
    assert retire.status_code == 403
    db_session.expire_all()
    assert not item.is_retired
    assert len(bank.bank_for(db_session, hub.id)) == len(bank.STANDARD)
    assert events(db_session, "outcome_added") == []


def test_a_researcher_may_not_open_the_bank(sign_in, make, hub):
    client = sign_in(make.staff("researcher", hub))
    assert client.get(BANK_URL).status_code == 403
    assert client.get(f"{BANK_URL}/cards.pdf").status_code == 403


def test_a_lead_of_another_hub_cannot_reach_this_hubs_bank(sign_in, make, hub, db_session):
    other = make.service("Moorland Hub", kind="hub")
    client = sign_in(make.staff("lead", other))
    item = bank.bank_for(db_session, hub.id)[0]
    db_session.commit()
    response = client.get(f"{BANK_URL}?hub={hub.id}")
    assert "Moorland Hub" in text_of(response) and "Harbour Hub" not in text_of(response)
    # Naming another Hub in the form changes nothing: the lead's own Hub is used, and the
    # question is not in it.
    refused = submit_form(
        client, f"{BANK_URL}/{item.id}/retire", {"hub": hub.id}, form_url=BANK_URL
    )
    assert refused.status_code == 404
    db_session.expire_all()
    assert not item.is_retired


def test_an_admin_chooses_a_hub_and_adds_to_it(sign_in, make, hub, db_session):
    make.service("Moorland Hub", kind="hub")
    client = sign_in(make.staff("admin"))
    chooser = client.get(BANK_URL)
    names = [o.get_text() for o in page(chooser).select("#hub-chooser option")]
    assert names == ["Harbour Hub", "Moorland Hub"]
    response = add(client, hub, area="help", prompt="I know who to talk to at school.")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{BANK_URL}?hub={hub.id}#outcome-")
    rows = bank_rows(client.get(f"{BANK_URL}?hub={hub.id}"))
    assert "I know who to talk to at school." in rows["outcome:i-know-who-to-talk-to-at-school"]
    assert client.get(f"{BANK_URL}?hub=999999").status_code == 404
    assert client.get(f"{BANK_URL}?hub=abc").status_code == 200  # the first Hub


# --- adding, retiring, restoring -------------------------------------------------------


def test_adding_makes_a_new_key_keeps_odd_unicode_and_is_audited(
    sign_in, hub_lead, hub, db_session
):
    client = sign_in(hub_lead)
    response = add(
        client,
        hub,
        area="confidence",
        prompt="  I feel  confident 💪🏽 about café trips  ",
        hint="Think of the last month.",
        prompt_cy="Rwy'n teimlo'n hyderus 💪🏽 am dripiau caffi.",
        hint_cy="Meddylia am y mis diwethaf.",
    )
    assert response.status_code == 302
    item = db_session.scalar(
        select(OutcomeQuestion).where(OutcomeQuestion.key.startswith("outcome:i-feel-confident"))
    )
    assert item.key == "outcome:i-feel-confident-about-cafe-trips"
    assert item.prompt == "I feel confident 💪🏽 about café trips"
    assert item.translations == {
        "cy": {
            "prompt": "Rwy'n teimlo'n hyderus 💪🏽 am dripiau caffi.",
            "hint": "Meddylia am y mis diwethaf.",
        }
    }
    assert item.area == "confidence" and item.created_by_id == hub_lead.id
    assert item.position == len(bank.STANDARD)
    (event,) = events(db_session, "outcome_added")
    assert (event.staff_id, event.service_id, event.detail) == (
        hub_lead.id,
        hub.id,
        {"key": item.key},
    )


def test_a_new_wording_of_a_key_gets_a_new_key(sign_in, hub_lead, hub, db_session):
    client = sign_in(hub_lead)
    add(client, hub, prompt="I feel safe!")  # the standard "I feel safe." already has its key
    add(client, hub, prompt="I feel safe?")
    keys = set(
        db_session.scalars(select(OutcomeQuestion.key).where(OutcomeQuestion.hub_id == hub.id))
    )
    assert {"outcome:feel-safe", "outcome:i-feel-safe", "outcome:i-feel-safe-2"} <= keys


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompt": "   "}, "Enter the question in English."),
        (
            {"prompt": "x" * 301},
            "Use 300 characters or fewer for the question in English (301 now).",
        ),
        ({"prompt": "Fine", "hint_cy": "y" * 301, "prompt_cy": "Iawn"}, "hint in Welsh"),
        ({"prompt": "Fine", "hint_cy": "Awgrym"}, "Give the question in Welsh as well"),
        ({"prompt": "Fine", "area": "happiness"}, "Choose the outcome area"),
        ({"prompt": "i FEEL safe."}, "The bank already has this question"),
    ],
)
def test_bad_wording_gets_a_friendly_error_and_keeps_what_was_typed(
    sign_in, hub_lead, hub, db_session, fields, message
):
    response = add(sign_in(hub_lead), hub, **fields)
    assert response.status_code == 200
    summary = page(response).select_one(".error-summary").get_text(" ")
    assert message in " ".join(summary.split())
    typed = page(response).select_one("#prompt").get("value", "")
    assert typed == fields["prompt"]
    assert len(bank.bank_for(db_session, hub.id)) == len(bank.STANDARD)


def test_retire_and_restore_are_audited_and_offered_back(sign_in, hub_lead, hub, db_session):
    client = sign_in(hub_lead)
    item = bank.bank_for(db_session, hub.id)[2]
    db_session.commit()
    response = submit_form(
        client, f"{BANK_URL}/{item.id}/retire", {"hub": hub.id}, form_url=BANK_URL
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert item.is_retired
    row = bank_rows(client.get(BANK_URL))[item.key]
    assert "Retired" in row and "Restore" in row
    submit_form(client, f"{BANK_URL}/{item.id}/restore", {"hub": hub.id}, form_url=BANK_URL)
    db_session.expire_all()
    assert not item.is_retired
    assert [e.detail["key"] for e in events(db_session, "outcome_retired")] == [item.key]
    assert [e.detail["key"] for e in events(db_session, "outcome_restored")] == [item.key]
    assert "In use" in bank_rows(client.get(BANK_URL))[item.key]


def test_the_bank_counts_the_activities_asking_each_question(
    app, sign_in, make, hub_lead, hub, spoke, db_session
):
    first, second = make.activity(spoke, questions=[]), make.activity(hub, questions=[])
    elsewhere = make.activity(make.service("Far Hub", kind="hub"), questions=[])
    safe = bank.outcome_question(db_session, hub.id, bank.bank_for(db_session, hub.id)[0].id)
    for activity in (first, second):
        bank.add_to_activity(db_session, hub_lead, activity, safe)
    far_safe = bank.bank_for(db_session, elsewhere.service_id)[0]
    bank.add_to_activity(db_session, hub_lead, elsewhere, far_safe)
    db_session.commit()
    rows = page(sign_in(hub_lead).get(BANK_URL))
    cells = rows.select_one("tr[data-outcome-key='outcome:feel-safe'] td.numeric")
    assert cells.get_text(strip=True) == "2"
    other = rows.select_one("tr[data-outcome-key='outcome:trust-workers'] td.numeric")
    assert other.get_text(strip=True) == "0"
    # A Spoke's lead counts only their own Spoke's activities.
    another_browser = app.test_client()
    spoke_view = page(sign_in(make.staff("lead", spoke), into=another_browser).get(BANK_URL))
    mine = spoke_view.select_one("tr[data-outcome-key='outcome:feel-safe'] td.numeric")
    assert mine.get_text(strip=True) == "1"
    assert "Your service's activities asking it" in spoke_view.get_text()


def test_the_audit_log_names_the_new_actions():
    assert action_label("outcome_added") == "Added a question to the outcomes bank"
    assert action_label("linking_cards_printed") == "Printed linking-code cards"


# --- linking-code cards ----------------------------------------------------------------


def test_linking_code_cards_carry_fresh_valid_codes_that_are_never_stored(
    sign_in, spoke_lead, db_session
):
    response = sign_in(spoke_lead).get(f"{BANK_URL}/cards.pdf?sheets=2")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(BytesIO(response.data))
    assert len(reader.pages) == 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    codes = re.findall(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", text)
    assert len(codes) == 20 and len(set(codes)) == 20
    for code in codes:
        normalised, problem = linking.card_code(code)
        assert problem is None and normalised == "c:" + code.replace("-", "")
    assert text.count("Keep this card. You don't have to use it.") == 20
    assert "Quayside Spoke" in text
    (event,) = events(db_session, "linking_cards_printed")
    assert event.detail == {"cards": 20}
    assert not any(code in str(event.detail) for code in codes)


# --- the studio: asking outcome questions in an activity -------------------------------


def activity_url(activity, rest: str = "") -> str:
    return f"/studio/activities/{activity.id}{rest}"


@pytest.fixture
def draft(make, spoke):
    return make.activity(spoke, questions=[], status=DRAFT, title="Quayside check-in")


def add_outcome(client, activity, key):
    gallery = activity_url(activity, "/questions/new")
    return submit_form(
        client, activity_url(activity, "/questions/outcome"), {"outcome_key": key}, form_url=gallery
    )


def test_a_spoke_lead_adds_outcome_questions_from_the_hubs_bank(
    sign_in, spoke_lead, draft, db_session
):
    client = sign_in(spoke_lead)
    gallery = client.get(activity_url(draft, "/questions/new"))
    offered = [
        li["data-outcome-key"] for li in page(gallery).select("#outcomes [data-outcome-key]")
    ]
    assert offered == [key for key, *_ in bank.STANDARD]
    assert "optional linking code" in text_of(gallery)
    response = add_outcome(client, draft, "outcome:feel-safe")
    assert response.status_code == 302
    db_session.expire_all()
    (question,) = draft.questions
    assert (question.key, question.prompt, question.settings) == (
        "outcome:feel-safe",
        "I feel safe.",
        {"outcome": "outcome:feel-safe"},
    )
    assert [o["code"] for o in question.options] == [1, 2, 3, 4, 5]
    assert question.translations["cy"]["prompt"] == "Rwy'n teimlo'n ddiogel."
    listing = client.get(activity_url(draft))
    item = page(listing).select_one(f"#question-{question.id}")
    assert "Outcome" in item.select_one(".tag--outcome").get_text()
    assert "optional linking code" in page(listing).select_one("#linking-code-note").get_text()
    again = page(client.get(activity_url(draft, "/questions/new")))
    asked = again.select_one("#outcomes [data-outcome-key='outcome:feel-safe']")
    assert asked.select_one("form") is None and "Already in this activity" in asked.get_text()


def test_a_retired_or_unknown_outcome_question_is_not_added(
    sign_in, spoke_lead, hub, draft, db_session
):
    item = bank.bank_for(db_session, hub.id)[1]
    item.retired_at = item.created_at
    db_session.commit()
    client = sign_in(spoke_lead)
    offered = page(client.get(activity_url(draft, "/questions/new"))).select(
        "#outcomes [data-outcome-key]"
    )
    assert item.key not in [li["data-outcome-key"] for li in offered]
    refused = add_outcome(client, draft, item.key)
    assert "This outcome question is retired" in text_of(refused)
    assert add_outcome(client, draft, "outcome:made-up").status_code == 404
    db_session.expire_all()
    assert draft.questions == []


def test_an_outcome_question_cannot_be_reworded_but_can_be_moved_and_removed(
    sign_in, spoke_lead, draft, db_session
):
    client = sign_in(spoke_lead)
    add_outcome(client, draft, "outcome:feel-safe")
    add_outcome(client, draft, "outcome:trust-workers")
    db_session.expire_all()
    first, second = draft.questions
    edit_url = activity_url(draft, f"/questions/{first.id}")
    shown = client.get(edit_url)
    assert "from your Hub's outcomes bank" in text_of(shown)
    assert page(shown).select_one(f"form[action='{edit_url}']") is None
    tampered = submit_form(
        client,
        edit_url,
        {"kind": "single_choice", "prompt": "I feel quite safe.", "options": "Yes\nNo"},
        form_url=activity_url(draft),
    )
    assert tampered.status_code == 200
    assert "can't be changed here" in text_of(tampered)
    assert page(client.get(edit_url)).select_one("form[action$='/link']") is None
    db_session.expire_all()
    assert first.prompt == "I feel safe." and len(first.options) == 5
    moved = submit_form(
        client,
        activity_url(draft, f"/questions/{second.id}/move"),
        {"direction": "up"},
        form_url=activity_url(draft),
    )
    assert moved.status_code == 302
    db_session.expire_all()
    assert [q.key for q in draft.questions] == ["outcome:trust-workers", "outcome:feel-safe"]
    removed = submit_form(
        client,
        activity_url(draft, f"/questions/{first.id}/remove"),
        {},
        form_url=activity_url(draft),
    )
    assert removed.status_code == 302
    db_session.expire_all()
    assert [q.key for q in draft.questions] == ["outcome:trust-workers"]


def test_the_domain_refuses_to_reword_or_relink_an_outcome_question(
    make, spoke_lead, hub, draft, db_session
):
    question = bank.add_to_activity(
        db_session, spoke_lead, draft, bank.bank_for(db_session, hub.id)[0]
    )
    with pytest.raises(ActivityError, match="outcomes bank"):
        update_question(
            db_session,
            spoke_lead,
            question,
            QuestionDraft(kind="single_choice", prompt="I feel safe!", options=["a", "b"]),
        )
    with pytest.raises(ActivityError, match="outcomes bank"):
        link_question(db_session, spoke_lead, question, "")
    assert question.prompt == "I feel safe." and question.key == "outcome:feel-safe"


def test_an_outcome_questions_welsh_is_fixed_on_the_translations_page(
    sign_in, spoke_lead, draft, db_session
):
    client = sign_in(spoke_lead)
    add_outcome(client, draft, "outcome:feel-safe")
    db_session.expire_all()
    (question,) = draft.questions
    url = activity_url(draft, "/translations")
    shown = client.get(url)
    assert page(shown).select_one(f"[name='q{question.id}_prompt']") is None
    assert "Rwy'n teimlo'n ddiogel." in text_of(shown)
    response = submit_form(
        client,
        url,
        {"title": "Gwirio", f"q{question.id}_prompt": "Newid", f"q{question.id}_o1": "Na"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert draft.translations["cy"]["title"] == "Gwirio"
    assert question.translations["cy"]["prompt"] == "Rwy'n teimlo'n ddiogel."
    assert question.translations["cy"]["options"]["1"] == "Ddim yn wir o gwbl"


# --- the demo data ----------------------------------------------------------------------


def test_the_demo_has_linked_outcome_answers_that_mostly_improve(app, db_session):
    key_dir = app.config["LINK_KEY_DIR"]
    assert load_demo(db_session, submissions=60, link_key_dir=key_dir)
    hub_id = db_session.scalar(select(Service.id).where(Service.name == HUB_NAME))
    rows = db_session.execute(
        select(Service.name, Activity.title, Submission.id, Submission.link_hash)
        .join(Activity, Activity.service_id == Service.id)
        .join(Submission, Submission.activity_id == Activity.id)
        .where(Activity.title.startswith("How are things for you?"))
    ).all()
    linked = [row for row in rows if row.link_hash]
    assert 0.5 < len(linked) / len(rows) < 0.7
    people = {
        name: {row.link_hash for row in linked if row.name == name}
        for name in ("Millbrook Spoke", "Eastgate Spoke", HUB_NAME)
    }
    assert len(people["Eastgate Spoke"]) == 3  # fewer than 5: its figures are held back
    assert 15 <= len(people["Millbrook Spoke"]) <= 30 and len(people[HUB_NAME]) >= 5
    # The hashes are keyed with the Hub's key from LINK_KEY_DIR, made for the demo.
    assert (key_dir / f"hub-{hub_id}.key").exists()
    assert all(len(row.link_hash) == 64 for row in linked)
    # Each linked young person answers the first and the latest check-in.
    seasons = {}
    for row in linked:
        seasons.setdefault(row.link_hash, set()).add(row.title.split("(")[1].split()[0])
    assert all({"autumn", "spring"} <= found for found in seasons.values())

    def mean_code(season: str) -> float:
        codes = db_session.scalars(
            select(Answer.choice)
            .join(Submission, Submission.id == Answer.submission_id)
            .join(Activity, Activity.id == Submission.activity_id)
            .join(Question, Question.id == Answer.question_id)
            .where(
                Submission.link_hash.is_not(None),
                Activity.title.contains(season),
                Question.key.startswith("outcome:"),
            )
        ).all()
        return sum(codes) / len(codes)

    assert mean_code("spring") > mean_code("autumn") + 0.5
    before = len(rows)
    assert not load_demo(db_session, submissions=60, link_key_dir=key_dir)  # adds nothing
    again = db_session.scalar(
        select(func.count(Submission.id))
        .join(Activity, Activity.id == Submission.activity_id)
        .where(Activity.title.startswith("How are things for you?"))
    )
    assert again == before


def test_the_share_page_offers_cards_only_when_outcome_questions_are_asked(
    sign_in, spoke_lead, draft
):
    client = sign_in(spoke_lead)
    share = activity_url(draft, "/share")
    assert page(client.get(share)).select_one("#linking-cards") is None
    add_outcome(client, draft, "outcome:confidence")
    link = page(client.get(share)).select_one("#linking-cards a")
    assert link["href"] == f"{BANK_URL}/cards.pdf"
    cards = client.get(link["href"])
    assert cards.status_code == 200 and cards.data.startswith(b"%PDF")


def test_ten_cards_fit_one_a4_page_even_with_a_long_service_name(app):
    with app.test_request_context():
        html = cards.cards_html("Millbrook Spoke with a rather long service name " * 3, 3)
    assert html.count('class="code"') == 30
    assert overflows(html) == []
