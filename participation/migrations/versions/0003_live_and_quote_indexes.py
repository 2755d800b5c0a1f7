"""Indexes for the live screen's counts and for quotes: submissions by activity and id; quotes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:00:00.000000

The live screen, results page and dashboard read how many submissions an activity has and
which is newest on every request. (activity_id, id) answers both from one small index: the
count without reading the table, the newest id in one step. Reports pick the answers staff
chose as quotes; a partial index holds only those, so a report of an activity with a
million answers reads a handful of index entries instead of every answer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index("ix_submissions_activity", ["activity_id", "id"], unique=False)
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answers_quotes",
            ["question_id"],
            unique=False,
            sqlite_where=sa.text("is_quote = 1"),
            postgresql_where=sa.text("is_quote"),
        )


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_quotes")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_submissions_activity")
