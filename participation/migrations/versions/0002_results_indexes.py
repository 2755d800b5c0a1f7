"""Indexes for result figures: counts by question, option and place; respondents; moderation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 02:30:00.000000

The results page, dashboard and live screen count answers with GROUP BY. These indexes let
every one of those queries read an index only: (question_id, choice, part) for option,
ranking-place and box counts; (question_id, submission_id) for how many young people
answered a multiple-choice or three-box question; and a partial index over text answers'
moderation state for the live screen's approved answers and the moderation list.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_ONLY = sa.text("moderation IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_question_choice")
        batch_op.create_index(
            "ix_answers_question_choice", ["question_id", "choice", "part"], unique=False
        )
        batch_op.create_index(
            "ix_answers_question_submission", ["question_id", "submission_id"], unique=False
        )
        batch_op.create_index(
            "ix_answers_moderation",
            ["question_id", "moderation"],
            unique=False,
            sqlite_where=TEXT_ONLY,
            postgresql_where=TEXT_ONLY,
        )


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_moderation")
        batch_op.drop_index("ix_answers_question_submission")
        batch_op.drop_index("ix_answers_question_choice")
        batch_op.create_index("ix_answers_question_choice", ["question_id", "choice"], unique=False)
