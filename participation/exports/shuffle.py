"""The order rows leave in: a keyed shuffle of submission ids that the database sorts by.

Rows in the order they were sent could be lined up with who sent first, so every export
orders its rows by a keyed hash of the submission id instead. The hash is plain 64-bit
integer arithmetic (xor written as (a | b) - (a & b), since SQLite has no xor), so
SQLite and PostgreSQL sort the same way and the export still streams. A release keeps
its seed, so downloading it again gives the same file.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, literal_column

from participation.models import Submission

MODULUS = 2_147_483_647  # a prime just under 2**31: products of two stay below 2**62
ROUNDS = 3


def new_seed() -> int:
    """A fresh random seed for one export or release."""
    return secrets.randbits(62)


def _int(value: int) -> ColumnElement[Any]:
    # The app's own numbers, written into the SQL as 64-bit integers.
    return cast(literal_column(str(int(value))), BigInteger)


def _rounds(seed: int) -> list[tuple[int, int]]:
    """Each round's salt and multiplier, drawn from the seed by a hash."""
    digest = hashlib.blake2b(seed.to_bytes(8, "big"), digest_size=16 * ROUNDS).digest()
    numbers = [int.from_bytes(digest[i : i + 8], "big") for i in range(0, len(digest), 8)]
    return [
        (1 + numbers[i] % (MODULUS - 1), 2 + numbers[i + 1] % (MODULUS - 2))
        for i in range(0, len(numbers), 2)
    ]


def shuffle_key(seed: int, column: ColumnElement[int] | None = None) -> ColumnElement[Any]:
    """An SQL expression ordering submission ids by a keyed hash: xor, multiply, mod, thrice."""
    mixed: ColumnElement[Any] = cast(Submission.id if column is None else column, BigInteger)
    for salt, multiplier in _rounds(seed):
        salted = mixed.op("|")(_int(salt)) - mixed.op("&")(_int(salt))
        mixed = (salted * _int(multiplier)) % _int(MODULUS)
    return mixed


def shuffle_value(seed: int, submission_id: int) -> int:
    """The key `shuffle_key` gives one id, computed in Python (for checks and tests)."""
    mixed = submission_id
    for salt, multiplier in _rounds(seed):
        mixed = ((mixed ^ salt) * multiplier) % MODULUS
    return mixed
