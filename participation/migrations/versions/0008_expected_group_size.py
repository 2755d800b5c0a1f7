"""Expected group size per activity, so joining past it (with a margin) asks the lead first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 21:30:00.000000

Anyone with a join code can start answering, and codes are printed on posters. The lead
says how many young people they expect at one session (30 unless changed); past that and a
margin, new joiners are asked to wait until the lead lets more people join. Existing
activities get 30.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expected_group_size", sa.Integer(), server_default="30", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("expected_group_size")
