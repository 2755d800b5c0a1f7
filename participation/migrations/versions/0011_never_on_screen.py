"""A per-question "never on the big screen" mark for the present screen.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 00:30:00.000000

A lead can keep a question's results off the screen the room sees. Reach ("about you")
questions already in the database start marked, as new ones do.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("never_on_screen", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    questions = sa.table("questions", sa.column("kind", sa.String), sa.column("never_on_screen"))
    op.execute(
        questions.update().where(questions.c.kind == "reach").values(never_on_screen=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("never_on_screen")
