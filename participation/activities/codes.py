"""Join codes, withdrawal codes and idempotency keys."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import unicodedata
from importlib import resources
from typing import Protocol

# No 0/O, 1/I/L: codes are read off a projector and typed on phones.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# Accept any uppercase letter or digit so hand-picked codes such as the demo's "DEMOYP" still work.
_JOIN_CODE_RE = re.compile(rf"[A-Z0-9]{{{JOIN_CODE_LENGTH}}}")
_JOIN_CODE_MAX_INPUT = 64

# Four words from a list of at least 1024 gives at least 4 * log2(1024) = 40 bits of entropy,
# about a trillion codes; with the shipped list (see test_codes) it is a little more.
# Words are easier for a child to copy down and type back than digits.
WITHDRAWAL_CODE_WORDS = 4
_WITHDRAWAL_SEPARATOR_RE = re.compile(r"[^a-z0-9]+")
_WITHDRAWAL_CODE_RE = re.compile(rf"[a-z]{{2,12}}(?:-[a-z]{{2,12}}){{{WITHDRAWAL_CODE_WORDS - 1}}}")

_IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9_-]{22,64}")


class _Chooser(Protocol):
    def choice(self, seq: str, /) -> str: ...


def new_join_code(rng: _Chooser = secrets) -> str:
    """Return a fresh six-character join code from the unambiguous alphabet."""
    return "".join(rng.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str:
    """Return the canonical (uppercase, no spaces or dashes) form of a typed code, or ""."""
    if not isinstance(raw, str) or len(raw) > _JOIN_CODE_MAX_INPUT:
        return ""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = "".join(
        ch for ch in text if not (ch.isspace() or unicodedata.category(ch) == "Pd")
    ).upper()
    if not text.isascii() or not text.isalnum():
        return ""
    return text


def looks_like_join_code(code: object) -> bool:
    """Return True if code is a normalised join code shape (six letters or digits)."""
    return isinstance(code, str) and _JOIN_CODE_RE.fullmatch(code) is not None


@functools.cache
def withdrawal_words() -> tuple[str, ...]:
    """Return the shipped list of friendly words used in withdrawal codes."""
    text = (resources.files("participation") / "data" / "withdrawal_words.txt").read_text("utf-8")
    words = (line.strip() for line in text.splitlines())
    return tuple(dict.fromkeys(w for w in words if w and not w.startswith("#")))


def new_withdrawal_code() -> str:
    """Return a fresh withdrawal code such as "otter-maple-kite-river"."""
    words = withdrawal_words()
    return "-".join(secrets.choice(words) for _ in range(WITHDRAWAL_CODE_WORDS))


def normalise_withdrawal_code(raw: str) -> str:
    """Return the canonical form of a typed withdrawal code: lowercase words joined by "-"."""
    if not isinstance(raw, str):
        return ""
    text = unicodedata.normalize("NFKC", raw).casefold()
    return _WITHDRAWAL_SEPARATOR_RE.sub("-", text).strip("-")


def looks_like_withdrawal_code(raw: str) -> bool:
    """Return True if raw, once normalised, has the shape of a withdrawal code."""
    return _WITHDRAWAL_CODE_RE.fullmatch(normalise_withdrawal_code(raw)) is not None


def hash_withdrawal_code(code: str, secret: str | bytes) -> str:
    """Return the HMAC-SHA256 hex digest of the normalised code, keyed with the app secret."""
    # The word space is small enough to enumerate, so a plain hash in a leaked database could be
    # reversed; keying it with the app secret stops that. It must stay deterministic so a
    # submission can be found by its hash when the young person comes back.
    if not secret:
        raise ValueError("a secret key is required to hash withdrawal codes")
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    message = normalise_withdrawal_code(code).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_idempotency_key() -> str:
    """Return a fresh URL-safe idempotency key (22 characters, 128 random bits)."""
    return secrets.token_urlsafe(16)


def valid_idempotency_key(s: object) -> bool:
    """Return True if s has the shape of an idempotency key."""
    return isinstance(s, str) and _IDEMPOTENCY_KEY_RE.fullmatch(s) is not None
