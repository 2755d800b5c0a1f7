"""How a consent statement is shown: its paragraphs, and which facts the page must add."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from participation.activities.consent import (
    ANONYMOUS,
    CHOICE,
    KEPT,
    PARENT_CHECKED,
    PURPOSE,
    RESEARCH,
    WHO,
    WHO_SEES,
    WITHDRAWAL,
    WORRIED,
    default_consent,
    facts_untold,
    statement_paragraphs,
)
from participation.models.activities import (
    CONSENT_FACILITATED,
    CONSENT_SELF,
    RESEARCH_ASK,
    RESEARCH_OFF,
)

EVERY_FACT = [WHO, PURPOSE, ANONYMOUS, CHOICE, WHO_SEES, WORRIED, KEPT, WITHDRAWAL]


def activity(statement: str | None, **fields) -> SimpleNamespace:
    """Just what the consent page reads from an activity."""
    values = {
        "consent_mode": CONSENT_SELF,
        "research_sharing": RESEARCH_OFF,
        "retention_days": 365,
        "withdrawal_days": 28,
        "intro": "",
        "service": SimpleNamespace(name="Northbank Spoke"),
        **fields,
    }
    consent = None if statement is None else SimpleNamespace(statement=statement)
    return SimpleNamespace(current_consent=consent, **values)


def default_for(thing: SimpleNamespace) -> str:
    return default_consent(
        thing.consent_mode,
        service_name=thing.service.name,
        retention_days=thing.retention_days,
        withdrawal_days=thing.withdrawal_days,
        research_sharing=thing.research_sharing,
    )


def test_a_statement_is_split_into_paragraphs_at_blank_lines():
    statement = "  First line\r\n  still the first  \r\n\r\n \t \nSecond.\n\n\n\nThird.\n"
    assert statement_paragraphs(statement) == ["First line\nstill the first", "Second.", "Third."]
    assert statement_paragraphs("") == []


@pytest.mark.parametrize("mode", [CONSENT_SELF, CONSENT_FACILITATED])
@pytest.mark.parametrize("research", [RESEARCH_OFF, RESEARCH_ASK])
def test_the_default_statement_tells_every_fact(mode, research):
    thing = activity(None, consent_mode=mode, research_sharing=research, retention_days=180)
    thing.current_consent = SimpleNamespace(statement=default_for(thing))
    assert facts_untold(thing) == []


def test_spacing_and_line_breaks_in_a_kept_paragraph_do_not_matter():
    thing = activity(None)
    statement = default_for(thing).replace(". ", ".\n   ").replace("\n\n", "\n \n\n")
    thing.current_consent = SimpleNamespace(statement=statement)
    assert facts_untold(thing) == []


def test_a_statement_of_the_leads_own_words_needs_every_fact_listed():
    thing = activity("You can skip any question.", research_sharing=RESEARCH_ASK)
    assert facts_untold(thing) == [*EVERY_FACT, RESEARCH]
    facilitated = activity("Be honest.", consent_mode=CONSENT_FACILITATED)
    assert facts_untold(facilitated)[:2] == [WHO, PARENT_CHECKED]
    assert facts_untold(activity(None)) == EVERY_FACT


def test_only_the_facts_of_a_reworded_paragraph_are_listed():
    thing = activity(None)
    paragraphs = default_for(thing).split("\n\n")
    paragraphs[4] = "Workers read the answers."  # "Only workers at ... read your answers. ..."
    thing.current_consent = SimpleNamespace(statement="\n\n".join(paragraphs))
    assert facts_untold(thing) == [WHO_SEES, WORRIED]


def test_a_default_paragraph_for_other_settings_does_not_count():
    thing = activity(None)
    thing.current_consent = SimpleNamespace(statement=default_for(thing))
    thing.retention_days = 730  # the statement still says 1 year
    assert facts_untold(thing) == [KEPT]


def test_the_activitys_introduction_says_what_it_is_for():
    assert PURPOSE not in facts_untold(activity("Be honest.", intro="About the youth club."))
