"""Question keys (so rewording keeps a question's identity) and "you said, we did" publishing.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 00:30:00.000000

Every question gets a stable key that the dashboard groups by:
- a reach question: "reach:<topic>" (from its settings);
- a question worded exactly as a template question of this release: that template's key,
  "template:<template>:<position in the template>";
- any other question: "wording:<hash of its kind and wording>" (as a new question of the
  lead's own gets, `models.activities.wording_key`), so questions that were grouped by
  identical wording before keep being grouped.
Activities get a "you said, we did" published flag and an optional last day to show it.
Downgrading drops the columns (the keys cannot be kept without them).
"""

import hashlib
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The template questions as released, frozen here so later template edits cannot change
# what this migration did.
TEMPLATE_KEYS: dict[tuple[str, str], str] = {
    (
        "emoji_scale",
        "How do you feel about how you take part in this service?",
    ): "template:taking-part:1",
    ("free_text", "What do you like about how you take part here?"): "template:taking-part:2",
    ("free_text", "How has taking part helped you?"): "template:taking-part:3",
    ("multiple_choice", "Which ways of taking part have you tried?"): "template:taking-part:4",
    ("ranking", "Put these ways of taking part in order, best first."): "template:taking-part:5",
    (
        "single_choice",
        "Do you know what you can expect when you take part?",
    ): "template:taking-part:6",
    ("free_text", "What is hard about taking part?"): "template:taking-part:7",
    ("emoji_scale", "How was today overall?"): "template:workshop-day:1",
    ("traffic_light", "Did you feel listened to today?"): "template:workshop-day:2",
    ("multiple_choice", "Which parts did you enjoy?"): "template:workshop-day:3",
    ("single_choice", "Would you come to another workshop day?"): "template:workshop-day:4",
    ("three_boxes", "About today"): "template:workshop-day:5",
    (
        "emoji_scale",
        "How do you feel about the time you spend with your worker?",
    ): "template:one-to-one:1",
    ("traffic_light", "Do you get a say in what you do together?"): "template:one-to-one:2",
    ("single_choice", "Do you feel your worker listens to you?"): "template:one-to-one:3",
    ("free_text", "Is there anything you would like to do differently?"): "template:one-to-one:4",
    ("emoji_scale", "How do you feel about the group?"): "template:group-work:1",
    ("traffic_light", "Does the group feel like a safe space?"): "template:group-work:2",
    (
        "ranking",
        "What matters most to you in the group? Put them in order.",
    ): "template:group-work:3",
    ("multiple_choice", "What would you like more of?"): "template:group-work:4",
    ("free_text", "What would you change about the group?"): "template:group-work:5",
    ("three_boxes", "Thinking about this service"): "template:working-well:1",
    ("traffic_light", "Overall, how is the service doing?"): "template:working-well:2",
    (
        "traffic_light",
        "Do you feel the service acts on what the board says?",
    ): "template:youth-board:1",
    ("emoji_scale", "How do you feel about being on the board?"): "template:youth-board:2",
    ("free_text", "What should the board work on next?"): "template:youth-board:3",
}
BATCH = 1000


def key_for(kind: str, prompt: str, settings: object) -> str:
    """The key an existing question gets (see the module docstring)."""
    if isinstance(settings, str):
        settings = json.loads(settings or "{}")
    topic = settings.get("topic") if isinstance(settings, dict) else None
    if kind == "reach" and topic:
        return f"reach:{topic}"
    wording = " ".join(prompt.split())
    if (kind, wording) in TEMPLATE_KEYS:
        return TEMPLATE_KEYS[(kind, wording)]
    digest = hashlib.blake2s(f"{kind}\x1f{wording.casefold()}".encode(), digest_size=8).hexdigest()
    return f"wording:{digest}"


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(80), nullable=True))
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("you_said_published", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("you_said_until", sa.Date(), nullable=True))

    bind = op.get_bind()
    questions = sa.table(
        "questions",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("prompt", sa.Text),
        sa.column("settings", sa.JSON),
        sa.column("key", sa.String),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(questions.c.id, questions.c.kind, questions.c.prompt, questions.c.settings)
            .where(questions.c.id > last)
            .order_by(questions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            bind.execute(
                questions.update()
                .where(questions.c.id == row.id)
                .values(key=key_for(row.kind, row.prompt or "", row.settings))
            )
        last = rows[-1].id

    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(80), nullable=False)
        batch_op.create_index("ix_questions_key", ["key"])


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("you_said_until")
        batch_op.drop_column("you_said_published")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_key")
        batch_op.drop_column("key")
