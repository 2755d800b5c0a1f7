"""Help links a lead types for one activity, one a line: "Name | offer | web | phone"."""

from __future__ import annotations

import re
from typing import Any

MAX_HELP_LINKS = 8
MAX_HELP_PART = 200

_PHONE_RE = re.compile(r"\+?[0-9]{3,15}")


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
