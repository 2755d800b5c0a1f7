"""Rate limits on guessable things (sign-in, join codes, withdrawal codes) and on anonymous writes.

Keys never hold a client address: the address is replaced by a keyed hash. Storage comes
from PARTICIPATION_RATELIMIT_STORAGE_URI (memory:// by default, Redis in production).
When the storage is unreachable, staff sign-in fails closed and young people's forms
fail open: a young person must never be turned away because a cache is down.

Young people's writes (saying yes, sending answers) are counted in fixed windows of `now()`
named in the key, so every instance agrees on where a window starts and a test can move
the clock, whichever storage is behind it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app, request
from limits import parse

log = logging.getLogger(__name__)

# Sign-in: one client guessing one account is stopped after 5 wrong tries; a client trying
# many accounts after 50. The account-wide limit is generous and never locks the owner out:
# once strangers have used it up, only clients that have already failed on it are refused.
SIGN_IN_PER_ACCOUNT_CLIENT = "5 per 15 minutes"
SIGN_IN_PER_CLIENT = "50 per 15 minutes"
SIGN_IN_PER_ACCOUNT = "100 per hour"
# After the password: wrong second-factor codes, and wrong current passwords when changing it.
SECOND_FACTOR_PER_ACCOUNT = "5 per 15 minutes"
REAUTH_PER_ACCOUNT = "5 per 15 minutes"
# A class of 30 on one venue Wi-Fi mistyping a code twice each stays well inside this.
WRONG_JOIN_CODE_PER_CLIENT = "60 per 10 minutes"
WITHDRAW_PER_CLIENT = "20 per 10 minutes"

# One session of an activity: joins counted for the group size, and each client's budget.
SESSION_SECONDS = 3 * 60 * 60
# A short burst per client and activity: a whole default group (30) pressing at the same
# moment gets through; a script cannot go faster than 3 a second.
BURST = 30
BURST_SECONDS = 10
JOINED = "joined"

# The clock the write windows follow (tests move it).
now = time.time


@dataclass(frozen=True)
class Window:
    """At most `amount` writes in each fixed window of `seconds`."""

    amount: int
    seconds: int


class ThrottleUnavailable(RuntimeError):
    """The rate-limit storage could not be reached."""


def client_key() -> str:
    """A keyed hash of the client address, so limiter keys never hold the address itself."""
    return client_key_for("client:" + (request.remote_addr or "unknown"))


def _strategy():
    return current_app.extensions["throttle"].limiter


def _namespaced(keys: tuple[str, ...]) -> tuple[str, ...]:
    # Installations (and test runs) sharing one Redis keep their counters apart.
    return (current_app.config.get("RATELIMIT_KEY_PREFIX", "participation"), *keys)


def blocked(limit: str, *keys: str, fail_open: bool) -> bool:
    """Whether `keys` have used up `limit`; on storage failure, answer by `fail_open`."""
    try:
        return not _strategy().test(parse(limit), *_namespaced(keys))
    except Exception as exc:
        log.warning("rate-limit storage unavailable: %s", type(exc).__name__)
        if fail_open:
            return False
        raise ThrottleUnavailable from exc


def hit(limit: str, *keys: str, fail_open: bool) -> bool:
    """Count one attempt against `limit` for `keys`; False when the limit is now exceeded."""
    try:
        return _strategy().hit(parse(limit), *_namespaced(keys))
    except Exception as exc:
        log.warning("rate-limit storage unavailable: %s", type(exc).__name__)
        if fail_open:
            return True
        raise ThrottleUnavailable from exc


def used(limit: str, *keys: str) -> int:
    """How many attempts are counted against `limit` for `keys` in the current window."""
    item = parse(limit)
    stats = _strategy().get_window_stats(item, *_namespaced(keys))
    return item.amount - stats.remaining


def _sign_in_keys(email: str) -> dict[str, tuple[str, ...]]:
    account = "account:" + client_key_for(email)
    client = "client:" + client_key()
    return {
        SIGN_IN_PER_ACCOUNT_CLIENT: (account, client),
        SIGN_IN_PER_CLIENT: (client,),
        SIGN_IN_PER_ACCOUNT: (account,),
    }


def sign_in_refused(email: str) -> bool:
    """Whether this client must not try a password for `email` now (raises when storage is down)."""
    keys = _sign_in_keys(email)
    try:
        if blocked(
            SIGN_IN_PER_ACCOUNT_CLIENT,
            "sign-in",
            *keys[SIGN_IN_PER_ACCOUNT_CLIENT],
            fail_open=False,
        ):
            return True
        if blocked(SIGN_IN_PER_CLIENT, "sign-in", *keys[SIGN_IN_PER_CLIENT], fail_open=False):
            return True
        if not blocked(SIGN_IN_PER_ACCOUNT, "sign-in", *keys[SIGN_IN_PER_ACCOUNT], fail_open=False):
            return False
        # The account is under attack: a client that has not failed on it may still try.
        return used(SIGN_IN_PER_ACCOUNT_CLIENT, "sign-in", *keys[SIGN_IN_PER_ACCOUNT_CLIENT]) > 0
    except ThrottleUnavailable:
        raise
    except Exception as exc:
        log.warning("rate-limit storage unavailable: %s", type(exc).__name__)
        raise ThrottleUnavailable from exc


def sign_in_failed(email: str) -> None:
    """Count a wrong password for `email` from this client."""
    for limit, keys in _sign_in_keys(email).items():
        hit(limit, "sign-in", *keys, fail_open=True)


def sign_in_succeeded(email: str) -> None:
    """Forget this client's wrong passwords for `email` (not the account-wide count)."""
    keys = _sign_in_keys(email)
    reset(SIGN_IN_PER_ACCOUNT_CLIENT, "sign-in", *keys[SIGN_IN_PER_ACCOUNT_CLIENT])


