"""The centre's own axes ("thèmes"), configured per instance in a TOML file.

Each theme is matched at search time (no reindexing when the file changes) by descriptors
(a descriptor also matches its narrower headings "X -- Y"), free keywords, or custom field
values, all compared folded (case, accents, ligatures):

    [[theme]]
    value = "politique-de-la-ville"        # what goes into filters and URLs
    label = "Politique de la ville"
    descriptors = ["Politique de la ville", "Quartier prioritaire"]
    keywords = ["QPV"]
    custom = [{ name = "axe", value = "PV" }]

Which file is resolved in one place, `resolve_themes_file`: the `THEMES_FILE` setting, else
`<instance>/themes.toml`, else the sample shipped inside this package (`indexer/themes.toml`,
package data, so that an installed docbase has it as an editable checkout does). `create_app`
resolves it once and the site and the CLI pass it down.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from catalogue.record import Record
from indexer.analysis import fold_letters

SAMPLE = Path(__file__).resolve().parent / "themes.toml"  # package data (pyproject.toml)


@dataclass
class Theme:
    value: str
    label: str
    descriptors: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    custom: list[tuple[str, str]] = field(default_factory=list)

    def folded(self) -> tuple[set[str], set[str], set[str]]:
        return (
            {fold_letters(d).strip() for d in self.descriptors},
            {fold_letters(k).strip() for k in self.keywords},
            {fold_letters(f"{name}={value}") for name, value in self.custom},
        )


def resolve_themes_file(
    themes_file: str | Path | None = None, instance: str | Path | None = None
) -> Path | None:
    """The file to use: the one given if it exists, else `<instance>/themes.toml`, else the
    sample; the only place that decides."""
    for candidate in (themes_file, Path(instance) / "themes.toml" if instance else None, SAMPLE):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def load_themes(path: str | Path | None) -> list[Theme]:
    """Themes of a TOML file; a missing or broken file gives no themes rather than an error."""
    if not path or not Path(path).is_file():
        return []
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return []
    themes = []
    for entry in data.get("theme", []):
        if not isinstance(entry, dict) or not entry.get("label"):
            continue
        label = str(entry["label"])
        custom = [
            (str(c.get("name", "")), str(c.get("value", "")))
            for c in entry.get("custom", [])
            if isinstance(c, dict)
        ]
        themes.append(
            Theme(
                value=str(entry.get("value") or fold_letters(label).replace(" ", "-")),
                label=label,
                descriptors=[str(d) for d in entry.get("descriptors", [])],
                keywords=[str(k) for k in entry.get("keywords", [])],
                custom=custom,
            )
        )
    return themes


@lru_cache(maxsize=50_000)  # headings repeat from record to record
def _folded(text: str) -> str:
    return fold_letters(text).strip()


def theme_matcher(themes: list[Theme]) -> Callable[[Record], list[str]]:
    """A function giving the values of the themes a record falls under, matched as the theme
    facet matches (descriptors and their heading roots, keywords, custom fields, all folded)."""
    from indexer.schema import HIERARCHY_SEP, descriptor_values

    wanted = [  # as Theme.folded, through the cache: each request makes a matcher
        (
            theme.value,
            {_folded(d) for d in theme.descriptors},
            {_folded(k) for k in theme.keywords},
            {_folded(f"{name}={value}") for name, value in theme.custom},
        )
        for theme in themes
    ]
    root_sep = HIERARCHY_SEP.strip()

    def match(record: Record) -> list[str]:
        if not wanted:
            return []
        descriptors = set()
        for value in descriptor_values(record):
            key = _folded(value)
            descriptors.update((key, key.split(root_sep)[0].strip()))
        keywords = {_folded(k) for k in record.keywords if k.strip()}
        custom = {_folded(f"{c.name}={c.value}") for c in record.custom if c.value}
        return [
            value
            for value, by_descriptor, by_keyword, by_custom in wanted
            if by_descriptor & descriptors or by_keyword & keywords or by_custom & custom
        ]

    return match
