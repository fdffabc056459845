"""Every string the user can see has a Swedish translation with the same placeholders."""

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "app/translations/sv/LC_MESSAGES/messages.po"
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_source_string_has_a_swedish_translation():
    catalogue = read_po(CATALOGUE.open("rb"), locale="sv")
    translated = {
        _first(message.id)
        for message in catalogue
        if message.id and all(_forms(message.string)) and not message.fuzzy
    }
    missing = sorted(_source_messages() - translated)
    assert missing == [], "run `make translations-update` and translate these"


def test_translations_keep_their_placeholders():
    catalogue = read_po(CATALOGUE.open("rb"), locale="sv")
    for message in catalogue:
        if not message.id:
            continue
        expected = sorted(PLACEHOLDER.findall(_forms(message.id)[-1]))
        for translation in _forms(message.string):
            if translation:
                assert sorted(PLACEHOLDER.findall(translation)) == expected, message.id


def _forms(value) -> tuple:
    """A message's singular and plural forms (one for an ordinary message)."""
    return value if isinstance(value, tuple) else (value,)


def _first(value) -> str:
    return _forms(value)[0]


IMPORT = re.compile(r'{%-?\s*from\s+"([^"]+)"\s+import\s+([^%]*?)-?%}')


def test_macros_that_read_the_page_language_are_imported_with_it():
    # An imported macro sees only globals: without "with context" `current_locale` is
    # undefined there and the English page shows the Swedish item labels.
    templates = ROOT / "templates"
    for page in templates.rglob("*.html"):
        for macro_file, names in IMPORT.findall(page.read_text(encoding="utf-8")):
            source = (templates / macro_file).read_text(encoding="utf-8")
            if "current_locale" in source:
                assert names.strip().endswith("with context"), (page.name, macro_file)
