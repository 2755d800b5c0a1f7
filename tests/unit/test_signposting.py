"""Help links and how phone numbers are shown."""

import pytest

from participation.activities.help_links import DEFAULT_HELP, format_phone


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("08001111", "0800 1111"),
        ("999", "999"),
        ("02079460958", "020 7946 0958"),
        ("01632 960123", "01632 960123"),
        ("07700900123", "07700 900123"),
        ("08088 024 040", "0808 802 4040"),
    ],
)
def test_phone_numbers_are_spaced_for_reading(number, shown):
    assert format_phone(number) == shown


def test_default_help_has_childline_ceop_and_999():
    names = [link["name"] for link in DEFAULT_HELP]
    assert names == ["Childline", "CEOP", "999"]
    assert DEFAULT_HELP[0]["tel"] == "08001111"
