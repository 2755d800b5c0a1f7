"""Round down to the hour the times young people's actions left: flags, and last changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:00:00.000000

A flag is raised by a young person's answer, so its time is a trace of what they did: it
is now stored to the hour, like the submission itself. An activity's last-changed time was
rewritten on every join, so it may hold the exact moment someone last joined; joins no
longer touch it. Earlier values kept the exact moment; this rounds them. Nothing in the
schema changes, and the exact times cannot come back, so downgrading leaves them rounded.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


POSTGRESQL = (
    "UPDATE flags SET created_at = date_trunc('hour', created_at)",
    "UPDATE activities SET updated_at = date_trunc('hour', updated_at)",
)
# SQLite keeps a DateTime as the text SQLAlchemy writes: "YYYY-MM-DD HH:MM:SS.ffffff".
SQLITE = (
    "UPDATE flags SET created_at = strftime('%Y-%m-%d %H:00:00.000000', created_at)",
    "UPDATE activities SET updated_at = strftime('%Y-%m-%d %H:00:00.000000', updated_at)",
)


def upgrade() -> None:
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    pass  # the exact times are gone for good, which is the point
