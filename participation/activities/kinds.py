"""What each question kind offers: fixed options for scales, reach topics, limits."""

from __future__ import annotations

from typing import Any

from participation.models.enums import QuestionKind

PREFER_NOT_TO_SAY = 99
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
MAX_RANKING_ITEMS = 6
DEFAULT_MAX_LENGTH = 1000
MAX_OPTIONS = 12

KIND_LABELS: dict[str, str] = {
    QuestionKind.EMOJI_SCALE: "Faces scale (5 faces)",
    QuestionKind.TRAFFIC_LIGHT: "Traffic light",
    QuestionKind.SINGLE_CHOICE: "Pick one",
    QuestionKind.MULTIPLE_CHOICE: "Pick any",
    QuestionKind.FREE_TEXT: "Write in a box",
    QuestionKind.THREE_BOXES: "Three boxes: working well, not working, change",
    QuestionKind.RANKING: "Put in order",
    QuestionKind.REACH: "About you (optional reach question)",
}

EMOJI_OPTIONS = [
    {"code": 1, "label": "Really unhappy", "face": "😢"},
    {"code": 2, "label": "Unhappy", "face": "🙁"},
    {"code": 3, "label": "Okay", "face": "😐"},
    {"code": 4, "label": "Happy", "face": "🙂"},
    {"code": 5, "label": "Really happy", "face": "😄"},
]
TRAFFIC_OPTIONS = [
    {"code": 1, "label": "Red: not good, needs to change", "colour": "red"},
    {"code": 2, "label": "Amber: some good, some not", "colour": "amber"},
    {"code": 3, "label": "Green: good, keep it going", "colour": "green"},
]
THREE_BOX_PROMPTS = ["What's working well?", "What's not working?", "What would you change?"]

# Reach questions follow the evaluation's "reach" data (age, gender, ethnicity, disability,
# LGBT+, living situation). Every one also offers "Prefer not to say".
REACH_TOPICS: dict[str, dict[str, Any]] = {
    "age_band": {
        "prompt": "How old are you?",
        "options": ["12 or 13", "14 or 15", "16 or 17", "18 to 25"],
    },
    "gender": {
        "prompt": "What is your gender?",
        "options": [
            "Girl or young woman",
            "Boy or young man",
            "Non-binary",
            "I describe it another way",
        ],
    },
    "ethnicity": {
        "prompt": "What is your ethnic group?",
        "options": [
            "White (UK or other)",
            "Mixed or multiple ethnic groups",
            "Asian or Asian British",
            "Black, Black British, Caribbean or African",
            "Another ethnic group",
        ],
    },
    "disability": {
        "prompt": "Do you have a disability, a long-term illness or a learning difficulty?",
        "options": ["Yes", "No", "Not sure"],
    },
    "lgbt": {
        "prompt": "Do you think of yourself as LGBT+ (lesbian, gay, bi, trans or another identity)?",
        "options": ["Yes", "No", "Not sure"],
    },
    "living_situation": {
        "prompt": "Where do you live at the moment?",
        "options": [
            "At home with family",
            "In foster care",
            "In a children's home",
            "With other relatives or friends",
            "On my own or in supported housing",
            "Somewhere else",
        ],
    },
}


def fixed_options(kind: str) -> list[dict[str, Any]] | None:
    """The options a kind always has (faces, traffic lights), or None when staff write them."""
    if kind == QuestionKind.EMOJI_SCALE:
        return [dict(o) for o in EMOJI_OPTIONS]
    if kind == QuestionKind.TRAFFIC_LIGHT:
        return [dict(o) for o in TRAFFIC_OPTIONS]
    return None


def reach_options(topic: str) -> list[dict[str, Any]]:
    """The options of a reach topic, ending with "Prefer not to say"."""
    labels = REACH_TOPICS[topic]["options"]
    options = [{"code": index, "label": label} for index, label in enumerate(labels, start=1)]
    options.append({"code": PREFER_NOT_TO_SAY, "label": PREFER_NOT_TO_SAY_LABEL})
    return options


def numbered(labels: list[str]) -> list[dict[str, Any]]:
    """Options with codes 1..n for staff-written labels."""
    return [{"code": index, "label": label} for index, label in enumerate(labels, start=1)]


def question_spec(kind: str, prompt: str, **extra: Any) -> dict[str, Any]:
    """A plain dict describing a question (used by templates and demo data)."""
    options: list[dict[str, Any]]
    settings: dict[str, Any] = {}
    if kind in (QuestionKind.EMOJI_SCALE, QuestionKind.TRAFFIC_LIGHT):
        options = fixed_options(kind) or []
    elif kind == QuestionKind.REACH:
        topic = extra["topic"]
        settings["topic"] = topic
        options = reach_options(topic)
        prompt = prompt or REACH_TOPICS[topic]["prompt"]
    elif kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING):
        options = numbered(extra["options"])
        if kind == QuestionKind.MULTIPLE_CHOICE and extra.get("max_picks"):
            settings["max_picks"] = extra["max_picks"]
    else:
        options = []
        settings["max_length"] = extra.get("max_length", DEFAULT_MAX_LENGTH)
    if kind == QuestionKind.THREE_BOXES:
        settings["boxes"] = list(THREE_BOX_PROMPTS)
    return {
        "kind": kind,
        "prompt": prompt,
        "hint": extra.get("hint", ""),
        "options": options,
        "settings": settings,
    }
