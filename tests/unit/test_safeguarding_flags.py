"""Making flags: the burst key, severity, and a safeguarding package free of the request."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from participation.activities.kinds import question_spec
from participation.clock import to_hour, utcnow
from participation.models.enums import QuestionKind
from participation.safeguarding import flags as flag_module
from participation.safeguarding.flags import new_flag, similar_form
from participation.safeguarding.queue import main_category
from participation.safeguarding.visibility import WITHHELD, may_read_words, words_for


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("I want to kill myself 1", "i want to KILL myself (299)!!"),
        ("I'm in danger", "im   in danger."),
        ("café", "cafe"),
    ],
)
def test_near_duplicates_read_the_same(one, other):
    assert similar_form(one) == similar_form(other)


def test_different_words_read_differently():
    assert similar_form("he hits me") != similar_form("he hit me")
    assert similar_form("12345 !!!") == ""


@pytest.fixture
def activity(make):
    return make.activity(questions=[question_spec(QuestionKind.FREE_TEXT, "Anything else?")])


def flag_for(make, db_session, activity, text, now, categories=("self_harm",)):
    answer = make.submission(activity, {0: [{"text": text}]}).answers[0]
    flag = new_flag(db_session, activity, answer.id, text, list(categories), now)
    db_session.flush()
    return flag


def test_a_burst_shares_one_key_until_an_hour_goes_by_without_one(make, db_session, activity):
    # Flag times are kept to the hour, so a burst runs on through this hour and the next.
    start = to_hour(utcnow() - timedelta(days=1)) + timedelta(minutes=5)
    first = flag_for(make, db_session, activity, "I want to die 1", start)
    second = flag_for(make, db_session, activity, "i want to die 2", start + timedelta(minutes=40))
    third = flag_for(make, db_session, activity, "I want to die", start + timedelta(minutes=80))
    later = flag_for(make, db_session, activity, "I want to die", start + timedelta(hours=4))
    other = flag_for(make, db_session, activity, "I want to go", start + timedelta(hours=4))
    assert {first.created_at.minute, third.created_at.minute, later.created_at.minute} == {0}
    assert first.group_key == second.group_key == third.group_key
    assert later.group_key != first.group_key
    assert other.group_key not in (first.group_key, later.group_key)


def test_words_with_no_letters_are_a_group_of_their_own(make, db_session, activity):
    now = utcnow()
    one = flag_for(make, db_session, activity, "!!!", now)
    two = flag_for(make, db_session, activity, "!!!", now)
    assert one.group_key != two.group_key


def test_severity_is_the_most_urgent_category(make, db_session, activity):
    flag = flag_for(
        make, db_session, activity, "x", utcnow(), categories=("bullying", "immediate_danger")
    )
    assert flag.severity == 1
    assert main_category("bullying,self_harm,violence") == "self_harm"
    assert main_category("going_missing") == "missing_trafficking"


def test_only_safeguarding_leads_read_withheld_words(make):
    lead = make.staff("lead")
    safeguarding = make.staff("lead", safeguarding=True)
    researcher = make.staff("researcher", safeguarding=True)
    assert may_read_words(lead, withheld=False)
    assert not may_read_words(lead, withheld=True)
    assert may_read_words(safeguarding, withheld=True)
    assert not may_read_words(researcher, withheld=True)
    assert words_for(None, "words", withheld=True) == WITHHELD  # files and screens


REQUEST_BOUND = {"request", "g", "session", "current_user", "abort"}


def test_the_safeguarding_package_never_touches_the_request():
    package = Path(flag_module.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask_login"):
                names = {alias.name for alias in node.names}
                assert not names & REQUEST_BOUND, f"{path.name} imports {names & REQUEST_BOUND}"
