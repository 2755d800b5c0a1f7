"""Studio forms: they read what a lead typed; the rules live in participation.activities.design."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import NumberInput, TextInput

from participation.activities.consent import RESEARCH_WORDING
from participation.activities.help_links import format_help_links, parse_help_links
from participation.activities.kinds import KIND_LABELS, REACH_TOPICS
from participation.activities.questions import QuestionDraft
from participation.activities.settings import HART_RUNGS, LUNDY_LABELS, ActivitySettings, Problem
from participation.clock import YEARS_MESSAGE, in_sane_years, uk_to_utc, utc_to_uk
from participation.models.activities import (
    CONSENT_FACILITATED,
    CONSENT_SELF,
    RESEARCH_OFF,
)

DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class WholeNumberField(Field):
    """A whole number; blank gives None, or an error when `required`."""

    widget = NumberInput(min=0)

    def __init__(self, label: str = "", required_message: str | None = None, **kwargs: Any):
        super().__init__(label, **kwargs)
        self.required_message = required_message

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            self.data = None
            if self.required_message:
                raise ValueError(self.required_message)
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            raise ValueError("Enter a whole number, like 5.") from None


class LocalDateTimeField(Field):
    """A date and time typed in UK time (a datetime-local input)."""

    widget = TextInput(input_type="datetime-local")

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%Y-%m-%dT%H:%M") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        for fmt in DATETIME_FORMATS:
            try:
                parsed = datetime.strptime(raw, fmt)  # noqa: DTZ007 - UK wall clock, converted on save
            except ValueError:
                continue
            if not in_sane_years(parsed):
                raise ValueError(YEARS_MESSAGE)
            self.data = parsed
            return
        raise ValueError("Enter a date and time, for example 2026-03-14 10:00.")


CONSENT_MODE_CHOICES = [
    SelectChoice(CONSENT_SELF, "Self: the young person agrees for themselves"),
    SelectChoice(
        CONSENT_FACILITATED,
        "Facilitated: a worker confirms a parent or carer agreed offline, and the young person still says yes",
    ),
]
RESEARCH_CHOICES = [
    SelectChoice(option, wording.lead) for option, wording in RESEARCH_WORDING.items()
]
LAYOUT_CHOICES = [
    SelectChoice("0", "One question per page"),
    SelectChoice("1", "All questions on one page"),
]
HART_CHOICES = [SelectChoice("", "Not set")] + [
    SelectChoice(str(rung), f"{rung}. {name}") for rung, name in HART_RUNGS.items()
]
LUNDY_CHOICES = [SelectChoice("", "Not set")] + [
    SelectChoice(key, label) for key, label in LUNDY_LABELS.items()
]


class SettingsForm(FlaskForm):
    """An activity's settings: every field a lead can change."""

    title = StringField("Title")
    intro = TextAreaField("Introduction")
    participation_type_id = SelectField(
        "Participation type", coerce=_int_or_none, validate_choice=False
    )
    service_id = SelectField("Service", coerce=_int_or_none, validate_choice=False)
    opens_at = LocalDateTimeField("Opens (optional)")
    closes_at = LocalDateTimeField("Closes (optional)")
    consent_mode = RadioField(
        "Consent mode", choices=CONSENT_MODE_CHOICES, validate_choice=False, default=CONSENT_SELF
    )
    consent_statement = TextAreaField("Consent statement")
    research_sharing = RadioField(
        "Research sharing", choices=RESEARCH_CHOICES, validate_choice=False, default=RESEARCH_OFF
    )
    k_threshold = WholeNumberField(
        "Smallest group shown (k)", required_message="Enter the smallest group size, like 5."
    )
    retention_days = WholeNumberField(
        "Keep answers for (days after closing)",
        required_message="Enter how many days to keep answers, like 365.",
    )
    withdrawal_days = WholeNumberField(
        "Days young people have to withdraw",
        required_message="Enter how many days young people have to withdraw, like 28.",
    )
    expected_group_size = WholeNumberField(
        "How many young people you expect",
        required_message="Enter how many young people you expect, like 30.",
    )
    lundy_focus = SelectField("Lundy focus", choices=LUNDY_CHOICES, validate_choice=False)
    hart_rung = SelectField("Hart's ladder rung", choices=HART_CHOICES, validate_choice=False)
    one_page = RadioField("How questions are shown", choices=LAYOUT_CHOICES, default="0")
    own_help_links = BooleanField("Use different help links for this activity")
    help_links = TextAreaField("Help links for this activity")
    easy_read = BooleanField("Start in easy read")

    # Set by fix_service once young people have answered: the service can't change then.
    service_fixed: int | None = None
    service_hint = "Staff of this service (and its Hub) can see the results."

    def fix_service(self, service_id: int, reason: str) -> None:
        """Show the service as it is, not to be changed, with the reason as its hint."""
        self.service_fixed, self.service_hint = service_id, reason
        self.service_id.render_kw = {"disabled": True}

    def set_choices(self, services: list[Any], kinds: list[Any]) -> None:
        """Offer the lead's services and the participation types in use."""
        self.service_id.choices = [SelectChoice(s.id, s.name) for s in services]
        self.participation_type_id.choices = [SelectChoice("", "Choose a participation type")] + [
            SelectChoice(k.id, k.name) for k in kinds
        ]

    def fill(self, settings: ActivitySettings) -> None:
        """Show saved (or default) settings."""
        for name in ("title", "intro", "participation_type_id", "service_id", "consent_mode"):
            getattr(self, name).data = getattr(settings, name)
        self.consent_statement.data = settings.consent_statement
        self.research_sharing.data = settings.research_sharing
        self.k_threshold.data = settings.k_threshold
        self.retention_days.data = settings.retention_days
        self.withdrawal_days.data = settings.withdrawal_days
        self.expected_group_size.data = settings.expected_group_size
        self.opens_at.data = utc_to_uk(settings.opens_at)
        self.closes_at.data = utc_to_uk(settings.closes_at)
        self.lundy_focus.data = settings.lundy_focus or ""
        self.hart_rung.data = str(settings.hart_rung) if settings.hart_rung else ""
        self.one_page.data = "1" if settings.one_page else "0"
        self.own_help_links.data = settings.signposting is not None
        self.help_links.data = format_help_links(settings.signposting)
        self.easy_read.data = settings.easy_read

    def to_settings(self) -> ActivitySettings:
        """What was typed, as settings for the domain to check."""
        return ActivitySettings(
            title=self.title.data or "",
            intro=self.intro.data or "",
            participation_type_id=self.participation_type_id.data,
            # A disabled field is not sent: a fixed service stays as it is.
            service_id=self.service_fixed if self.service_id.data is None else self.service_id.data,
            opens_at=uk_to_utc(self.opens_at.data),
            closes_at=uk_to_utc(self.closes_at.data),
            consent_mode=self.consent_mode.data or "",
            consent_statement=(self.consent_statement.data or "").replace("\r\n", "\n"),
            research_sharing=self.research_sharing.data or "",
            k_threshold=self.k_threshold.data or 0,
            retention_days=self.retention_days.data or 0,
            withdrawal_days=self.withdrawal_days.data or 0,
            expected_group_size=self.expected_group_size.data or 0,
            lundy_focus=self.lundy_focus.data or None,
            hart_rung=_int_or_none(self.hart_rung.data),
            one_page=self.one_page.data == "1",
            signposting=parse_help_links(self.help_links.data or "")
            if self.own_help_links.data
            else None,
            easy_read=bool(self.easy_read.data),
        )


