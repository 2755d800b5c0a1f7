"""Research releases: frozen, numbered snapshots of what researchers may download.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:30:00.000000

Researchers no longer download live extracts: a lead releases the shareable answers (or
the activity closes), and each release covers the submissions up to an id, shuffled by
its own seed. A new release must add at least k submissions, so two releases never
differ by one person's answers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "research_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_submission_id", sa.Integer(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_research_releases_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_research_releases")),
        sa.UniqueConstraint(
            "activity_id", "number", name=op.f("uq_research_releases_activity_id_number")
        ),
    )
    with op.batch_alter_table("research_releases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_research_releases_activity_id"), ["activity_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("research_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_research_releases_activity_id"))
    op.drop_table("research_releases")
