"""Safeguarding queue: severity and burst groups on flags, staff-raised concerns, release.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:30:00.000000

The queue is ordered by severity (most urgent first), then newest first, and paged by
groups: near-duplicate flags from a burst share a group key, so a flood of one answer is
one row. Existing flags each get a group of their own and the severity of their most
urgent category. Staff can raise a concern by hand (source "staff"), and a safeguarding
lead can release a flag's words to other staff with a recorded reason.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The categories' severities when this revision was written (1 = immediate, 3 = concern).
IMMEDIATE = {"immediate_danger", "suicide"}
HIGH = {
    "self_harm",
    "sexual_exploitation",
    "sexual_exploitation_abuse",
    "sexual_assault",
    "online_coercion",
    "criminal_exploitation",
    "missing_trafficking",
    "going_missing",
    "physical_domestic_abuse",
    "violence",
}


def _severity(categories: str) -> int:
    keys = set(categories.split(","))
    return 1 if keys & IMMEDIATE else 2 if keys & HIGH else 3


def upgrade() -> None:
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.Integer(), server_default="3", nullable=False))
        batch_op.add_column(sa.Column("group_key", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("source", sa.String(length=12), server_default="auto", nullable=False)
        )
        batch_op.add_column(sa.Column("raised_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("concern_note", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("released_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("released_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("release_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_flags_raised_by_id_staff"),
            "staff",
            ["raised_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_flags_released_by_id_staff"),
            "staff",
            ["released_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    flags = sa.table(
        "flags",
        sa.column("answer_id", sa.Integer()),
        sa.column("categories", sa.String()),
        sa.column("severity", sa.Integer()),
        sa.column("group_key", sa.String()),
    )
    bind = op.get_bind()
    bind.execute(
        flags.update().values(group_key=sa.literal("a") + sa.cast(flags.c.answer_id, sa.String()))
    )
    for (categories,) in bind.execute(sa.select(flags.c.categories).distinct()).all():
        bind.execute(
            flags.update()
            .where(flags.c.categories == categories)
            .values(severity=_severity(categories))
        )
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.alter_column("group_key", existing_type=sa.String(length=120), nullable=False)
        batch_op.create_index("ix_flags_queue", ["status", "severity", "created_at"], unique=False)
        batch_op.create_index("ix_flags_group_key", ["group_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_index("ix_flags_group_key")
        batch_op.drop_index("ix_flags_queue")
        batch_op.drop_constraint(batch_op.f("fk_flags_released_by_id_staff"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_flags_raised_by_id_staff"), type_="foreignkey")
        for column in (
            "release_reason",
            "released_by_id",
            "released_at",
            "concern_note",
            "raised_by_id",
            "source",
            "group_key",
            "severity",
        ):
            batch_op.drop_column(column)
