"""The NCSC-style password policy and hashing."""

import subprocess
import sys

import pytest
from argon2 import PasswordHasher

from participation.accounts.passwords import hash_password, policy_problem, verify_password
from tests.helpers import PASSWORD


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-one", "at least 12"),
        ("x" * 129, "no more than 128"),
        ("passwordpassword", "too common"),
        ("qwertyuiop123", "too common"),
        ("aaaaaaaaaaaaaaaa", "too easy"),
        ("sam.jones-secret-words", "email address"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert problem in policy_problem(password, "sam.jones@example.org")


@pytest.mark.parametrize(
    "password", ["three random words", "a" + "b" * 10 + "cdefgh" * 10, "correct horse 🐴 staple"]
)
def test_long_passphrases_need_no_symbols_or_digits(password):
    assert policy_problem(password, "someone@example.org") is None


def test_hashes_verify_only_the_right_password():
    hashed = hash_password("three random words")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "three random words")
    assert not verify_password(hashed, "three random word")
    assert not verify_password(None, "three random words")
    assert not verify_password("not-a-hash", "three random words")


def test_an_unknown_email_costs_a_full_argon2_check_with_the_current_settings(monkeypatch):
    # The same work as a real account's check, so timing cannot tell which emails exist.
    checked = []
    real_verify = PasswordHasher.verify

    def recording_verify(hasher, password_hash, password):
        checked.append(password_hash)
        return real_verify(hasher, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", recording_verify)
    assert not verify_password(None, "three random words")
    assert not verify_password("", "three random words")
    settings = hash_password("three random words").rsplit("$", 2)[0]  # $argon2id$v=..$m=..,t=..
    assert [h.rsplit("$", 2)[0] for h in checked] == [settings, settings]


def test_importing_the_module_hashes_nothing():
    # A hash costs about a tenth of a second, and gunicorn starts new workers all day.
    code = (
        "import argon2\n"
        "def refuse(*args, **kwargs): raise AssertionError('hashed at import')\n"
        "argon2.PasswordHasher.hash = refuse\n"
        "import participation.accounts.passwords\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_digit_run_is_refused_with_advice_on_what_works():
    problem = policy_problem("123456789012", "sam.jones@example.org")
    assert problem is not None
    assert "too easy to guess" in problem
    assert "random words" in problem


def test_parts_of_the_email_count_against_strength():
    # Strong on its own, weak for someone whose organisation is in it.
    password = "millbrook2026"
    assert policy_problem(password, "someone@example.org") is None
    assert "too easy to guess" in policy_problem(password, "lead@millbrook.example.org")


@pytest.mark.parametrize("password", ["demo-participation-2026", PASSWORD])
def test_demo_and_test_passwords_pass_the_policy(password):
    assert policy_problem(password, "lead@hub.example.org") is None
