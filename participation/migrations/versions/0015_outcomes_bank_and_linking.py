"""The outcomes bank, and a keyed hash linking one young person's answers over time.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 22:10:00.000000

Each Hub keeps a bank of outcome questions its Spokes ask in the same words. A submission
may carry the keyed hash of a linking code the young person made up; the key lives outside
the database, so the hash can't be reversed from a dump or matched across Hubs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hub_id"],
            ["services.id"],
            name=op.f("fk_outcome_questions_hub_id_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
            name=op.f("fk_outcome_questions_created_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_questions")),
        sa.UniqueConstraint("hub_id", "key", name=op.f("uq_outcome_questions_hub_id_key")),
    )
    with op.batch_alter_table("outcome_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_questions_hub_id"), ["hub_id"], unique=False)
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_submissions_link_hash"), ["link_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_link_hash"))
        batch_op.drop_column("link_hash")
    with op.batch_alter_table("outcome_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_questions_hub_id"))
    op.drop_table("outcome_questions")
