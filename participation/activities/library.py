"""Ready-made activities built from the Hub and Spoke participation strand."""

from __future__ import annotations

from typing import Any

from participation.activities.kinds import REACH_TOPICS, question_spec
from participation.models.enums import QuestionKind

WAYS_TO_TAKE_PART = [
    "Talking one-to-one with my worker",
    "Group sessions",
    "Workshop days",
    "Helping to make leaflets, art or videos",
    "Speaking up to people in charge",
    "Helping other young people",
]


def sensitive(spec: dict[str, Any]) -> dict[str, Any]:
    """Mark a template question sensitive: its results never go on the shared big screen."""
    return {**spec, "never_on_screen": True}


def _reach_questions() -> list[dict[str, Any]]:
    return [sensitive(question_spec(QuestionKind.REACH, "", topic=topic)) for topic in REACH_TOPICS]


TEMPLATES: dict[str, dict[str, Any]] = {
    "taking-part": {
        "title": "Taking part in this service",
        "participation_type": "Consultation and service design",
        "intro": "We want to know what it is like to have a say here, and what could be better.",
        "lundy_focus": "voice",
        "questions": [
            question_spec(
                QuestionKind.EMOJI_SCALE, "How do you feel about how you take part in this service?"
            ),
            question_spec(
                QuestionKind.FREE_TEXT,
                "What do you like about how you take part here?",
                max_length=600,
            ),
            sensitive(
                question_spec(
                    QuestionKind.FREE_TEXT, "How has taking part helped you?", max_length=600
                )
            ),
            question_spec(
                QuestionKind.MULTIPLE_CHOICE,
                "Which ways of taking part have you tried?",
                options=WAYS_TO_TAKE_PART,
            ),
            question_spec(
                QuestionKind.RANKING,
                "Put these ways of taking part in order, best first.",
                options=WAYS_TO_TAKE_PART[:5],
            ),
            question_spec(
                QuestionKind.SINGLE_CHOICE,
                "Do you know what you can expect when you take part?",
                options=["Yes, I know", "I know a bit", "No, I don't know"],
            ),
            sensitive(
                question_spec(
                    QuestionKind.FREE_TEXT, "What is hard about taking part?", max_length=600
                )
            ),
        ],
    },
    "workshop-day": {
        "title": "Workshop day feedback",
        "participation_type": "Workshop day",
        "intro": "Tell us what you thought of today. It takes about 3 minutes.",
        "lundy_focus": "space",
        "questions": [
            question_spec(QuestionKind.EMOJI_SCALE, "How was today overall?"),
            question_spec(QuestionKind.TRAFFIC_LIGHT, "Did you feel listened to today?"),
            question_spec(
                QuestionKind.MULTIPLE_CHOICE,
                "Which parts did you enjoy?",
                options=[
                    "Meeting other young people",
                    "The activities",
                    "The food",
                    "Sharing ideas",
                    "Making something",
                ],
                max_picks=3,
            ),
            question_spec(
                QuestionKind.SINGLE_CHOICE,
                "Would you come to another workshop day?",
                options=["Yes", "Maybe", "No"],
            ),
            question_spec(QuestionKind.THREE_BOXES, "About today"),
        ],
    },
    "one-to-one": {
        "title": "One-to-one check-in",
        "participation_type": "One-to-one work",
        "intro": "A few quick questions about the time you spend with your worker.",
        "lundy_focus": "voice",
        "questions": [
            question_spec(
                QuestionKind.EMOJI_SCALE,
                "How do you feel about the time you spend with your worker?",
            ),
            question_spec(QuestionKind.TRAFFIC_LIGHT, "Do you get a say in what you do together?"),
            sensitive(
                question_spec(
                    QuestionKind.SINGLE_CHOICE,
                    "Do you feel your worker listens to you?",
                    options=["Always", "Most of the time", "Sometimes", "Not really"],
                )
            ),
            sensitive(
                question_spec(
                    QuestionKind.FREE_TEXT,
                    "Is there anything you would like to do differently?",
                    max_length=500,
                )
            ),
        ],
    },
    "group-work": {
        "title": "Group work review",
        "participation_type": "Group work",
        "intro": "Help us make the group better for everyone.",
        "lundy_focus": "audience",
        "questions": [
            question_spec(QuestionKind.EMOJI_SCALE, "How do you feel about the group?"),
            sensitive(
                question_spec(QuestionKind.TRAFFIC_LIGHT, "Does the group feel like a safe space?")
            ),
            question_spec(
                QuestionKind.RANKING,
                "What matters most to you in the group? Put them in order.",
                options=[
                    "Feeling safe",
                    "Having fun",
                    "Learning new things",
                    "Being listened to",
                    "Making friends",
                ],
            ),
            question_spec(
                QuestionKind.MULTIPLE_CHOICE,
                "What would you like more of?",
                options=[
                    "Trips",
                    "Art and making things",
                    "Talking about things that matter",
                    "Guest speakers",
                    "Games",
                ],
            ),
            question_spec(
                QuestionKind.FREE_TEXT, "What would you change about the group?", max_length=600
            ),
        ],
    },
    "working-well": {
        "title": "What's working, what's not, what would you change",
        "participation_type": "Consultation and service design",
        "intro": "Thinking about this service: what is working well, what are the challenges, and what would you like to see change?",
        "lundy_focus": "influence",
        "questions": [
            question_spec(QuestionKind.THREE_BOXES, "Thinking about this service"),
            question_spec(QuestionKind.TRAFFIC_LIGHT, "Overall, how is the service doing?"),
        ],
    },
    "reach": {
        "title": "Reach (optional about-you questions)",
        "participation_type": "Consultation and service design",
        "intro": "These questions help us check we reach all young people who need us. Every one is optional.",
        "lundy_focus": "space",
        "questions": _reach_questions(),
    },
    "youth-board": {
        "title": "Youth board: having a say",
        "participation_type": "Youth board / governance",
        "intro": "You help make decisions here. Tell us how it is going.",
        "lundy_focus": "influence",
        "questions": [
            question_spec(
                QuestionKind.TRAFFIC_LIGHT, "Do you feel the service acts on what the board says?"
            ),
            question_spec(QuestionKind.EMOJI_SCALE, "How do you feel about being on the board?"),
            question_spec(
                QuestionKind.FREE_TEXT, "What should the board work on next?", max_length=600
            ),
        ],
    },
}


