"""Anonymous linking codes: making the code, its keyed hash, carrying it and removing by it."""

from __future__ import annotations

import stat
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from participation.activities.codes import new_idempotency_key
from participation.answering.linked_withdrawal import hub_ids, withdraw_linked
from participation.answering.submissions import record_submission
from participation.clock import utcnow
from participation.models import Answer, Submission
from participation.outcomes.linking import (
    CARD_ALPHABET,
    CodePrompts,
    card_code,
    link_hash,
    new_card_code,
    prompt_code,
)
from participation.youth import draft as drafts
from participation.youth.linking import CARD, PROMPTS, CodeEntry, code_of, read_entry
from tests.conftest import TEST_SECRET


def prompts(month="3", pet="a", town="c", older="2") -> CodePrompts:
    """Four prompt answers as typed."""
    return CodePrompts(birth_month=month, pet_letter=pet, town_letter=town, older_siblings=older)


# --- making a code ------------------------------------------------------------------------


def test_prompts_make_one_code_whatever_the_case_spaces_or_accents():
    code, problems = prompt_code(prompts())
    assert (code, problems) == ("p:03AC2", {})
    assert prompt_code(prompts(month=" 03 ", pet=" A ", town="C"))[0] == code
    assert prompt_code(prompts(pet="á", town="Ç"))[0] == code
    assert prompt_code(prompts(pet="-", town="-", older="6"))[0] == "p:03--6"


def test_different_prompt_answers_make_different_codes():
    base = prompt_code(prompts())[0]
    changed = [
        prompts(month="4"),
        prompts(pet="b"),
        prompts(town="d"),
        prompts(older="3"),
        prompts(pet="-"),
    ]
    assert len({base, *(prompt_code(p)[0] for p in changed)}) == 6


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        (prompts(month="13"), "birth_month"),
        (prompts(month=""), "birth_month"),
        (prompts(pet="ab"), "pet_letter"),
        (prompts(pet="7"), "pet_letter"),
        (prompts(pet="ß"), "pet_letter"),
        (prompts(pet="🐶"), "pet_letter"),
        (prompts(pet=""), "pet_letter"),
        (prompts(town="\u200b"), "town_letter"),
        (prompts(town="A" * 5000), "town_letter"),
        (prompts(older="7"), "older_siblings"),
        (prompts(older="-1"), "older_siblings"),
    ],
)
def test_bad_prompt_answers_say_which_field_to_fix(typed, field):
    code, problems = prompt_code(typed)
    assert code is None
    assert list(problems) == [field]


def test_card_codes_ignore_case_spaces_dashes_and_wide_characters():
    code, problem = card_code("KT4M-9WPX")
    assert (code, problem) == ("c:KT4M9WPX", None)
    for typed in ("kt4m 9wpx", " KT4M–9WPX ", "k t 4 m 9 w p x", "ＫＴ４Ｍ９ＷＰＸ"):
        assert card_code(typed)[0] == code


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type the code"),
        ("KT4M-9WP0", "never use 0"),
        ("KT4M-9WPXA", "8 letters and numbers"),
        ("KT4M-9WP€", "8 letters and numbers"),
        ("x" * 5000, "8 letters and numbers"),
    ],
)
def test_bad_card_codes_get_a_reason(typed, says):
    code, problem = card_code(typed)
    assert code is None
    assert says in problem


def test_new_card_codes_are_valid_and_differ():
    made = {new_card_code() for _ in range(50)}
    assert len(made) == 50
    for shown in made:
        assert all(char in CARD_ALPHABET for char in shown.replace("-", ""))
        assert card_code(shown)[0] is not None


# --- the keyed hash ---------------------------------------------------------------------------


def test_the_hash_is_keyed_per_hub_and_the_key_file_is_private(tmp_path):
    code = "p:03AC2"
    first = link_hash(tmp_path, 1, code)
    assert first == link_hash(tmp_path, 1, code)
    assert len(first) == 64 and code not in first
    assert link_hash(tmp_path, 2, code) != first
    assert link_hash(tmp_path, 1, "p:03AC3") != first
    mode = stat.S_IMODE((tmp_path / "hub-1.key").stat().st_mode)
    assert mode == 0o600
    # Another deployment's key (another folder) gives an unrelated hash for the same Hub.
    assert link_hash(tmp_path / "elsewhere", 1, code) != first


# --- the page's form ----------------------------------------------------------------------


def test_a_ticked_no_letter_wins_over_a_typed_letter():
    entry = CodeEntry(
        birth_month="3", pet_letter="Q", no_pet=True, town_letter="c", older_siblings="2"
    )
    assert code_of(entry, PROMPTS) == ("p:03-C2", {})


