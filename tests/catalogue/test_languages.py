"""The language vocabulary (catalogue/languages.py) read back by the text readers (text.py)."""

from __future__ import annotations

import pytest

from catalogue import bibtex, ris
from catalogue.languages import LANGUAGE_ALIASES, LANGUAGE_NAMES, language_name
from catalogue.text import iso639_1, language_code, language_codes


def test_every_code_and_name_of_the_vocabulary_reads_back_to_its_language() -> None:
    for code, (french, english) in LANGUAGE_NAMES.items():
        for written in (code, code.upper(), french, english, french.lower()):
            found = language_code(written)
            assert found is not None and language_name(found, "en") == english, (code, written)


def test_every_alias_reads_back_to_its_code_and_no_alias_is_a_name_twice() -> None:
    for code, aliases in LANGUAGE_ALIASES.items():
        assert code in LANGUAGE_NAMES
        for alias in aliases:
            assert language_code(alias) == code, (code, alias)
    every = [alias for aliases in LANGUAGE_ALIASES.values() for alias in aliases]
    assert len(every) == len(set(every))


@pytest.mark.parametrize(
    ("code", "two_letters"),
    [("fre", "fr"), ("fra", "fr"), ("ger", "de"), ("deu", "de"), ("chi", "zh"), ("grc", ""),
     ("ota", ""), ("xyz", "")],
)  # fmt: skip
def test_iso639_1_is_the_alias_of_two_letters(code: str, two_letters: str) -> None:
    assert iso639_1(code) == two_letters


def test_readers_take_babel_names_regions_and_lists() -> None:
    assert language_codes("ngerman") == (["ger"], [])
    assert language_codes("fr-FR") == (["fre"], [])
    assert language_codes("English; français, klingon") == (["eng", "fre"], ["klingon"])
    entry = b"@book{k, title={T}, langid={ngerman}, origlanguage={Ottoman Turkish}}"
    (record,) = bibtex.read(entry)
    assert (record.languages, record.original_languages) == (["ger"], ["ota"])
    (record,) = ris.read(b"TY  - BOOK\nTI  - T\nLA  - Anglais\nER  - \n")
    assert record.languages == ["eng"]
