"""TOTP codes: a little clock drift is allowed, a code is never accepted twice."""

from __future__ import annotations

import pyotp

from participation.accounts.factors import check_totp, new_totp_secret
from participation.models import Staff

NOW = 1_800_000_015.0  # a fixed moment, 15 s into a 30-second step


def member() -> Staff:
    return Staff(email="someone@example.org", totp_secret=new_totp_secret())


def test_codes_of_the_steps_either_side_are_accepted_once_each():
    staff = member()
    totp = pyotp.TOTP(staff.totp_secret)
    step = int(NOW // 30)
    assert check_totp(staff, totp.generate_otp(step - 1), now=NOW)
    assert not check_totp(staff, totp.generate_otp(step - 1), now=NOW), "a code is used once"
    assert check_totp(
        staff, totp.generate_otp(step)[:3] + " " + totp.generate_otp(step)[3:], now=NOW
    )
    assert not check_totp(staff, totp.generate_otp(step - 1), now=NOW + 1), "no going back"
    assert check_totp(staff, totp.generate_otp(step + 1), now=NOW)


def test_codes_further_off_or_malformed_are_refused():
    staff = member()
    totp = pyotp.TOTP(staff.totp_secret)
    step = int(NOW // 30)
    assert not check_totp(staff, totp.generate_otp(step + 2), now=NOW)
    assert not check_totp(staff, totp.generate_otp(step - 2), now=NOW)
    assert not check_totp(staff, "12345", now=NOW)
    assert not check_totp(staff, "abcdef", now=NOW)
    assert not check_totp(Staff(email="x@example.org"), "123456", now=NOW)
