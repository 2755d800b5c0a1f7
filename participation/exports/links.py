"""The link column of research exports: one young person's rows joined within one release only.

A submission's link hash (see outcomes/linking.py) never leaves the database. Each release
has its own link key instead, drawn from the release's random seed, and a row's link is a
keyed hash of its link hash under that key: one person's rows in a release share it, and
two releases, even of the same rows, have unrelated links, so a link column can't be
joined with another export's. The seed is what a release already keeps for its shuffle, so
a release downloads the same every time; anyone who could read the seed could read the
link hashes and answers beside it anyway. Links narrower than k are blanked first
(`k_anonymise_links`).
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from participation.exports.columns import YIELD_PER
from participation.models import Submission
from participation.privacy.kanonymity import Combo, LinkResult, k_anonymise_links

# A letter first, so no spreadsheet or statistics package reads a link as a number.
LINK_PREFIX = "p"
LINK_BYTES = 8
LINK_PATTERN = f"^{LINK_PREFIX}[0-9a-f]{{{2 * LINK_BYTES}}}$"
UNLINKED = ""


def link_key(seed: int) -> bytes:
    """The link key of the export or release whose shuffle seed is `seed`."""
    return hashlib.blake2b(
        seed.to_bytes(8, "big", signed=True), digest_size=32, person=b"export-link"
    ).digest()


def link_token(key: bytes, link_hash: str) -> str:
    """A row's link: its link hash keyed with the export's link key, e.g. "p3f09a1c2d4e5b678"."""
    digest = hashlib.blake2b(link_hash.encode(), key=key, digest_size=LINK_BYTES)
    return LINK_PREFIX + digest.hexdigest()


def export_links(
    hashes: Sequence[str | None], keys: Sequence[Combo], k: int, seed: int
) -> tuple[list[str], LinkResult]:
    """Each row's link (blank when not linked, or when linking would narrow below k)."""
    result = k_anonymise_links(hashes, keys, k)
    key = link_key(seed)
    tokens = {found: link_token(key, found) for found in set(result.links) if found is not None}
    return [UNLINKED if found is None else tokens[found] for found in result.links], result


def link_hashes_of(
    session: Session, where: Sequence[ColumnElement[bool]], ids: array[int]
) -> list[str | None]:
    """The link hash of each submission in `ids` (sorted), None where it has none."""
    hashes: list[str | None] = [None] * len(ids)
    if not ids:
        return hashes
    query = (
        select(Submission.id, Submission.link_hash)
        .where(*where, Submission.link_hash.is_not(None), Submission.id <= ids[-1])
        .execution_options(yield_per=YIELD_PER)
    )
    count = len(ids)
    with session.connection().execute(query) as records:
        for submission_id, link_hash in records:
            position = bisect_left(ids, submission_id)
            # Sent since the first pass read the rows: not in this export.
            if position < count and ids[position] == submission_id:
                hashes[position] = link_hash
    return hashes
