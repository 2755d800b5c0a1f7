"""Words around a match that change what it means: negation, lessons, "if someone", jokes.

Each test looks only at the match's own clause or sentence, and errs towards flagging: a
missed disclosure costs far more than a needless review, so a context only discounts a match
when it clearly makes it about something other than the young person's own life.
"""

from __future__ import annotations

import itertools

from participation.safeguarding.normalise import Token, shape


def _words(text: str) -> frozenset[str]:
    return frozenset(shape(word) for word in text.split())


NEGATORS = frozenset({"not", "never", "no", "none", "nothing", "without", "nor"})
# "can not stop", "never told anyone": the negation is not of the harm itself.
_NEGATION_SPARED_BY = _words(
    "stop help cope leave escape get say tell told sleep remember believe know knows"
)
_SUBJECTS = _words("i he she they we you someone people it that this who")
_CLAUSE_WORDS = _words("but and because so when then until while although though")
_NEGATION_REACH = 6  # "no one has ever made me do anything"

# Nouns and verbs of a session, a lesson or a story: a topic talked about, not lived.
_TEACHING = _words(
    "session sessions workshop workshops lesson lessons "
    "course video videos film films movie documentary drama play roleplay role "
    "quiz leaflet leaflets poster posters speaker presentation assembly topic topics "
    "scenario scenarios case study cards story stories book song songs lyrics lyric rap "
    "episode programme show learn learnt learned learning taught teach teaching "
    "understand understanding awareness aware signs sign info information prevention "
    "stood counts schools advice tips spot recognise recruit means looks bit part explain explained "
    "discuss discussed covered"
)
_VICTIM_AFTER = _words("me my us our")
_TO_WHOM = _words("to on at with for from in round around of")
# "thinking about ending it" is not a topic: these words before "about" keep the match.
_BROODING = _words("thinking think thought thinks dreaming worried worry")
_VICTIM_BEFORE = _words("me my us our")
_PLAY = _words(
    "game games play played playing dodgeball football rugby netball basketball hockey pe "
    "tag match sport sports quiz race hall pitch fifa fortnite xbox playstation ps4 ps5 "
    "console gaming minecraft roblox boxing sparring wrestling pillow pool snooker darts chess "
    "cards uno monopoly bowling golf tennis cricket badminton"
)
_FRIENDS = _words("friend friends mate mates best cousin sister brother pal bro sis")
_I_PASSIVE = _words("was am got get have been being feel felt")

# "if someone...", "if you...": a question about what to do, not something that happened.
_IF_WORDS = frozenset({"if", "case", "imagine"})
_GENERIC_SUBJECTS = _words(
    "someone somebody anyone anybody a an you your people they their the someones"
)
_LAUGHS = _words("laugh laughing laughed laughter lol lmao haha")


def _clause(tokens: list[Token], start: int, end: int) -> range:
    clause = tokens[start].clause
    lo = start
    while lo > 0 and tokens[lo - 1].clause == clause:
        lo -= 1
    hi = end
    while hi < len(tokens) and tokens[hi].clause == tokens[end - 1].clause:
        hi += 1
    return range(lo, hi)


def negated(tokens: list[Token], start: int) -> bool:
    """Whether a negation just before the match ("nobody makes me...", "never been") denies it."""
    if tokens[start].text in NEGATORS:
        return False  # "we have not got no food": a double negative stresses, not denies
    clause = tokens[start].clause
    for i in range(start - 1, max(-1, start - 1 - _NEGATION_REACH), -1):
        tok = tokens[i]
        if tok.clause != clause or tok.text in _CLAUSE_WORDS:
            return False
        if tok.text in NEGATORS:
            if any(t.text in {"if", "unless"} for t in tokens[max(0, i - 3) : i]):
                return False  # "if i do not do what he says": a threat's condition
            following = tokens[i + 1].text
            return following not in _NEGATION_SPARED_BY or i + 1 == start
        if tok.text in _SUBJECTS:
            return False
    return False


def _involves_someone(tokens: list[Token], start: int, end: int, used: list[int]) -> bool:
    """Whether the match says it happened to someone ("me", "my", "i was", "my friend")."""
    if any(tokens[i].text in _VICTIM_AFTER for i in range(start, end)):
        return True
    span = _clause(tokens, start, end)
    if any(tokens[i].text in _FRIENDS and tokens[i - 1].text == "my" for i in span if i):
        return True
    if _victim_next(tokens, end):
        return True
    if start > 0 and tokens[start - 1].text in _VICTIM_BEFORE:
        return True
    for i in range(max(0, start - 3), end):
        if tokens[i].text == "i" and i + 1 < len(tokens) and tokens[i + 1].text in _I_PASSIVE:
            return True
    return False


