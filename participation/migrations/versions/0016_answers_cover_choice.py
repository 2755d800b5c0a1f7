"""Outcome counting reads question, submission and choice from one index.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 23:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_question_submission")
        batch_op.create_index(
            "ix_answers_question_submission",
            ["question_id", "submission_id", "choice"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_question_submission")
        batch_op.create_index(
            "ix_answers_question_submission", ["question_id", "submission_id"], unique=False
        )
