"""Messages young people see that are written elsewhere (views, answer checks, defaults), marked
here for the Welsh catalogue and translated when shown.

Templates translate what views pass them (`_(error)`); `translated` also handles the two
answer-check messages that carry numbers.
"""

from __future__ import annotations

import re

from flask_babel import gettext


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here."""
    return message


MARKED = (
    # Views (participation/youth/routes.py).
    N_(
        "Sorry, that did not go through. Your answers are still here. Please press the button again."
    ),
    N_("Enter the code you were given"),
    N_("We could not find that code. Check it and try again."),
    N_(
        "It is too late to delete these answers: the time for changing your mind has "
        "passed. They are still anonymous, so nobody can tell they are yours."
    ),
    N_("We could not find answers with that code. Check it and try again."),
    N_("We could not find any answers linked to that code. Check your answers and try again."),
    # Linking codes (participation/outcomes/linking.py).
    N_("Choose the month you were born."),
    N_("Type one letter, or choose “I've never had a pet”."),
    N_("Type one letter, or choose “I don't know”."),
    N_("Choose how many older brothers and sisters you have."),
    N_("Type the code from your card."),
    N_("Codes on the cards never use 0, O, 1, I, L, 5 or S. Check the card."),
    N_("A card code has 8 letters and numbers, like KT4M-9WPX. Check the card."),
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
    # Answer checks (participation/answering/submissions.py).
    N_("This question cannot be answered."),
    N_("Choose one of the answers shown, or pass this question."),
    N_("Choose from the answers shown, or pass this question."),
    N_("Write in the boxes shown, or pass this question."),
    N_("Give each one a place, or pass this question."),
    N_("Give each one a place from the list, or pass this question."),
    N_("Give each one a different place."),
    N_("Give every one a place, or pass this question."),
    N_("That question is not part of this activity."),
    # Default help links (participation/activities/help_links.py).
    N_("Call free on 0800 1111, any time, or chat online. It will not show on your phone bill."),
    N_("Report it if someone online is making you feel worried or unsafe."),
    N_("If you are in danger right now, call 999."),
    # Ready-made options, box prompts and reach questions (participation/activities/kinds.py).
    N_("Really unhappy"),
    N_("Unhappy"),
    N_("Okay"),
    N_("Happy"),
    N_("Really happy"),
    N_("Red: not good, needs to change"),
    N_("Amber: some good, some not"),
    N_("Green: good, keep it going"),
    N_("What's working well?"),
    N_("What's not working?"),
    N_("What would you change?"),
    N_("Prefer not to say"),
    N_("How old are you?"),
    N_("12 or 13"),
    N_("14 or 15"),
    N_("16 or 17"),
    N_("18 to 25"),
    N_("What is your gender?"),
    N_("Girl or young woman"),
    N_("Boy or young man"),
    N_("Non-binary"),
    N_("I describe it another way"),
    N_("What is your ethnic group?"),
    N_("White (UK or other)"),
    N_("Mixed or multiple ethnic groups"),
    N_("Asian or Asian British"),
    N_("Black, Black British, Caribbean or African"),
    N_("Another ethnic group"),
    N_("Do you have a disability, a long-term illness or a learning difficulty?"),
    N_("Yes"),
    N_("No"),
    N_("Not sure"),
    N_("Do you think of yourself as LGBT+ (lesbian, gay, bi, trans or another identity)?"),
    N_("Where do you live at the moment?"),
    N_("At home with family"),
    N_("In foster care"),
    N_("In a children's home"),
    N_("With other relatives or friends"),
    N_("On my own or in supported housing"),
    N_("Somewhere else"),
)

_TOO_LONG = re.compile(
    r"Your answer has ([\d,]+) characters\. Make it ([\d,]+) characters or fewer\."
)
_TOO_MANY = re.compile(r"Choose up to (\d+)\. You chose (\d+)\.")


def translated(message: str) -> str:
    """A message from a view or an answer check, in the language shown."""
    if match := _TOO_LONG.fullmatch(message):
        return gettext(
            "Your answer has %(count)s characters. Make it %(limit)s characters or fewer.",
            count=match.group(1),
            limit=match.group(2),
        )
    if match := _TOO_MANY.fullmatch(message):
        return gettext(
            "Choose up to %(limit)s. You chose %(count)s.",
            limit=match.group(1),
            count=match.group(2),
        )
    return gettext(message)