# Domain names whose form field is called something else.
FIELD_ALIASES = {"signposting": "help_links"}


def field_for(form: FlaskForm, name: str, fallback: str) -> Field:
    """The form field a problem about `name` belongs next to."""
    target = getattr(form, FIELD_ALIASES.get(name, name), None)
    if not isinstance(target, Field) or name == "csrf_token":
        target = getattr(form, fallback)
    return target


def add_problems(
    form: FlaskForm, problems: list[Problem], fallback: str, *, only_new: bool = False
) -> None:
    """Put each problem next to its field (or `fallback` when the form has no such field).

    With `only_new`, fields that already show an error (a number that could not be read)
    keep just that one.
    """
    already = {f.name for f in form if f.errors} if only_new else set()
    for name, message in problems:
        target = field_for(form, name, fallback)
        if target.name not in already:
            target.errors = [*target.errors, message]


class KindForm(FlaskForm):
    """Choose the kind of question to add (a GET form: nothing changes yet)."""

    class Meta:
        csrf = False

    kind = RadioField(
        "What kind of question?",
        choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
    )


TOPIC_CHOICES = [SelectChoice("", "Choose a topic")] + [
    SelectChoice(key, topic["prompt"]) for key, topic in REACH_TOPICS.items()
]


class QuestionForm(FlaskForm):
    """One question's wording, options and settings."""

    kind = HiddenField()
    prompt = TextAreaField("Question")
    hint = StringField("Hint (optional)")
    options = TextAreaField("Options, one on each line")
    max_picks = WholeNumberField("Most options a young person can pick (optional)")
    max_length = WholeNumberField("Longest answer, in characters")
    topic = SelectField("What the question is about", choices=TOPIC_CHOICES, validate_choice=False)
    never_on_screen = BooleanField("Never show this question's results on the big screen")

    def fill(self, draft: QuestionDraft) -> None:
        """Show a saved question."""
        self.kind.data = draft.kind
        self.prompt.data = draft.prompt
        self.hint.data = draft.hint
        self.options.data = "\n".join(draft.options)
        self.max_picks.data = draft.max_picks
        self.max_length.data = draft.max_length
        self.topic.data = draft.topic or ""
        self.never_on_screen.data = bool(draft.never_on_screen)

    def to_draft(self) -> QuestionDraft:
        """What was typed, as a draft for the domain to check."""
        return QuestionDraft(
            kind=self.kind.data or "",
            prompt=self.prompt.data or "",
            hint=self.hint.data or "",
            options=(self.options.data or "").splitlines(),
            max_picks=self.max_picks.data,
            max_length=self.max_length.data,
            topic=self.topic.data or None,
            never_on_screen=bool(self.never_on_screen.data),
        )


