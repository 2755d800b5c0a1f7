"""Help links shown on every young person's page; a service or activity may replace them.

Leads type them one a line, "Name | offer | web | phone"; they are checked before saving.
"""

from __future__ import annotations

import re
from typing import Any

from participation.models import Activity, Service

MAX_HELP_LINKS = 8
MAX_HELP_PART = 200

_PHONE_RE = re.compile(r"\+?[0-9]{3,15}")

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


def help_links(
    activity: Activity | None = None, service: Service | None = None
) -> list[dict[str, Any]]:
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


def check_help_links(links: list[dict[str, Any]]) -> list[str]:
    """Problems with a list of help links ({name, detail, href, tel})."""
    if not links:
        return ["Add at least one help link, or use the service's help links."]
    if len(links) > MAX_HELP_LINKS:
        return [f"Give no more than {MAX_HELP_LINKS} help links."]
    problems = []
    for number, link in enumerate(links, start=1):
        if not link.get("name"):
            problems.append(f"Help link {number} needs a name.")
        if any(len(str(value)) > MAX_HELP_PART for value in link.values()):
            problems.append(f"Help link {number} is too long: keep each part short.")
        href = link.get("href")
        if href and not href.startswith("https://"):
            problems.append(f"Help link {number}: a web address must start with https://")
        tel = link.get("tel")
        if tel and not _PHONE_RE.fullmatch(tel):
            problems.append(f"Help link {number}: a phone number can only have digits.")
        if not href and not tel:
            problems.append(f"Help link {number} needs a web address or a phone number.")
    return problems


def parse_help_links(text: str) -> list[dict[str, Any]]:
    """Read help links typed one a line as "Name | what they offer | web address | phone"."""
    links = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        link: dict[str, Any] = {"name": parts[0], "detail": parts[1] if len(parts) > 1 else ""}
        for part in parts[2:]:
            if part.startswith(("http://", "https://")) or "." in part:
                link["href"] = part
            elif part:
                link["tel"] = re.sub(r"[\s()-]", "", part)
        links.append(link)
    return links


def format_help_links(links: list[dict[str, Any]] | None) -> str:
    """Help links written back in the one-a-line form `parse_help_links` reads."""
    lines = []
    for link in links or []:
        parts = [link.get("name", ""), link.get("detail", "")]
        parts += [link[key] for key in ("href", "tel") if link.get(key)]
        lines.append(" | ".join(parts))
    return "\n".join(lines)