def account_attempt_refused(limit: str, action: str, staff_id: int) -> bool:
    """Count one wrong attempt at `action` for a signed-in or half-signed-in member; True when over."""
    return not hit(limit, action, f"staff:{staff_id}", fail_open=False)


def account_attempts_left(limit: str, action: str, staff_id: int) -> bool:
    """Whether the member may still try `action` (raises when storage is down)."""
    return not blocked(limit, action, f"staff:{staff_id}", fail_open=False)


def reset(limit: str, *keys: str) -> None:
    """Forget the attempts counted for `keys` (e.g. after a successful sign-in)."""
    try:
        _strategy().clear(parse(limit), *_namespaced(keys))
    except Exception as exc:
        log.warning("rate-limit storage unavailable: %s", type(exc).__name__)


def client_key_for(value: str) -> str:
    """A keyed hash of any identifier (such as an email), for use in limiter keys."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"value:" + value.encode(), hashlib.sha256).hexdigest()[:32]


def _window_key(name: str, seconds: int, keys: tuple[str, ...], at: float) -> str:
    return "/".join(_namespaced(("w", name, *keys, str(seconds), str(int(at // seconds)))))


def _seconds_left(seconds: int, at: float) -> int:
    return max(1, math.ceil(seconds - at % seconds))


def spend(name: str, windows: Sequence[Window], *keys: str) -> int:
    """Count one write in each window; the seconds to wait if any is used up, else 0 (fails open).

    A refused write is given back, so a young person who waits and tries again has not
    used up any of their group's budget by being refused.
    """
    at = now()
    wait = 0
    try:
        storage = _strategy().storage
        counted_in = []
        for window in windows:
            key = _window_key(name, window.seconds, keys, at)
            counted_in.append((key, window.seconds))
            if storage.incr(key, window.seconds) > window.amount:
                wait = max(wait, _seconds_left(window.seconds, at))
        if wait:
            for key, seconds in counted_in:
                storage.incr(key, seconds, amount=-1)
    except Exception as exc:
        log.warning("rate-limit storage unavailable: %s", type(exc).__name__)
        return 0
    return wait


def counted(name: str, seconds: int, *keys: str) -> int:
    """How many writes the current window of `seconds` holds (0 when the storage is down)."""
    try:
        return int(_strategy().storage.get(_window_key(name, seconds, keys, now())))
    except Exception as exc:
        log.warning("rate-limit storage unavailable: %s", type(exc).__name__)
        return 0


def joined_this_session(activity_id: int) -> int:
    """How many young people said yes to an activity in the current session window."""
    return counted(JOINED, SESSION_SECONDS, str(activity_id))


def count_joined(activity_id: int) -> None:
    """Count one young person saying yes to an activity (for its group size)."""
    spend(JOINED, (Window(2**31, SESSION_SECONDS),), str(activity_id))
