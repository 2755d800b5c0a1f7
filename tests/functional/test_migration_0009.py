"""Migration 0009: old category keys renamed, rows the old seed copied removed, kind added."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from participation.commands.migrate import alembic_config, upgrade


def test_0009_renames_categories_and_keeps_only_what_leads_added(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0003")
    engine = create_engine(url)  # plain SQLite: foreign keys are not enforced here
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO flags (id, answer_id, activity_id, service_id, categories, status,"
                " outcome_note, created_at) VALUES"
                " (1, 1, 1, 1, 'going_missing,violence', 'new', '', '2026-01-01 10:00:00'),"
                " (2, 2, 1, 1, 'self_harm', 'new', '', '2026-01-01 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO safeguarding_phrases (category, phrase, is_active) VALUES"
                " ('violence', 'hit* me', 1),"  # seeded by the old list: now shipped in code
                " ('violence', 'purple giraffe', 1),"  # added by a lead: kept, renamed
                " ('going_missing', 'ran away', 0)"  # switched off by a lead: kept, renamed
            )
        )
    upgrade(url, "0009")
    with engine.connect() as conn:
        flags = conn.execute(text("SELECT id, categories FROM flags ORDER BY id")).all()
        phrases = conn.execute(
            text("SELECT category, phrase, is_active, kind FROM safeguarding_phrases ORDER BY id")
        ).all()
    assert flags == [(1, "missing_trafficking,physical_domestic_abuse"), (2, "self_harm")]
    assert phrases == [
        ("physical_domestic_abuse", "purple giraffe", 1, "phrase"),
        ("missing_trafficking", "ran away", 0, "phrase"),
    ]

    command.downgrade(alembic_config(url), "0003")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT categories FROM flags WHERE id = 1")).scalar() == (
            "going_missing,violence"
        )
        assert conn.execute(
            text("SELECT category FROM safeguarding_phrases ORDER BY phrase")
        ).scalars().all() == [
            "violence",
            "going_missing",
        ]
    engine.dispose()
