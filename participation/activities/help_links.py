"""Help links shown on every young person's page; a service or activity may replace them."""

from __future__ import annotations

from typing import Any

DEFAULT_HELP: list[dict[str, Any]] = [
    {
        "name": "Childline",
        "detail": "Call free on 0800 1111, any time, or chat online. It will not show on your phone bill.",
        "href": "https://www.childline.org.uk/",
        "tel": "08001111",
    },
    {
        "name": "CEOP",
        "detail": "Report it if someone online is making you feel worried or unsafe.",
        "href": "https://www.ceop.police.uk/Safety-Centre/",
    },
    {
        "name": "999",
        "detail": "If you are in danger right now, call 999.",
        "tel": "999",
    },
]


def help_links(activity: Any = None, service: Any = None) -> list[dict[str, Any]]:
    """The help links for an activity, else its service, else the defaults."""
    if activity is not None and activity.signposting:
        return activity.signposting
    service = service or (activity.service if activity is not None else None)
    if service is not None and service.signposting:
        return service.signposting
    return DEFAULT_HELP


def format_phone(number: str) -> str:
    """Space a UK phone number the way people read it aloud (0800 1111, 01632 960123)."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if len(digits) == 8 and digits.startswith("0800"):
        return f"{digits[:4]} {digits[4:]}"
    if len(digits) == 11 and digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 11 and digits.startswith(("080", "03")):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if len(digits) == 11 and digits.startswith("0"):
        return f"{digits[:5]} {digits[5:]}"
    return digits