def _victim_next(tokens: list[Token], end: int) -> bool:
    """Whether "me"/"us" follows the match at once, or after a preposition ("done to me").

    Further on it is the session's effect on the writer ("grooming made me think"), not harm.
    """
    clause = tokens[end - 1].clause
    after = [t for t in tokens[end : end + 2] if t.clause == clause]
    if after and after[0].text in _VICTIM_AFTER:
        return True
    return len(after) == 2 and after[0].text in _TO_WHOM and after[1].text in _VICTIM_AFTER


# Words that say the topic is the writer's own life ("that is what is happening to me").
_OWNING = tuple(
    tuple(shape(w) for w in phrase.split())
    for phrase in (
        "happening to me",
        "happened to me",
        "happens to me",
        "been through that",
        "been through it",
        "went through that",
        "going through that",
        "was my life",
        "is my life",
        "that is me",
        "that was me",
        "this is me",
        "me too",
        "same with me",
        "same as me",
        "i do that",
        "what i am doing",
        "what i do",
        "what is happening",
        "my situation",
        "to me as well",
    )
)


def owns_topic(tokens: list[Token]) -> bool:
    """Whether the answer says a session's topic is happening to the writer."""
    texts = [t.text for t in tokens]
    return any(
        texts[i : i + len(phrase)] == list(phrase)
        for phrase in _OWNING
        for i in range(len(texts) - len(phrase) + 1)
        if texts[i] == phrase[0]
    )


def about_a_topic(tokens: list[Token], start: int, end: int, used: list[int]) -> bool:
    """Whether the match names a topic of a session or story, not something that happened."""
    span = _clause(tokens, start, end)
    # A teaching word counts in the clause around the match or skipped inside it by a gap
    # ("we did a role play about county lines").
    taught = any(tokens[i].text in _TEACHING for i in span if i not in used)
    named = any(
        (tokens[i].text in {"about", "on"} and (i == 0 or tokens[i - 1].text not in _BROODING))
        or tokens[i].text in {"why", "people"}  # "why people self harm": said of anyone
        for i in range(max(0, start - 2), start)
    )
    if not (taught or named) or _involves_someone(tokens, start, end, used):
        return False
    return not owns_topic(tokens)


def at_play(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the clause is about a game or sport ("got hit in dodgeball", "run round")."""
    return any(tokens[i].text in _PLAY for i in _clause(tokens, start, end))


def defined(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the match is a word being explained: "what grooming is", "what it means"."""
    before = any(t.text == "what" for t in tokens[max(0, start - 2) : start])
    return before and end < len(tokens) and tokens[end].text in {"is", "means", "looks", "was"}


def negated_inside(tokens: list[Token], start: int, end: int, used: list[int]) -> bool:
    """Whether a word skipped inside the match negates it ("i do not drink or smoke")."""
    for i in range(start, end - 1):
        skipped_negation = i not in used and tokens[i].text in NEGATORS
        if skipped_negation and tokens[i + 1].text not in _NEGATION_SPARED_BY:
            return True
    return False


def hypothetical(tokens: list[Token], start: int) -> bool:
    """Whether the match follows "if someone...", "what would you do if...", "in case you..."."""
    sentence = tokens[start].sentence
    for i in range(start - 1, max(-1, start - 12), -1):
        if tokens[i].sentence != sentence:
            return False
        if tokens[i].text not in _IF_WORDS:
            continue
        subject = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if subject in _GENERIC_SUBJECTS:
            return True
        if subject == "i" and i + 2 < len(tokens) and tokens[i + 2].text in {"was", "were"}:
            return _says_i_would(tokens, start, sentence)
    return False


def _says_i_would(tokens: list[Token], start: int, sentence: int) -> bool:
    texts = [t.text for t in tokens[start:] if t.sentence == sentence]
    return any(a == "i" and b in {"would", "will"} for a, b in itertools.pairwise(texts))


def laughing(tokens: list[Token], end: int) -> bool:
    """Whether the match is followed by laughing ("nearly killed myself laughing")."""
    return any(t.text.startswith("laugh") for t in tokens[end : end + 1])


def is_laugh(token: Token) -> bool:
    """Whether a token is a written laugh (lol, lmao, haha)."""
    return token.text in _LAUGHS or token.text.startswith("haha")
