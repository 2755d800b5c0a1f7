"""Numbers that identify someone in free text: phone numbers, in digits or words, and NHS numbers.

Part of `redaction`: ordinary numbers (scores, years, prices, "2 or 3 times") stay as they
are; only runs shaped like a phone number, or ten digits that pass the NHS number's
modulus 11 check, are replaced.
"""

from __future__ import annotations

import re

_PHONE = re.compile(
    r"(?<![\w+])[+(]?\d{1,12}(?:(?:[ .-]?\(|\)[ .-]?|[ .-])\d{1,12}){0,8}", re.ASCII
)

# Ten digits in groups of at least two, joined by single spaces or dashes ("943 476 5919",
# "943-476-5919", "9434765919"), and not part of a longer number or a decimal.
_NHS = re.compile(
    r"(?<![\w+])(?<![0-9][ -])(?<![0-9][.,])"
    r"[0-9]{2,10}(?:[ -][0-9]{2,10}){0,4}"
    r"(?![\w]|[ -][0-9]|[.,][0-9])",
    re.ASCII,
)

_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0",
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_REPEATS = {"double": 2, "triple": 3, "treble": 3}
_WORD = "(?:" + "|".join(sorted(_SPOKEN_DIGITS, key=len, reverse=True)) + r")(?![\w])"
_REPEAT = r"(?:(?:double|triple|treble)[ -]{1,2})?"
_SPOKEN_TOKEN = re.compile(
    rf"(?i)(?:(?P<repeat>double|triple|treble)[ -]{{1,2}})?(?P<digit>{_WORD}|[0-9]{{1,11}}(?![\w]))"
)
# A run of digits and digit words: "oh seven seven double oh nine…", "zero 7 7…", "+44 seven…".
_SPOKEN_RUN = re.compile(
    rf"(?i)(?<![\w+])(?P<plus>\+\s{{0,2}}|plus\s{{1,3}})?"
    rf"{_REPEAT}(?:{_WORD}|[0-9]{{1,11}}(?![\w]))"
    rf"(?:[\s,.-]{{1,3}}{_REPEAT}(?:{_WORD}|[0-9]{{1,11}}(?![\w]))){{2,21}}"
)
# A digit word beside another digit or digit word: every spoken run has one, most text none.
_SPOKEN_HINT = re.compile(
    rf"\b{_WORD}[\s,.-]{{1,3}}{_REPEAT}(?:{_WORD}|[0-9])|[0-9][\s,.-]{{1,3}}{_REPEAT}{_WORD}"
)
# A phone number in words without any digit still starts with a zero or a plus.
_ZERO_OR_PLUS = re.compile(r"\b(?:zero|oh?|nought|nil|plus)\b")


def may_hold_spoken_number(lowered: str, has_digit: bool) -> bool:
    """Whether lower-cased text may hold a phone number at least partly in words (cheap)."""
    # It starts with a zero or a plus: as a digit, or as a word.
    starts = (has_digit and ("0" in lowered or "+" in lowered)) or _ZERO_OR_PLUS.search(lowered)
    return bool(starts and _SPOKEN_HINT.search(lowered))


_NOT_DIGITS = str.maketrans("", "", "0123456789")


def _digit_count(text: str) -> int:
    return len(text) - len(text.translate(_NOT_DIGITS))


def is_nhs_number(digits: str) -> bool:
    """Whether a string of ten digits passes the NHS number's modulus 11 check."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = (11 - total % 11) % 11
    # A check of 10 means no NHS number has these first nine digits.
    return check == int(digits[9])


def _replace_nhs(match: re.Match[str]) -> str:
    digits = match.group().replace(" ", "").replace("-", "")
    return "[nhs number]" if is_nhs_number(digits) else match.group()


def _replace_phone_run(match: re.Match[str]) -> str:
    """Replace each phone number inside a run of digit groups and separators."""
    groups = re.findall(r"\D*\d+", match.group())
    out: list[str] = []
    start = 0
    while start < len(groups):
        lead = groups[start].lstrip(" .-)")
        low, high = (9, 15) if lead.startswith("+") else (10, 11)
        end, digits = None, 0
        if lead.startswith("+") or lead.lstrip("(").startswith("0"):
            for stop in range(start, len(groups)):
                digits += sum(char.isdigit() for char in groups[stop])
                if digits > high:
                    break
                end = stop + 1 if digits >= low else end
        if end is None:
            out.append(groups[start])
            start += 1
        else:
            out.append(groups[start][: len(groups[start]) - len(lead)] + "[phone]")
            start = end
    return "".join(out)


def _spoken_tokens(run: str, start: int) -> list[tuple[int, int, str, bool]]:
    """Each token of a spoken run: its start, end, the digits it stands for, and if in words."""
    tokens = []
    for token in _SPOKEN_TOKEN.finditer(run, start):
        digit, repeat = token.group("digit"), token.group("repeat")
        spelled = not digit[0].isdigit()
        digits = _SPOKEN_DIGITS[digit.lower()] if spelled else digit
        times = _REPEATS[repeat.lower()] if repeat else 1
        tokens.append((token.start(), token.end(), digits * times, spelled or bool(repeat)))
    return tokens


def _spoken_phone_end(tokens: list[tuple[int, int, str, bool]], start: int, plus: bool) -> int:
    """The index after the last token of a phone number starting at `start`, or 0 if none."""
    low, high = (9, 15) if plus else (10, 11)
    number, end, spelled = "", 0, False
    for index in range(start, len(tokens)):
        number += tokens[index][2]
        spelled = spelled or tokens[index][3]
        if len(number) > high:
            break
        if len(number) >= low and spelled:
            end = index + 1
    # Without a plus, a UK number starts 0 then another digit (never "oh oh oh…").
    if not plus and not (number.startswith("0") and number[1:2] not in ("", "0")):
        return 0
    return end


def _replace_spoken_run(match: re.Match[str]) -> str:
    """Replace each phone number in a run of digits and digit words with [phone]."""
    run = match.group()
    plus = len(match.group("plus") or "")
    tokens = _spoken_tokens(run, plus)
    out: list[str] = []
    position = index = 0
    while index < len(tokens):
        end = _spoken_phone_end(tokens, index, plus > 0 and index == 0)
        if not end:
            index += 1
            continue
        start = 0 if index == 0 else tokens[index][0]  # a leading plus goes with the number
        out.extend((run[position:start], "[phone]"))
        position, index = tokens[end - 1][1], end
    out.append(run[position:])
    return "".join(out)


def redact_numbers(text: str, lowered: str, has_digit: bool) -> str:
    """Replace phone numbers (in digits, words or both) with [phone], NHS numbers with theirs."""
    # Spoken runs first: a number half in digits and half in words is one number, and the
    # digit half alone could look like a shorter one.
    if may_hold_spoken_number(lowered, has_digit):
        text = _SPOKEN_RUN.sub(_replace_spoken_run, text)
    # A phone number has at least 9 digits (after a plus) and an NHS number 10: most answers
    # with a number in them have fewer, and skip both patterns.
    if has_digit and _digit_count(text) >= 9:
        text = _PHONE.sub(_replace_phone_run, text)
        text = _NHS.sub(_replace_nhs, text)
    return text
