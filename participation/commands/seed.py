"""Reference data every installation needs: participation types.

The safeguarding check's rules ship with the code (data/safeguarding_phrases.txt); the
phrases table holds only what safeguarding leads add.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from participation.models import ParticipationType

PARTICIPATION_TYPES = [
    ("One-to-one work", "Participation woven into individual support with a worker."),
    ("Group work", "Regular groups where young people shape what happens."),
    ("Workshop day", "A one-off day of activities, often across services."),
    ("Advocacy and campaigning", "Young people speaking up to change things beyond the service."),
    ("Consultation and service design", "Asking young people how the service should work."),
    ("Peer-led", "Young people supporting or leading other young people."),
    ("Youth board / governance", "Young people in decision-making roles."),
    ("Creative and informal", "Art, music, trips and informal ways of having a say."),
]


def ensure_reference_data(session: Session) -> None:
    """Add the default participation types if the table is empty."""
    if not session.scalar(select(func.count()).select_from(ParticipationType)):
        session.add_all(
            ParticipationType(name=name, description=description, position=index)
            for index, (name, description) in enumerate(PARTICIPATION_TYPES)
        )
    session.flush()
