"""CHECK constraints on fixed vocabularies: question kinds, activity statuses, roles, flag statuses.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:30:00.000000

The values already come from StrEnums in `participation/models/enums.py`; the database now
refuses anything else too, so a bug or a hand-written UPDATE cannot store a kind the forms,
figures and exports would not understand. On SQLite the tables are rebuilt (batch mode); the
partial unique index on live join codes is recreated afterwards with its WHERE clause.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported: a migration must not change when the code does.
VOCABULARIES = {
    ("questions", "kind"): (
        "emoji_scale",
        "traffic_light",
        "single_choice",
        "multiple_choice",
        "free_text",
        "three_boxes",
        "ranking",
        "reach",
    ),
    ("activities", "status"): ("draft", "open", "closed", "archived"),
    ("staff", "role"): ("admin", "lead", "researcher"),
    ("flags", "status"): ("new", "reviewed", "discussed", "referred", "no_concern"),
}
LIVE_CODE_INDEX = "uq_activities_join_code_live"


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Batch mode copies tables without partial-index WHERE clauses: drop and remake it.
        op.drop_index(LIVE_CODE_INDEX, table_name="activities")
    for (table, column), values in VOCABULARIES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(column, _condition(column, values))
    if sqlite:
        op.create_index(
            LIVE_CODE_INDEX,
            "activities",
            ["join_code"],
            unique=True,
            sqlite_where=sa.text("status != 'archived'"),
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.drop_index(LIVE_CODE_INDEX, table_name="activities")
    for table, column in VOCABULARIES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    if sqlite:
        op.create_index(
            LIVE_CODE_INDEX,
            "activities",
            ["join_code"],
            unique=True,
            sqlite_where=sa.text("status != 'archived'"),
        )
