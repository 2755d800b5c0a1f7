"""Redact personal details from free text before anything leaves the staff view.

`redact` replaces names, contact details, addresses, dates of birth, schools and similar
details with placeholders such as [name] and [phone] (DESIGN.md, principle 5). Every
pattern uses bounded or possessive repetition so redaction stays linear in the length of
the text, whatever a young person types.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from participation.privacy.redaction_numbers import may_hold_spoken_number, redact_numbers


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PLACEHOLDERS = (
    "email", "phone", "nhs number", "postcode", "url", "handle", "address", "date", "school", "name",
)  # fmt: skip

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6}")
_URL_CHARS = r"[^\s<>\"'\[\]]"
_TLDS = (
    r"com|net|org|edu|gov|info|biz|io|co\.uk|org\.uk|ac\.uk|gov\.uk|sch\.uk|nhs\.uk|uk|co|me"
    r"|app|dev|xyz|tv|gg|ly|ee|ie|us|eu|online|site|store|blog|link"
)
_URL = re.compile(
    rf"(?i:\b(?:https?://|www\.){_URL_CHARS}*+"
    rf"|(?<![\w.@/-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.){{1,4}}(?:{_TLDS})(?![\w-])"
    rf"(?:/{_URL_CHARS}*+)?)"
)
_TLD_HINT = re.compile(rf"\.(?:{_TLDS})(?![\w-])")
_DIGIT = re.compile(r"\d")
_PLATFORM = (
    r"(?:snap(?:chat)?|insta(?:gram)?|ig|tik ?tok|twitter|discord|kik|whats ?app|telegram"
    r"|fb|facebook|threads|bereal|twitch|youtube|steam|xbox|psn|roblox|fortnite)(?![\w])"
)
_PLATFORM_HINTS = _words(
    "snap insta ig tik twitter discord kik whats telegram fb facebook threads bereal twitch"
    " youtube steam xbox psn roblox fortnite"
)
_HANDLE_TEXT = r"@?(?P<handle>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)"
_NOT_A_HANDLE = (
    r"(?!(?:if|and|or|but|please|pls|plz|too|then|because|cos|so|when|to|as|the|a|an|it|its"
    r"|is|not|now|later|x|xx|xxx|lol|ok|okay|thanks|yes|no|good|bad|broken|private|down|gone"
    r"|deleted|blocked|hacked|banned|new|old|same|on|off|fun)\b)"
)
_HANDLE_CUE = re.compile(
    r"(?i)(?P<cue>\b(?:my\s{1,3}" + _PLATFORM + r"(?:\s{0,3}(?:name|username|handle|id|tag))?"
    r"(?:\s{1,3}is|['’]s|\s{0,3}[:=])"
    r"|(?:add|follow|message|msg|dm|find|hmu|hit)\s{1,3}me\s{1,3}(?:up\s{1,3})?(?:on|at)\s{1,3}"
    + _PLATFORM
    + r"(?:\s{0,3}[:=]|\s{1,3}(?:is|at|-))?"
    r"|" + _PLATFORM + r"(?:\s{0,3}(?:name|username|handle|id|tag)(?:\s{1,3}is|\s{0,3}[:=-])?"
    r"|\s{0,3}[:=]|\s{1,3}-))\s{0,3})" + _NOT_A_HANDLE + _HANDLE_TEXT
)
_HANDLE_AT = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    rf"(?i:\b(?:{_DAY}\s{{1,3}}(?:of\s{{1,3}})?{_MONTH}|{_MONTH}\s{{1,3}}{_DAY})"
    rf"(?:,?\s{{1,3}}{_YEAR})?(?![\w])"
    rf"|(?<![\d/.-])\d{{1,2}}([/.-])\d{{1,2}}\1(?:\d{{4}}|\d{{2}})(?![\d/-]|\.\d)"
    rf"|(?<![\d/.-]){_YEAR}([/.-])\d{{1,2}}\2\d{{1,2}}(?![\d/-]|\.\d))"
)
_BIRTH = re.compile(
    r"(?i)(?P<cue>\b(?:born|dob|d\.o\.b\.?|date\s{1,3}of\s{1,3}birth|birthday|bday|b-day)"
    r"(?:\s{0,3}(?:is|was|:|-|in|on|=)){0,2}\s{0,3})"
    rf"(?P<when>{_MONTH}(?:\s{{1,3}}{_YEAR})?|{_YEAR}|['’]\d{{2}})(?![\w])"
)
_POSTCODE_AREAS = (
    "AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY"
    " EC EH EN EX FK FY GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY LA LD LE LL"
    " LN LS LU ME MK ML NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN"
    " SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR WS WV YO ZE B E G L M N S W"
)
_POSTCODE_AREA_SET = frozenset(_POSTCODE_AREAS.split())
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?P<area>[A-Za-z]{1,2})\d[A-Za-z\d]?\s?\d"
    r"[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![A-Za-z0-9])"
)
_STREET_WORD = (
    r"(?!(?i:the|a|an|of|to|on|in|at|by|up|down|from|near|my|our|and|or|min|mins|minutes?"
    r"|miles?|doors?|houses?|people|times?|years?|hours?|days?|weeks?)\b)[A-Za-z][A-Za-z'’-]{1,20}"
)
_ADDRESS = re.compile(
    r"(?:\b(?i:flat|apartment|apt|unit)\s{1,3}\d{1,4}[A-Za-z]?\b,?\s{1,3})?"
    rf"\b\d{{1,4}}[A-Za-z]?,?\s{{1,3}}(?:{_STREET_WORD}\s{{1,3}}){{1,3}}"
    r"(?:(?i:road|rd|street|st|lane|avenue|ave|crescent|terrace|gardens|grove)"
    r"|Close|Drive|Way|Place|Court|Hill|Walk|Row|Mews|Park|View|Square|Rise|Parade|Green)\b\.?"
    r"|\b(?i:flat|apartment|apt)\s{1,3}\d{1,4}[A-Za-z]?\b"
)
_SCHOOL_STOP = (
    r"(?!(?:The|My|Our|Your|Their|His|Her|A|An|This|That|At|In|To|From|I|We|Big|Old|New|Local"
    r"|Main|Special|Secondary|Primary|High|Grammar|Sixth|Junior|Infant|Catholic|Community"
    r"|School|Academy|College|Art|Drama|Music|Summer|Sunday|Boarding|Holiday|Night)\b)"
)
_SCHOOL = re.compile(
    r"(?<![\w'’-])(?:(?:St\.|Saint)\s{1,2})?"
    rf"(?:{_SCHOOL_STOP}[A-Z][\w'’-]{{1,25}}\s{{1,2}}){{1,4}}"
    r"(?:(?i:high|primary|secondary|grammar|junior|infants?|catholic|community|church|c of e"
    r"|ce|prep|sixth form|technical|free|studio|special)\s{1,2}){0,2}"
    r"(?:(?i:school|academy|college)|High|Primary)\b"
)

_TOKEN = re.compile(rf"\[(?:{'|'.join(PLACEHOLDERS)})\]|\w+(?:['’-]\w+)*")
_DIGIT_OR_UNDERSCORE = re.compile(r"[\d_]+")
_NAME_CUE = re.compile(
    r"(?i)\b(?:(?P<strong>my\s{1,3}name\s{1,3}is|my\s{1,3}name['’]?s|my\s{1,3}names|name['’]s"
    r"|they\s{1,3}call\s{1,3}me|my\s{1,3}nickname\s{1,3}is|i\s{1,3}go\s{1,3}by)"
    r"|(?P<self>i['’]?m|i\s{1,3}am)|(?P<weak>called|named|call\s{1,3}me|known\s{1,3}as"
    r"|(?:my|our|the)\s{1,3}(?:(?:social|key|youth|support|project|case|link)\s{1,3})?"
    r"worker(?:\s{1,3}is|['’]s)?"
    r"|(?:my|our)\s{1,3}(?:mentor|carer|foster\s{1,3}carer|teacher|friend|best\s{1,3}friend"
    r"|boyfriend|girlfriend|bf|gf|partner|cousin)(?:\s{1,3}is)?))[\s:,-]{1,4}(?=[^\W\d_])"
)
# The same cues for ASCII text already in lower case: the same matches, found without case
# folding, which makes it several times faster (the pattern's letters are all lower case).
_NAME_CUE_LOWER = re.compile(_NAME_CUE.pattern.removeprefix("(?i)"))
_SENTENCE_BREAK = re.compile(r"[.!?\n\r:;\"“”•*]")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "prof"})


# Words that stop a strong cue or a surname from being taken as a name.
_STOPWORDS = _words(
    "a an the not is was it its that this and but or so too if when because cos just really very"
    " also what who secret private anonymous none nothing unknown nobody someone hidden i me we"
    " you he she they my your our their his her at in on to from of for with by"
)
_NOT_NAMES_AFTER_IM = _words(
    "happy sad fine ok okay good bad tired sorry sure glad proud scared angry bored here there"
    " going feeling doing new still always never only british english scottish welsh irish"
    " muslim jewish sikh hindu buddhist black white mixed asian gay bi trans deaf autistic"
)
# Names that are also everyday English words: lower case they are words, and capitalised at
# the start of a sentence or after these words they are usually words too ("in May").
_WORD_NAMES = _words(
    "abbey amber angel april august autumn beau belle berry bill bonnie brook buddy cadence candy"
    " carol chad chance charity chase cherry christian clay cliff crystal daisy dale dawn dean"
    " destiny drew dua duke earl ed eddy eve faith fern foster frank gabby gene ginger glen grace"
    " grant guy hank harmony hazel heath heather herb holly honey honor hope hunter iris ivy jack"
    " jade jan jasmine jay jewel joy june kit kitty lacy lance laurel liberty lily mac marina mark"
    " mason maverick max maxim may melody mickey miles ned nick noel nova olive paddy paisley pat"
    " patience pearl penny phoenix pierce piers piper poppy primrose prudence ray robin rocky rod"
    " roger roman rose rosemary ruby rusty sage sally sandy sapphire savanna savannah scarlet"
    " serenity sherry sky spike sterling sue summer sunny tansy terry tod trinity tucker ty verity"
    " viola violet wade ward warren will willow woody wren yaw yu zinnia"
)
_KEEP_WORD_NAME_AFTER = _words(
    "the a an in on at this that last next since until till of for by from early late mid every"
    " some no any i we you they he she it my our your their his its christmas new good great much"
    " more real true such what"
)


@functools.cache
def first_names() -> frozenset[str]:
    """Return the shipped list of lower-case first names, loaded once."""
    resource = importlib.resources.files("participation") / "data" / "first_names.txt"
    return frozenset(resource.read_text(encoding="utf-8").split())


@functools.lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _is_listed(folded: str) -> bool:
    names = first_names()
    return folded in names or ("-" in folded and folded.split("-", 1)[0] in names)


def _replace_postcode(match: re.Match[str]) -> str:
    """Replace a postcode-shaped match only when it starts with a real UK postcode area."""
    return "[postcode]" if match.group("area").upper() in _POSTCODE_AREA_SET else match.group()


def _strip_url(match: re.Match[str]) -> str:
    """Replace a URL but keep the punctuation that ends the sentence around it."""
    url = match.group()
    kept = url.rstrip(".,;:!?)'\"")
    return "[url]" + url[len(kept) :]


def _looks_like_name(
    word: str, folded: str, cue: str | None, previous_word: str, sentence_start: bool
) -> bool:
    """Decide whether one word (possessive 's removed) is a personal name."""
    if not word.isalpha() and _DIGIT_OR_UNDERSCORE.search(word):
        # A user name like "jo_b99" goes whole when any part of it is a first name.
        pieces = _DIGIT_OR_UNDERSCORE.split(folded)
        return any(_is_listed(piece) and piece not in _WORD_NAMES for piece in pieces if piece)
    title_case = word[0].isupper() and not (word.isupper() and len(word) > 1)
    listed = _is_listed(folded)
    if cue == "strong":
        return folded not in _STOPWORDS
    if previous_word in _TITLES and title_case:
        return True
    if cue in ("weak", "self") and title_case and not listed:
        return folded not in _STOPWORDS and folded not in _NOT_NAMES_AFTER_IM
    if not listed:
        return False
    if folded not in _WORD_NAMES or cue == "weak":
        return True
    # ALL-CAPS words this short are more often acronyms ("ED" for emergency department).
    if not word[0].isupper() or (word.isupper() and len(word) <= 3):
        return False
    return not sentence_start and previous_word not in _KEEP_WORD_NAME_AFTER


# In lower-case ASCII: a word with a digit or underscore beside a letter, or joined by an
# apostrophe or hyphen (one `_TOKEN` that is neither all letters nor all digits).
_MIXED_WORD = re.compile(r"\w['-]\w|_|[a-z]\d|\d[a-z]")
_LETTERS = re.compile(r"[a-z]+")


def _no_possible_names(lowered: str) -> bool:
    """Whether `_redact_names` would leave this cue-free, placeholder-free text as it is.

    For ASCII text, lower-cased. True when every word is a number, or plain letters that
    are neither a listed first name nor a title: then no word can be a name. Anything else
    takes the full path.
    """
    if _MIXED_WORD.search(lowered):
        return False
    words = set(_LETTERS.findall(lowered))
    return words.isdisjoint(first_names()) and words.isdisjoint(_TITLES)


def _plain_words_and_titles(words: set[str]) -> tuple[set[str], set[str]]:
    """Split out words that are plainly not names unless a cue or title comes first, and titles.

    Sorted out once per distinct word rather than at each occurrence.
    """
    plain, titles = set(), set()
    for word in words:
        folded = _fold(word)
        key = folded[:-2] if folded.endswith("'s") else folded
        if word.isalpha() and not _is_listed(key):
            plain.add(word)
        if folded in _TITLES:
            titles.add(word)
    return plain, titles


def _redact_names(text: str) -> str:
    """Replace first names (and a surname straight after one) with [name]."""
    cues = {}
    lowered = text.lower() if text.isascii() else None
    found = _NAME_CUE.finditer(text) if lowered is None else _NAME_CUE_LOWER.finditer(lowered)
    for match in found:
        cues[match.end()] = next(kind for kind, found in match.groupdict().items() if found)
    if not cues and lowered is not None and "[" not in text and _no_possible_names(lowered):
        return text
    tokens = list(_TOKEN.finditer(text))
    plain, titles = _plain_words_and_titles({token.group() for token in tokens})
    out: list[str] = []
    position = previous_end = 0
    previous_word, previous_was_name, first = "", False, True
    for token in tokens:
        word, start = token.group(), token.start()
        cue = cues.get(start)
        if word.isdigit() or (
            word in plain and not (cue or previous_was_name or previous_word in titles)
        ):
            previous_end, previous_word, previous_was_name = token.end(), word, False
            first = False
            continue
        folded = _fold(word)
        base, key = (word[:-2], folded[:-2]) if folded.endswith("'s") else (word, folded)
        gap = text[previous_end:start]
        sentence_start = first or bool(_SENTENCE_BREAK.search(gap))
        adjoining = not gap.strip(" ")
        if word[0] == "[":
            is_name = word == "[name]"
        elif previous_was_name and adjoining and base[0].isupper() and not base.isupper():
            is_name = key not in _STOPWORDS
        else:
            before = "" if sentence_start else _fold(previous_word)
            is_name = _looks_like_name(base, key, cue, before, sentence_start)
            if is_name and not base.isalpha() and _DIGIT_OR_UNDERSCORE.search(base):
                base = word
        if is_name and word[0] != "[":
            if previous_was_name and adjoining:
                out.append(text[position:previous_end])  # a surname joins its [name]
            else:
                out.extend((text[position:start], "[name]"))
            out.append(word[len(base) :])
            position = token.end()
        previous_end, previous_word, first = token.end(), word, False
        previous_was_name = is_name and base == word
    out.append(text[position:])
    return "".join(out)


def redact(text: str) -> str:
    """Replace personal details in free text with placeholders such as [name] and [phone]."""
    # A placeholder can expose a detail that was glued to what it replaced ("2009www.x.com"),
    # so repeat until nothing changes. Each change consumes text, so this ends quickly.
    for _ in range(8):
        redacted = _redact_once(text)
        if redacted == text:
            break
        text = redacted
    return text


_BIRTH_HINTS = ("born", "dob", "d.o.b", "birth", "bday", "b-day")
_SCHOOL_HINTS = ("school", "academy", "college", "high", "primary")


def _word_trie(words: Iterable[str]) -> str:
    """An alternation matching any of `words`, factored by first letters so it fails fast."""
    groups: dict[str, list[str]] = defaultdict(list)
    for word in words:
        groups[word[0]].append(word[1:])
    parts = []
    for first, rests in sorted(groups.items()):
        if "" in rests:  # the shorter word is enough for a substring check
            parts.append(re.escape(first))
        elif len(rests) == 1:
            parts.append(re.escape(first + rests[0]))
        else:
            parts.append(f"{re.escape(first)}(?:{_word_trie(rests)})")
    return "|".join(parts)


_PLATFORM_HINT = re.compile(_word_trie(_PLATFORM_HINTS))
_BIRTH_HINT = re.compile(_word_trie(_BIRTH_HINTS))
_SCHOOL_HINT = re.compile(_word_trie(_SCHOOL_HINTS))
# The literal cues below at once, on the lower-cased text: most answers have none of them
# and no digit or web address, and only need their names looked at.
_ANY_WORD_HINT = re.compile(
    _word_trie({"@", "://", "www.", *_PLATFORM_HINTS, *_BIRTH_HINTS, *_SCHOOL_HINTS})
)


def _needs_patterns(lowered: str) -> bool:
    """Whether any pattern but the names could match (else `_redact_once` skips them all)."""
    return bool(
        _DIGIT.search(lowered)
        or _ANY_WORD_HINT.search(lowered)
        or _TLD_HINT.search(lowered)
        or may_hold_spoken_number(lowered, has_digit=False)
    )


def _redact_once(text: str) -> str:
    lowered = text.lower()
    if not _needs_patterns(lowered):
        return _redact_names(text)
    has_digit = _DIGIT.search(text) is not None
    # Each pattern is skipped when a cheap check shows it cannot match, which keeps short
    # answers fast enough to redact a whole export on the fly.
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    if "://" in text or "www." in lowered or _TLD_HINT.search(lowered):
        text = _URL.sub(_strip_url, text)
    if _PLATFORM_HINT.search(lowered):
        text = _HANDLE_CUE.sub(lambda m: m.group("cue") + "[handle]", text)
    if "@" in text:
        text = _HANDLE_AT.sub("[handle]", text)
    if has_digit:
        text = _DATE.sub("[date]", text)
    if _BIRTH_HINT.search(lowered):
        text = _BIRTH.sub(lambda m: m.group("cue") + "[date]", text)
    text = redact_numbers(text, lowered, has_digit)
    if has_digit:
        text = _POSTCODE.sub(_replace_postcode, text)
        text = _ADDRESS.sub("[address]", text)
    if _SCHOOL_HINT.search(lowered):
        text = _SCHOOL.sub("[school]", text)
    return _redact_names(text)
