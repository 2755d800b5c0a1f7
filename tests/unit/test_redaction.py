"""Unit tests for participation.privacy.redaction (personal details in free text).

Every personal detail below is made up: 07700 900xxx numbers are reserved by Ofcom for
drama, example.com/.org addresses are reserved, and the names belong to nobody in particular.
"""

import random
import time

import pytest

from participation.privacy.redaction import first_names, redact

REDACTIONS = [
    # phone numbers, UK and international
    ("My number is 07700 900123.", "My number is [phone]."),
    ("text me on 07700900456 after school", "text me on [phone] after school"),
    ("call +44 7700 900789 or +44 (0)7700 900321", "call [phone] or [phone]"),
    ("the office is 020 7946 0958", "the office is [phone]"),
    ("ring (0161) 496 0000 on Monday", "ring [phone] on Monday"),
    ("my cousin's number is +1 415 555 0100", "my cousin's number is [phone]"),
    ("in France it is +33 1 23 45 67 89", "in France it is [phone]"),
    ("0113 496 0123 or 0770-090-0987", "[phone] or [phone]"),
    # email addresses and web addresses
    ("email me at jo.bloggs@example.com please", "email me at [email] please"),
    ("or try sk8r_99+art@mail.example.org", "or try [email]"),
    ("see https://example.com/profile?id=12.", "see [url]."),
    ("my page is www.example.org/me", "my page is [url]"),
    ("look at example.co.uk/whatever for it", "look at [url] for it"),
    # social media handles
    ("follow @some_name for art", "follow [handle] for art"),
    ("snap: jojo_2009", "snap: [handle]"),
    ("insta: sunny.days", "insta: [handle]"),
    ("my snap is starlight_x", "my snap is [handle]"),
    ("add me on snapchat bluefox22", "add me on snapchat [handle]"),
    ("my insta is @art.by.kit", "my insta is [handle]"),
    ("find me on tiktok @dance.queen.22", "find me on tiktok [handle]"),
    # postcodes
    ("I live near SW1A 1AA", "I live near [postcode]"),
    ("postcode m1 1ae", "postcode [postcode]"),
    ("we moved to B33 8TH last year", "we moved to [postcode] last year"),
    # street addresses
    ("I live at 12 Acacia Avenue", "I live at [address]"),
    ("flat 3, 45 High Street is ours", "[address] is ours"),
    ("come to 7 Mill Lane, M1 1AE", "come to [address], [postcode]"),
    ("it was at 22 Oak Tree Close", "it was at [address]"),
    ("we are in flat 12b now", "we are in [address] now"),
    # dates of birth and dates
    ("I was born on 12/03/2009", "I was born on [date]"),
    ("DOB 1.2.2010", "DOB [date]"),
    ("born in 2009", "born in [date]"),
    ("my birthday is 3rd March 2009", "my birthday is [date]"),
    ("March 3rd 2009 was a Tuesday", "[date] was a Tuesday"),
    ("it happened on 12-3-09", "it happened on [date]"),
    ("my birthday is in March", "my birthday is in [date]"),
    # schools
    ("I go to St Mary's Academy", "I go to [school]"),
    ("Oakfield High School is strict", "[school] is strict"),
    ("my brother goes to Greenbank Primary", "my brother goes to [school]"),
    # names: cues, the list, surnames, titles
    ("My name is Sam", "My name is [name]"),
    ("my name is zephyrine and I'm 14", "my name is [name] and I'm 14"),
    ("I'm Kwabena and I like football", "I'm [name] and I like football"),
    ("my worker Priya helped me a lot", "my worker [name] helped me a lot"),
    ("My social worker is Zephyrine", "My social worker is [name]"),
    ("my key worker is called Tamsin", "my key worker is called [name]"),
    ("i went with jo and tom to the park", "i went with [name] and [name] to the park"),
    ("Sam Bloggs was there", "[name] was there"),
    ("Mr Smith listened to us", "Mr [name] listened to us"),
    ("Thank you Miss Khan", "Thank you Miss [name]"),
    ("Me and Tyler and Kayden went", "Me and [name] and [name] went"),
    ("Hi my names Tyler-James, I'm from Leeds", "Hi my names [name], I'm from Leeds"),
    ("Zoë and Siobhán came too", "[name] and [name] came too"),
    ("Ella-Rose's mum drove us", "[name]'s mum drove us"),
    ("I went with Will and Grace.", "I went with [name] and [name]."),
    ("Fatima, Oluwaseun and Mateusz ran the stall", "[name], [name] and [name] ran the stall"),
    ("add jo_b99 if you want", "add [name] if you want"),
    ("SAM helped", "[name] helped"),
    ("MY NAME IS SAM", "MY NAME IS [name]"),
    ("THEY CALL ME Jojo", "THEY CALL ME [name]"),
    ("ask dr Patel", "ask dr [name]"),
    # several at once
    (
        "Hi I'm Aisha, call 07700 900222 or email aisha@example.com, I live at 3 Rose Road",
        "Hi I'm [name], call [phone] or email [email], I live at [address]",
    ),
]

