"""Anonymous linking codes: one young person's answers linked over time without knowing who.

A young person who chooses to can make a code from a few answers only they know and that
stay the same (a self-generated identification code, the usual research method for
anonymous repeat measures), or type the code printed on a card they keep. Only a keyed hash
of the code is stored. The key is per Hub and lives in a file outside the database
(`LINK_KEY_DIR`), so a database dump can't be turned back into codes by trying them all,
and the same code gives unrelated hashes in two Hubs.

Losing a Hub's key file loses nothing already stored, but new answers will no longer link
to old ones; back the key directory up with the instance folder.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# --- the prompts of a self-made code ----------------------------------------------------

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# "None" for a prompt with a letter the young person doesn't have (no pet, say).
NO_LETTER = "-"
MAX_OLDER = 6  # "6 or more"


@dataclass(frozen=True)
class CodePrompts:
    """The answers that make a self-made linking code, as typed (checked by `prompt_code`)."""

    birth_month: str
    pet_letter: str
    town_letter: str
    older_siblings: str


def _one_letter(raw: str) -> str | None:
    """The letter typed, as A-Z ("é" is E); "-" for none; None when it isn't one letter."""
    text = raw.strip()
    if text in (NO_LETTER, ""):
        return NO_LETTER if text == NO_LETTER else None
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return plain if len(plain) == 1 and "A" <= plain <= "Z" else None


def prompt_code(prompts: CodePrompts) -> tuple[str | None, dict[str, str]]:
    """The normalised code made from the prompts, or None and what to fix, field by field."""
    problems: dict[str, str] = {}
    month = prompts.birth_month.strip()
    if not (month.isdigit() and 1 <= int(month) <= 12):
        problems["birth_month"] = "Choose the month you were born."
    pet = _one_letter(prompts.pet_letter)
    if pet is None:
        problems["pet_letter"] = "Type one letter, or choose “I've never had a pet”."
    town = _one_letter(prompts.town_letter)
    if town is None:
        problems["town_letter"] = "Type one letter, or choose “I don't know”."
    older = prompts.older_siblings.strip()
    if not (older.isdigit() and 0 <= int(older) <= MAX_OLDER):
        problems["older_siblings"] = "Choose how many older brothers and sisters you have."
    if problems:
        return None, problems
    return f"p:{int(month):02d}{pet}{town}{int(older)}", {}


# --- codes printed on cards -----------------------------------------------------------

# No 0/O, 1/I/L or 5/S: a card read in poor light can't be typed wrong one way and right
# another.
CARD_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
CARD_LENGTH = 8
CARD_CONFUSABLE = "0O1IL5S"


def new_card_code() -> str:
    """A random card code, shown as two groups of four (about 39 bits)."""
    symbols = "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_LENGTH))
    return f"{symbols[:4]}-{symbols[4:]}"


def card_code(raw: str) -> tuple[str | None, str | None]:
    """The normalised card code typed (spaces, dashes and case ignored), or None and why not."""
    symbols = re.sub(r"[\s\-‐-―−.]", "", unicodedata.normalize("NFKC", raw)).upper()
    if not symbols:
        return None, "Type the code from your card."
    if any(char in CARD_CONFUSABLE for char in symbols):
        return None, "Codes on the cards never use 0, O, 1, I, L, 5 or S. Check the card."
    if len(symbols) != CARD_LENGTH or any(char not in CARD_ALPHABET for char in symbols):
        return None, "A card code has 8 letters and numbers, like KT4M-9WPX. Check the card."
    return f"c:{symbols}", None


# --- the keyed hash -------------------------------------------------------------------

_keys: dict[tuple[str, int], bytes] = {}
_keys_lock = threading.Lock()


def hub_key(key_dir: Path, hub_id: int) -> bytes:
    """The Hub's secret linking key, made once (mode 0600) the first time it is needed."""
    cache_key = (str(key_dir), hub_id)
    with _keys_lock:
        found = _keys.get(cache_key)
        if found is None:
            found = _read_or_make(key_dir / f"hub-{hub_id}.key")
            _keys[cache_key] = found
    return found


def _read_or_make(path: Path) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # another worker made it first: read theirs
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    text = path.read_text().strip()
    if len(text) < 64:
        raise RuntimeError(f"The linking key {path} is damaged: restore it from a backup.")
    return bytes.fromhex(text)


def link_hash(key_dir: Path, hub_id: int, code: str) -> str:
    """The stored form of a normalised linking code in one Hub (64 hex characters)."""
    return hmac.new(hub_key(key_dir, hub_id), code.encode(), hashlib.sha256).hexdigest()