def _give_template_keys() -> None:
    # A template question keeps one key in every activity made from it, so the dashboard
    # counts it as one question however leads reword it. Reach questions share their topic's.
    for template_key, template in TEMPLATES.items():
        for number, spec in enumerate(template["questions"], start=1):
            topic = spec["settings"].get("topic")
            spec["key"] = f"reach:{topic}" if topic else f"template:{template_key}:{number}"


_give_template_keys()


# --- the question bank -------------------------------------------------------------------

BANK_GROUPS = {
    "reflection": "Reflection prompts",
    "reach": "Reach questions",
    "outcome": "Outcome questions",
}


def _bank_item(group: str, slug: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {**spec, "group": group, "key": f"bank:{slug}"}


# Worded from the Hub and Spoke participation strand: its reflection questions ("what is
# working well, what are the challenges, what would you like to see change"), its reach
# monitoring and its outcome for young people ("outcomes improve for young people").
BANK: dict[str, dict[str, Any]] = {
    item["key"]: item
    for item in (
        _bank_item(
            "reflection",
            "working-well",
            question_spec(
                QuestionKind.FREE_TEXT,
                "Thinking about this service, what is working well?",
                max_length=600,
            ),
        ),
        _bank_item(
            "reflection",
            "challenges",
            question_spec(QuestionKind.FREE_TEXT, "What is hard or not working?", max_length=600),
        ),
        _bank_item(
            "reflection",
            "change",
            question_spec(
                QuestionKind.FREE_TEXT, "What would you like to see change?", max_length=600
            ),
        ),
        _bank_item(
            "reflection",
            "three-boxes",
            question_spec(QuestionKind.THREE_BOXES, "Thinking about this service"),
        ),
        *(
            {**spec, "group": "reach", "key": f"reach:{spec['settings']['topic']}"}
            for spec in _reach_questions()
        ),
        _bank_item(
            "outcome",
            "feel-safer",
            question_spec(
                QuestionKind.TRAFFIC_LIGHT, "Do you feel safer than when you first came here?"
            ),
        ),
        _bank_item(
            "outcome",
            "know-help",
            question_spec(
                QuestionKind.SINGLE_CHOICE,
                "Do you know where to get help if you need it?",
                options=["Yes", "I think so", "No"],
            ),
        ),
        _bank_item(
            "outcome",
            "speak-up",
            question_spec(
                QuestionKind.EMOJI_SCALE,
                "How confident do you feel about speaking up for yourself?",
            ),
        ),
        _bank_item(
            "outcome",
            "listened-to",
            question_spec(QuestionKind.TRAFFIC_LIGHT, "Do you feel listened to here?"),
        ),
        _bank_item(
            "outcome",
            "difference",
            question_spec(
                QuestionKind.FREE_TEXT,
                "What difference has coming here made to you?",
                max_length=600,
            ),
        ),
    )
}


def bank_groups() -> dict[str, list[dict[str, Any]]]:
    """The bank's questions by group, in the order leads see them."""
    groups: dict[str, list[dict[str, Any]]] = {group: [] for group in BANK_GROUPS}
    for item in BANK.values():
        groups[item["group"]].append(item)
    return groups


# An example prompt for each kind of question, shown in the "Add a question" gallery.
KIND_EXAMPLES: dict[str, str] = {
    QuestionKind.EMOJI_SCALE: "How was today overall?",
    QuestionKind.TRAFFIC_LIGHT: "Did you feel listened to today?",
    QuestionKind.SINGLE_CHOICE: "Would you come to another workshop day?",
    QuestionKind.MULTIPLE_CHOICE: "Which parts did you enjoy?",
    QuestionKind.FREE_TEXT: "What would you change about the group?",
    QuestionKind.THREE_BOXES: "Thinking about this service: working well, not working, change",
    QuestionKind.RANKING: "What matters most to you in the group? Put them in order.",
    QuestionKind.REACH: "How old are you? (with “Prefer not to say”)",
}
