"""Second-language wording of activities, the language of each submission, and easy read.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 00:30:00.000000

Leads can give an activity's title, intro, consent statement, questions and options in a
second language (Welsh); the wording lives beside the English in a `translations` column.
Each submission records the language the young person answered in (existing ones: "en").
An activity can start in easy read (off for existing ones).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRANSLATED = ("activities", "questions", "consent_versions")


def upgrade() -> None:
    for table in TRANSLATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("translations", sa.JSON(), server_default="{}", nullable=False)
            )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("easy_read", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("easy_read")
    for table in reversed(TRANSLATED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
