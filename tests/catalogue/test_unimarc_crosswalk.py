"""The UNIMARC crosswalk table: one reader per tag, every tag a family claims read.

The table merges every row's tag → reader map into one dispatch: a tag given twice would
silently lose a reader, so each tag must be read by one row only. Each family's declared tags
must be read (else an edit would regenerate fields the reader never looked at).
"""

from __future__ import annotations

from catalogue.marc.unimarc import crosswalk


def test_each_tag_is_read_by_one_family() -> None:
    seen: dict[str, str] = {}
    for family, readers, _ in crosswalk._CROSSWALK:
        for tag in readers:
            assert tag not in seen, f"{tag}: {seen.get(tag)} and {family.name}"
            seen[tag] = family.name
    assert seen["200"] == "title" and seen["700"] == "agents" and seen["606"] == "subjects"
    assert seen["210"] == seen["214"] == "publication"


def test_every_tag_a_family_claims_is_read() -> None:
    read = set(crosswalk._READERS)
    for family in crosswalk.UNIMARC_FAMILIES:
        for tag in family.tags:
            if tag == "603":  # in the 600-608 span, but no UNIMARC tag: nothing to read
                continue
            assert tag in read or f"{tag[0]}xx" in read, (family.name, tag)


def test_families_are_listed_once_in_regeneration_order() -> None:
    names = [f.name for f in crosswalk.UNIMARC_FAMILIES]
    assert len(names) == len(set(names)) == 20
    # two families claim 200 and 215: the title's and the physical's come before the host's
    assert names.index("title") < names.index("host") > names.index("physical")