class CodeForm(FlaskForm):
    """Ask for a new join code, random or chosen."""

    code = StringField("Choose a code (optional)")


class MoveForm(FlaskForm):
    """Move a question up or down."""

    direction = HiddenField()


class OrderForm(FlaskForm):
    """Every question id in the new order, comma-separated (sent by drag and drop)."""

    order = HiddenField()

    def question_ids(self) -> list[int] | None:
        """The ids in order, or None when the list cannot be read."""
        try:
            return [int(part) for part in (self.order.data or "").split(",")]
        except ValueError:
            return None


class EmptyForm(FlaskForm):
    """A form with only a CSRF token, for buttons that change something."""


class LinkForm(FlaskForm):
    """Group a question with a bank question on the dashboard ("" for none)."""

    bank_key = SelectField("Count it with this bank question", validate_choice=True)

    def set_choices(self, items: list[dict[str, Any]]) -> None:
        """Offer the bank questions of the question's kind, and "none"."""
        self.bank_key.choices = [SelectChoice("", "None: count it on its own")] + [
            SelectChoice(item["key"], item["prompt"]) for item in items
        ]


class OutcomeForm(FlaskForm):
    """A new question for a Hub's outcomes bank (its wording is fixed once saved)."""

    area = SelectField("Outcome area", validate_choice=False)
    prompt = StringField("Question in English")
    hint = StringField("Hint in English (optional)")
    prompt_cy = StringField("Question in Welsh (Cymraeg) (optional)")
    hint_cy = StringField("Hint in Welsh (Cymraeg) (optional)")

    def set_choices(self, areas: dict[str, str]) -> None:
        """Offer the bank's outcome areas."""
        self.area.choices = [SelectChoice("", "Choose an area")] + [
            SelectChoice(key, label) for key, label in areas.items()
        ]
