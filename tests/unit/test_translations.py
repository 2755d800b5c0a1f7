"""Every young person's message has its Welsh, and the compiled catalogue matches the source."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "participation" / "translations" / "cy" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted_messages() -> set[object]:
    """The messages of the young people's pages, found as babel.cfg says."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message)
    return found


def flat(value: object) -> object:
    """A message id or string, with plural forms as a tuple (the .mo reader gives lists)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def welsh():
    with (CATALOGUE / "messages.po").open("rb") as source:
        return read_po(source, locale="cy")


def test_the_pages_have_messages_to_translate():
    messages = extracted_messages()
    assert "Leave this site" in messages
    assert ("%(num)s day", "%(num)s days") in messages
    assert len(messages) > 200


def test_every_young_persons_message_has_its_welsh():
    catalogue = welsh()
    untranslated = []
    for message_id in extracted_messages():
        entry = catalogue.get(message_id)
        strings = [] if entry is None else entry.string
        strings = [strings] if isinstance(strings, str) else list(strings)
        if entry is None or entry.fuzzy or not strings or not all(s.strip() for s in strings):
            untranslated.append(message_id)
    assert untranslated == []


def test_welsh_keeps_every_placeholder():
    for entry in welsh():
        if not entry.id:
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, entry.id


def test_the_compiled_catalogue_is_up_to_date():
    """The .mo ships in the package (no compile step at install): it must match the .po."""
    with (CATALOGUE / "messages.mo").open("rb") as compiled:
        binary = read_mo(compiled)
    source = {flat(entry.id): flat(entry.string) for entry in welsh() if entry.id}
    shipped = {flat(entry.id): flat(entry.string) for entry in binary if entry.id}
    assert shipped == source, "run: pybabel compile -d participation/translations"
