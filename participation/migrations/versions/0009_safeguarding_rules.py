"""Safeguarding categories renamed, and the phrase table holds only rules leads add.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 21:30:00.000000

The check's categories were split up (categories.py): the old keys in flags and phrases are
renamed with RENAMED. Phrases gain a kind (phrase, pattern with slots, or exception). The
shipped rules now live with the code, so the rows the old seed copied from the shipped list
are removed (rows leads added, or changed, stay); every upgrade then brings the current list.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here, as they were when this revision was written.
RENAMED = {
    "sexual_exploitation_abuse": "sexual_exploitation",
    "going_missing": "missing_trafficking",
    "violence": "physical_domestic_abuse",
}

# The list the old seed copied into the table ("category|phrase"), as shipped before 0005.
OLD_SEEDED = """
immediate_danger|in danger
immediate_danger|not safe
immediate_danger|do not feel safe
immediate_danger|never feel safe
immediate_danger|scared to go home
immediate_danger|scared to go back
immediate_danger|scared for my life
immediate_danger|please help me
immediate_danger|someone help me
immediate_danger|help me please
immediate_danger|i need help
immediate_danger|need help now
immediate_danger|can someone help
immediate_danger|he is outside
immediate_danger|they are outside
immediate_danger|waiting outside
immediate_danger|follow* me
immediate_danger|locked me in
immediate_danger|locked in
immediate_danger|will not let me leave
immediate_danger|will not let me go
immediate_danger|can not get out
immediate_danger|know where i live
immediate_danger|going to hurt me
immediate_danger|will hurt me
immediate_danger|going to kill me
immediate_danger|will kill me
immediate_danger|threaten* me
immediate_danger|threaten* to
immediate_danger|coming for me
immediate_danger|coming to get me
immediate_danger|trapped
immediate_danger|kidnap*
immediate_danger|held against my will
immediate_danger|call the police
immediate_danger|call 999
immediate_danger|scared of him
immediate_danger|scared of them
self_harm|kill* my self
self_harm|kms
self_harm|end it all
self_harm|end* my life
self_harm|take my own life
self_harm|want to die
self_harm|wish i was dead
self_harm|wish i were dead
self_harm|wish i was not alive
self_harm|wish i was never born
self_harm|better off dead
self_harm|better off without me
self_harm|do not want to be here any more
self_harm|do not want to be alive
self_harm|do not want to live
self_harm|no point living
self_harm|no point in living
self_harm|no reason to live
self_harm|can not go on
self_harm|can not cope
self_harm|suicid*
self_harm|sewer slide
self_harm|unaliv*
self_harm|cut* my self
self_harm|cutting
self_harm|self harm
self_harm|hurt* my self
self_harm|burn* my self
self_harm|hang my self
self_harm|starv* my self
self_harm|make my self sick
self_harm|slit my wrists
self_harm|overdos*
self_harm|took all my pills
self_harm|take all my pills
self_harm|jump off a bridge
self_harm|jump in front of
self_harm|hate my self
sexual_exploitation_abuse|made me do stuff
sexual_exploitation_abuse|made me do things
sexual_exploitation_abuse|make me do stuff
sexual_exploitation_abuse|makes me do stuff
sexual_exploitation_abuse|touch* me
sexual_exploitation_abuse|touch* my
sexual_exploitation_abuse|sent pic*
sexual_exploitation_abuse|send pic*
sexual_exploitation_abuse|sent photos
sexual_exploitation_abuse|send photos
sexual_exploitation_abuse|sent him pic*
sexual_exploitation_abuse|send him pic*
sexual_exploitation_abuse|sent them pic*
sexual_exploitation_abuse|asked for pic*
sexual_exploitation_abuse|asked me for pic*
sexual_exploitation_abuse|want* pic*
sexual_exploitation_abuse|pics of me
sexual_exploitation_abuse|nudes
sexual_exploitation_abuse|naked
sexual_exploitation_abuse|dick pic*
sexual_exploitation_abuse|sexting
sexual_exploitation_abuse|older boyfriend
sexual_exploitation_abuse|older man
sexual_exploitation_abuse|older men
sexual_exploitation_abuse|older guy*
sexual_exploitation_abuse|older lad*
sexual_exploitation_abuse|give* me drugs
sexual_exploitation_abuse|gave me drugs
sexual_exploitation_abuse|gave me weed
sexual_exploitation_abuse|gave me alcohol
sexual_exploitation_abuse|got me drunk
sexual_exploitation_abuse|get* me drunk
sexual_exploitation_abuse|got me high
sexual_exploitation_abuse|gave me money
sexual_exploitation_abuse|give* me money
sexual_exploitation_abuse|for money
sexual_exploitation_abuse|bought me a phone
sexual_exploitation_abuse|gave me a phone
sexual_exploitation_abuse|second phone
sexual_exploitation_abuse|owe him
sexual_exploitation_abuse|owe them
sexual_exploitation_abuse|forced me
sexual_exploitation_abuse|pressure* me
sexual_exploitation_abuse|have sex
sexual_exploitation_abuse|had sex
sexual_exploitation_abuse|slept with
sexual_exploitation_abuse|sleep with him
sexual_exploitation_abuse|rape*
sexual_exploitation_abuse|rapist
sexual_exploitation_abuse|sexual* assault*
sexual_exploitation_abuse|abuse*
sexual_exploitation_abuse|molest*
sexual_exploitation_abuse|groom*
sexual_exploitation_abuse|filmed me
sexual_exploitation_abuse|recorded me
sexual_exploitation_abuse|video of me
sexual_exploitation_abuse|share my pics
sexual_exploitation_abuse|post my pics
sexual_exploitation_abuse|leak my pics
sexual_exploitation_abuse|sextort*
sexual_exploitation_abuse|met him online
sexual_exploitation_abuse|met online
sexual_exploitation_abuse|asked me to meet
sexual_exploitation_abuse|made me uncomfortable
sexual_exploitation_abuse|makes me uncomfortable
sexual_exploitation_abuse|our secret
sexual_exploitation_abuse|told me not to tell
sexual_exploitation_abuse|said not to tell
sexual_exploitation_abuse|do not tell anyone
sexual_exploitation_abuse|sugar daddy
going_missing|run away
going_missing|ran away
going_missing|running away
going_missing|runaway
going_missing|ran off
going_missing|did not go home
going_missing|did not come home
going_missing|not going home
going_missing|do not want to go home
going_missing|will not go home
going_missing|have not been home
going_missing|not been home
going_missing|out all night
going_missing|stay* out all night
going_missing|sleep* at his
going_missing|slept at his
going_missing|stay* at his
going_missing|sleep* at theirs
going_missing|stay* at theirs
going_missing|taken to a hotel
going_missing|stay* in a hotel
going_missing|went missing
going_missing|go missing
going_missing|gone missing
going_missing|reported missing
going_missing|missing from home
going_missing|missing from care
going_missing|sofa surf*
going_missing|nowhere to sleep
going_missing|nowhere to stay
going_missing|sleep* rough
going_missing|homeless
going_missing|kicked out
going_missing|chucked out
going_missing|going country
going_missing|went country
going_missing|gone country
going_missing|trap house
going_missing|county lines
violence|hit* me
violence|beat* me
violence|beaten up
violence|beat up
violence|punch* me
violence|kick* me
violence|slap* me
violence|chok* me
violence|strangl*
violence|shoved me
violence|hurt* me
violence|stab
violence|stabbed
violence|stabbing
violence|stabs
violence|knife
violence|knives
violence|blade
violence|shank*
violence|got a gun
violence|has a gun
violence|bullied
violence|bully
violence|bullying
violence|bullies
violence|jumped me
violence|got jumped
violence|rushed me
violence|got rushed
violence|violent
violence|violence
violence|hit* my mum
violence|hit* my mom
violence|fight* at home
violence|bruis*
violence|black eye
violence|kys
violence|kill your self
violence|go die
violence|gang
violence|gangs
"""

flags = sa.table("flags", sa.column("id", sa.Integer), sa.column("categories", sa.String))
phrases = sa.table(
    "safeguarding_phrases",
    sa.column("id", sa.Integer),
    sa.column("category", sa.String),
    sa.column("phrase", sa.String),
    sa.column("is_active", sa.Boolean),
)


def _renamed(categories: str, names: dict[str, str]) -> str:
    keys = [names.get(key, key) for key in categories.split(",") if key]
    return ",".join(dict.fromkeys(keys))


def _rename(names: dict[str, str]) -> None:
    conn = op.get_bind()
    for flag_id, categories in conn.execute(sa.select(flags.c.id, flags.c.categories)):
        renamed = _renamed(categories, names)
        if renamed != categories:
            conn.execute(flags.update().where(flags.c.id == flag_id).values(categories=renamed))
    for old, new in names.items():
        taken = sa.select(phrases.c.phrase).where(phrases.c.category == new)
        # A phrase already in the new category stays there; its old twin is dropped.
        conn.execute(phrases.delete().where(phrases.c.category == old, phrases.c.phrase.in_(taken)))
        conn.execute(phrases.update().where(phrases.c.category == old).values(category=new))


def upgrade() -> None:
    conn = op.get_bind()
    for line in OLD_SEEDED.strip().splitlines():
        category, phrase = line.split("|", 1)
        conn.execute(
            phrases.delete().where(
                phrases.c.category == category,
                phrases.c.phrase == phrase,
                phrases.c.is_active.is_(True),
            )
        )
    _rename(RENAMED)
    with op.batch_alter_table("safeguarding_phrases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=12), server_default="phrase", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("safeguarding_phrases", schema=None) as batch_op:
        batch_op.drop_column("kind")
    _rename({new: old for old, new in RENAMED.items()})