UNCHANGED = [
    "The group was fun and I liked the art",
    "Will we do this again next year?",
    "May I have more time to finish?",
    "Hope you all have a good summer.",
    "Summer was the best bit, I went in May.",
    "Grace is what we said before lunch",
    "Mark the answers with a tick",
    "Jack up the volume!",
    "I'm tired and I'm happy",
    "I scored it 10/10 and 3 people came from year 9",
    "It took 2 hours and we walked 3 miles down the road",
    "Childline on 0800 1111 helped me, and you can ring 999",
    "I went to school and then college",
    "The School was big. My school is ok.",
    "we did 2 things in a row",
    "It was 50% good, -2 points for the food",
    "my foster carer and my social worker came",
    "I went to ED with my mum",
    "I'm so glad I came",
    "my snap is private lol",
    "The CSE team helped. I saw CAMHS twice.",
    "call me when you can",
    "I'm 15 and in Year 11",
    "It is on the 5th floor, room 12",
    "Nobody Here Today",
    "",
]


@pytest.mark.parametrize(("text", "expected"), REDACTIONS)
def test_redact_replaces_personal_details(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_redact_keeps_text_without_personal_details(text):
    assert redact(text) == text


def test_there_are_enough_synthetic_sentences():
    assert len(REDACTIONS) >= 40


@pytest.mark.parametrize("text", [text for text, _ in REDACTIONS] + UNCHANGED)
def test_redact_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once


def test_redact_is_idempotent_on_random_text():
    rng = random.Random(7)
    vocabulary = [word for text, _ in REDACTIONS for word in text.split()] + [
        "[name]", "[phone]", "0", "+", "(", ")", "@", ".", "\n", "Will", "May", "St", "Road",
    ]  # fmt: skip
    for _ in range(300):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 25)))
        once = redact(text)
        assert redact(once) == once, text


@pytest.mark.parametrize(
    "text",
    [
        "\x00Sam\x00 07700 900123\x00",
        "مرحبا اسمي سارة and my name is Sam",
        "😀😀 my snap is 🦊 and I'm Sam 👍",
        "\u202eSam\u202c",
        "[[name]] [phone [url",
        "\ud800 lone surrogate",
    ],
)
def test_redact_never_crashes_on_odd_strings(text):
    assert isinstance(redact(text), str)


@pytest.mark.parametrize(
    "unit",
    ["a.", "0 ", "1-", "@a", "(0", "1/1/", "Abc Def ", "1 Abc ", "my snap ", "a_", "Sam\n"],
)
def test_redact_is_fast_on_100_kb_of_hostile_input(unit):
    text = unit * (100_000 // len(unit))
    started = time.perf_counter()
    redact(text)
    # Linear scanning takes well under a second; catastrophic backtracking would take hours.
    assert time.perf_counter() - started < 10


def test_first_names_list_is_large_lower_case_and_loaded_once():
    names = first_names()
    assert len(names) >= 1500
    assert all(name == name.lower() and " " not in name for name in names)
    assert {"sam", "aisha", "oluwaseun", "siobhan", "mateusz"} <= names
    assert not {"the", "and", "art", "mum", "dad"} & names
    assert first_names() is names