def test_the_card_way_reads_only_the_card():
    entry = CodeEntry(birth_month="99", card="kt4m9wpx")
    assert code_of(entry, CARD) == ("c:KT4M9WPX", {})
    assert list(code_of(CodeEntry(), CARD)[1]) == ["card_code"]


def test_typed_values_are_cut_to_a_safe_length():
    entry = read_entry({"pet_letter": "A" * 10_000, "no_town": "yes", "card_code": "K" * 999})
    assert len(entry.pet_letter) == 40 and len(entry.card) == 40
    assert entry.no_town and not entry.no_pet


# --- the draft ------------------------------------------------------------------------------


def test_the_draft_carries_only_the_hash_and_old_drafts_still_open(app_context):
    hashed = "ab" * 32
    draft = drafts.Draft(activity_id=1, consent_version_id=2, research=False, link_hash=hashed)
    assert drafts.decode(drafts.encode(draft)).link_hash == hashed
    unlinked = drafts.Draft(activity_id=1, consent_version_id=2, research=False)
    assert "l" not in URLSafeSerializer(TEST_SECRET, salt="youth-draft-v1").loads(
        drafts.encode(unlinked)
    )
    assert drafts.decode(drafts.encode(unlinked)).link_hash is None


@pytest.mark.parametrize("bad", ["p:03AC2", "AB" * 32, "ab" * 31, 12, ["ab" * 32]])
def test_a_signed_draft_with_anything_but_a_hash_is_refused(app_context, bad):
    payload = {"a": 1, "v": 2, "r": 0, "k": "k" * 22, "w": "a-b-c-d", "t": 1.0, "q": {}, "l": bad}
    token = URLSafeSerializer(TEST_SECRET, salt="youth-draft-v1").dumps(payload)
    assert drafts.decode(token) is None


# --- storing and removing -----------------------------------------------------------------


def test_the_send_stores_the_hash_in_its_one_insert(make, db_session):
    activity = make.activity(questions=[])
    hashed = "0f" * 32
    result = record_submission(
        db_session,
        activity,
        activity.current_consent,
        False,
        {},
        new_idempotency_key(),
        TEST_SECRET,
        link_hash=hashed,
    )
    assert db_session.get(Submission, result.submission_id).link_hash == hashed
    with pytest.raises(ValueError, match="64 hexadecimal"):
        record_submission(
            db_session,
            activity,
            activity.current_consent,
            False,
            {},
            new_idempotency_key(),
            TEST_SECRET,
            link_hash="p:03AC2",
        )


def test_every_hub_counts_spokes_without_a_hub_but_not_spokes_with_one(make, db_session):
    hub = make.service(kind="hub")
    spoke = make.service(hub=hub)
    alone = make.service(kind="spoke")
    found = set(hub_ids(db_session))
    assert {hub.id, alone.id} <= found
    assert spoke.id not in found


def test_removing_by_code_deletes_within_the_window_and_unlinks_older(make, db_session, tmp_path):
    key_dir = tmp_path / "keys"
    code = "c:KT4M9WPX"
    hub, other_hub = make.service(kind="hub"), make.service(kind="hub")
    spoke = make.service(hub=hub)
    ours = link_hash(key_dir, hub.id, code)
    theirs = link_hash(key_dir, other_hub.id, code)
    recent, older = make.activity(spoke, withdrawal_days=28), make.activity(hub, questions=[])
    in_spoke = make.submission(recent, {0: [{"choice": 4}]}, link_hash=ours)
    in_other_hub = make.submission(make.activity(other_hub, questions=[]), link_hash=theirs)
    old = make.submission(older, link_hash=ours, submitted_hour=utcnow() - timedelta(days=400))
    someone_else = make.submission(recent, link_hash=link_hash(key_dir, hub.id, "c:KT4M9WPY"))
    unlinked = make.submission(recent)
    answer_ids = [a.id for a in in_spoke.answers]
    ids = [s.id for s in (in_spoke, in_other_hub, old, someone_else, unlinked)]

    result = withdraw_linked(db_session, code, key_dir)

    assert (result.removed, result.unlinked, result.found) == (2, 1, True)
    left = {
        s.id: s.link_hash
        for s in db_session.scalars(select(Submission).where(Submission.id.in_(ids)))
    }
    assert set(left) == {old.id, someone_else.id, unlinked.id}
    assert left[old.id] is None
    assert db_session.scalars(select(Answer).where(Answer.id.in_(answer_ids))).all() == []
    assert withdraw_linked(db_session, code, key_dir).found is False
