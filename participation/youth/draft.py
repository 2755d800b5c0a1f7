"""The answers in progress, carried in a signed hidden form field from page to page.

Why a hidden field and not the session cookie: free text can run to 1,000 characters a box,
three boxes to a question and several questions to an activity, far past the ~4 KB a browser
keeps in one cookie, and a browser drops an oversized cookie silently, losing every answer.
A hidden field travels with each form post (the 64 KB body limit is the only ceiling, and a
413 page says so), survives a lost or expired session (so a failed CSRF check can re-show the
page with everything kept), and nothing is left on a shared device once the page is gone.
The field is signed (not encrypted): the young person's own browser may read it, nobody can
forge one, and every answer is checked again against the activity before it is stored.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from participation.activities.codes import new_idempotency_key, new_withdrawal_code

_SALT = "youth-draft-v1"
# A linking code's keyed hash (participation.outcomes.linking): 64 hex characters.
_LINK_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass
class Draft:
    """Everything about one young person's visit that is not yet stored."""

    activity_id: int
    consent_version_id: int
    research: bool
    key: str = field(default_factory=new_idempotency_key)
    withdrawal_code: str = field(default_factory=new_withdrawal_code)
    answers: dict[str, Any] = field(default_factory=dict)
    # When consent was given (seconds); compared with the session's "ended" mark so a page
    # re-posted after leaving or finishing cannot bring the answers back. Never stored.
    started: float = field(default_factory=time.time)
    # The keyed hash of the young person's linking code, if they chose to make one. Only the
    # hash travels: the code and the answers that made it never leave the linking page.
    link_hash: str | None = None

    def answer(self, question_id: int) -> Any:
        """The value entered for a question, or None."""
        return self.answers.get(str(question_id))

    def set_answer(self, question_id: int, value: Any) -> None:
        """Keep (or, when empty, forget) the value entered for a question."""
        if value in (None, "", [], {}):
            self.answers.pop(str(question_id), None)
        else:
            self.answers[str(question_id)] = value


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def encode(draft: Draft) -> str:
    """The signed, compressed text for the hidden field."""
    payload = {
        "a": draft.activity_id,
        "v": draft.consent_version_id,
        "r": 1 if draft.research else 0,
        "k": draft.key,
        "w": draft.withdrawal_code,
        "t": round(draft.started, 3),
        "q": draft.answers,
    }
    if draft.link_hash is not None:
        payload["l"] = draft.link_hash
    return _serializer().dumps(payload)


def decode(token: str | None) -> Draft | None:
    """The draft in a hidden field, or None when it is missing, tampered with or malformed."""
    if not token or len(token) > 200_000:
        return None
    try:
        payload = _serializer().loads(token)
        answers = payload["q"]
        link_hash = payload.get("l")  # drafts made before linking codes have none
        if not isinstance(answers, dict) or not _valid_link_hash(link_hash):
            return None
        return Draft(
            activity_id=int(payload["a"]),
            consent_version_id=int(payload["v"]),
            research=bool(payload["r"]),
            key=str(payload["k"]),
            withdrawal_code=str(payload["w"]),
            answers=answers,
            started=float(payload["t"]),
            link_hash=link_hash,
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def _valid_link_hash(value: object) -> bool:
    return value is None or (isinstance(value, str) and _LINK_HASH.fullmatch(value) is not None)
