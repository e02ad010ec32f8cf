"""The interface is complete in every language the portal offers."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["fr", "es", "ar", "zh_Hans", "ru"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False


def entries(path: Path) -> list[Entry]:
    """A small reader of .po files: enough to know what is translated."""
    found: list[Entry] = []
    current, target = Entry(), None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current.msgid or current.msgstrs:
                found.append(current)
            current, target = Entry(), None
        elif line.startswith("#~"):
            current.obsolete = True
        elif line.startswith("#,"):
            current.fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            current.msgid, target = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            target = "plural"
        elif line.startswith("msgstr"):
            current.msgstrs.append(ast.literal_eval(line.split(" ", 1)[1]))
            target = "msgstr"
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if target == "msgid":
                current.msgid += text
            elif target == "msgstr":
                current.msgstrs[-1] += text
    return [entry for entry in found if entry.msgid and not entry.obsolete]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    catalogue = entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(catalogue) > 100
    untranslated = [e.msgid for e in catalogue if not all(s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid for e in catalogue if e.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    for entry in entries(LOCALE / language / "LC_MESSAGES" / "django.po"):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in entry.msgstrs:
            assert sorted(PLACEHOLDER.findall(text)) == wanted or not wanted, entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_not_older_than_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    assert (folder / "django.mo").stat().st_size > 0
    compiled = entries(folder / "django.po")
    from django.utils import translation

    sample = next(e for e in compiled if not PLACEHOLDER.search(e.msgid) and len(e.msgstrs) == 1)
    with translation.override(language.replace("_", "-").lower()):
        assert translation.gettext(sample.msgid) == sample.msgstrs[0]
