"""A content version on each activity, so young people's pages can keep it as plain data.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 00:30:00.000000

Every change to an activity's content (its settings, status, code, questions, options,
consent statement or help links) adds one to `content_version`; young people's pages read
the activity once per version and keep it in the process. Existing activities start at 1.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("content_version")
