"""The migration that gave questions their keys: existing questions get keys the dashboard groups by."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from participation.activities.library import TEMPLATES
from participation.commands.demo import load_demo
from participation.commands.migrate import alembic_config, upgrade
from participation.db import make_engine
from participation.models import Question

BEFORE_KEYS = "0011"  # the revision before question keys


def test_existing_questions_get_keys_from_templates_topics_or_wording(empty_database_url):
    url = empty_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        load_demo(session)
        session.commit()
    command.downgrade(alembic_config(url), BEFORE_KEYS)  # a database from before keys
    upgrade(url)
    template_keys = {
        (spec["kind"], spec["prompt"]): spec["key"]
        for template in TEMPLATES.values()
        for spec in template["questions"]
    }
    with Session(engine) as session:
        questions = session.scalars(select(Question)).all()
        assert questions
        by_wording: dict[tuple[str, str], set[str]] = {}
        for question in questions:
            by_wording.setdefault((question.kind, question.prompt), set()).add(question.key)
            topic = question.settings.get("topic")
            if topic:
                assert question.key == f"reach:{topic}"
            elif (question.kind, question.prompt) in template_keys:
                assert question.key == template_keys[(question.kind, question.prompt)]
            else:
                assert question.key.startswith("wording:")
        # Questions worded alike, grouped before keys, stay grouped.
        assert all(len(keys) == 1 for keys in by_wording.values())
        assert any(key.startswith("template:") for keys in by_wording.values() for key in keys)
    engine.dispose()
