"""Facet definitions and their counting over per-searcher arrays.

Every facet presents itself as a `ValuesArrays` (entry i: document docs[i] has value vals[i]):
stored facets straight from the index, derived ones (decades, themes) computed once per reader.
Counting is then one `bincount` whatever the facet, and filtering one boolean gather.

Semantics (tested against counts computed from the store): values selected in one facet are
OR-ed, facets are AND-ed, excluded values are removed; each facet is counted with every other
facet's filter applied but not its own, so that its other values stay selectable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from catalogue.languages import language_name
from catalogue.record import DOC_TYPES
from indexer.analysis import fold_letters
from indexer.arrays import ValuesArrays, Vocabulary
from indexer.schema import FACET_FIELDS, HIERARCHY_SEP

if TYPE_CHECKING:
    from indexer.engine import Engine
    from indexer.themes import Theme


@dataclass
class FacetValue:
    value: str
    count: int
    label: str = ""
    selected: bool = False
    excluded: bool = False
    depth: int = 0


@dataclass
class FacetResult:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)
    has_more: bool = False
    total_values: int = 0


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a label for the site's message catalogue (web/babel.cfg extracts this module):
    the indexer's French labels are the msgids the site translates."""
    return message


AVAILABILITY = {"online": N_("En ligne"), "onsite": N_("Sur place")}


class Facet:
    """A facet over a values field of the index."""

    def __init__(self, name: str, label: str, field_name: str | None = None) -> None:
        self.name = name
        self.label = label
        self.field_name = field_name or FACET_FIELDS[name]

    def arrays(self, engine: Engine) -> ValuesArrays:
        return engine.arrays.fields[self.field_name]

    def value_label(self, value: str) -> str:
        return value

    def depth(self, value: str) -> int:
        return 0

    def sort_key(self, value: FacetValue) -> tuple:
        return (-value.count, fold_letters(value.label or value.value))

    def arrange(self, values: list[FacetValue]) -> list[FacetValue]:
        return sorted(values, key=self.sort_key)

    def ids(self, engine: Engine, values: list[str]) -> list[int]:
        arrays = self.arrays(engine)
        return [i for i in (arrays.id_of(v) for v in values) if i >= 0]

    def mask(self, engine: Engine, values: list[str]) -> np.ndarray:
        """Documents having at least one of `values`."""
        return self.arrays(engine).docs_with(self.ids(engine, values), engine.n)

    by_count = True  # order by count (then label); False: by `rank` alone

    def rank(self, engine: Engine) -> np.ndarray:
        """Value id → position in A–Z order (ties, A–Z lists); kept while the vocabulary grows."""
        arrays = self.arrays(engine)
        vocab = arrays.vocab
        cached = vocab.__dict__.get("_rank")
        if cached is not None and cached[0] == arrays.size:
            return cached[1]
        keys = vocab.derived("sortkey", lambda v: fold_letters(v) + "\x00" + v)[: arrays.size]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        ranks = np.empty(len(keys), dtype=np.int64)
        ranks[order] = np.arange(len(keys))
        vocab.__dict__["_rank"] = (arrays.size, ranks)
        return ranks

    def folded_labels(self, engine: Engine) -> list[str]:
        arrays = self.arrays(engine)
        return arrays.vocab.derived(
            f"label:{self.name}",
            lambda v: f"{fold_letters(v)} {fold_letters(self.value_label(v))}".replace(",", " "),
        )

    def result(
        self,
        engine: Engine,
        hits: np.ndarray,
        selected: list[str],
        excluded: list[str],
        limit: int | None,
        prefix: str = "",
        offset: int = 0,
        alphabetical: bool = False,
    ) -> FacetResult:
        """The facet's values over `hits`, the selected and excluded ones always included.

        Only the values shown become Python objects: at 100k records the author facet has
        tens of thousands of values, ordered here with numpy.
        """
        arrays = self.arrays(engine)
        vocab = arrays.vocab.values
        counts = arrays.counts(hits)
        ids = np.nonzero(counts)[0]
        if prefix:
            ids = self._starting_with(engine, ids, prefix, alphabetical)
        chosen = {v: "selected" for v in selected} | {v: "excluded" for v in excluded}
        if prefix:
            wanted = fold_letters(prefix).strip()
            chosen = {v: k for v, k in chosen.items() if _prefix_ok(v, wanted)}
        order = self._ordered(engine, ids, counts, limit, offset, alphabetical)
        extra = [v for v in chosen if arrays.id_of(v) < 0 or not counts[arrays.id_of(v)]]
        total = len(ids) + len(extra)
        stop = None if limit is None else offset + limit
        window = order[offset:stop] if alphabetical else order[: None if stop is None else stop * 3]
        values = [
            FacetValue(
                vocab[i], int(counts[i]), self.value_label(vocab[i]), depth=self.depth(vocab[i])
            )
            for i in window
        ]
        values += [FacetValue(v, 0, self.value_label(v), depth=self.depth(v)) for v in extra]
        if not alphabetical:
            values = self.arrange(values)
            shown = values[offset:stop]
        else:
            shown = values
        self._keep_chosen(arrays, counts, chosen, values, shown)
        for v in shown:
            v.selected = chosen.get(v.value) == "selected"
            v.excluded = chosen.get(v.value) == "excluded"
        has_more = stop is not None and total > stop
        return FacetResult(self.name, self.label, shown, has_more, total)

    def _starting_with(
        self, engine: Engine, ids: np.ndarray, prefix: str, alphabetical: bool
    ) -> np.ndarray:
        """A–Z lists: values that start with the prefix; filtering a facet's values: any of
        their words may ("ville" finds "Politique de la ville")."""
        wanted = fold_letters(prefix).strip()
        folded = self.folded_labels(engine)
        return np.array(
            [
                i
                for i in ids
                if folded[i].startswith(wanted) or (not alphabetical and f" {wanted}" in folded[i])
            ],
            dtype=np.int64,
        )

    def _ordered(
        self,
        engine: Engine,
        ids: np.ndarray,
        counts: np.ndarray,
        limit: int | None,
        offset: int,
        alphabetical: bool,
    ) -> np.ndarray:
        """Value ids A–Z, or by count then A–Z (only those that can be shown sorted)."""
        rank = self.rank(engine)
        if alphabetical or not self.by_count:
            return ids[np.argsort(rank[ids], kind="stable")]
        need = None if limit is None else (offset + limit) * 3
        if need is not None and len(ids) > 4 * need:
            # only the top values are shown: sort those (every tie at the cut kept)
            cut = np.partition(counts[ids], len(ids) - need)[len(ids) - need]
            top = ids[counts[ids] >= cut]
        else:
            top = ids
        return top[np.lexsort((rank[top], -counts[top]))]

    def _keep_chosen(
        self,
        arrays: ValuesArrays,
        counts: np.ndarray,
        chosen: dict[str, str],
        values: list[FacetValue],
        shown: list[FacetValue],
    ) -> None:
        """Selected and excluded values stay visible even beyond the limit."""
        present = {v.value for v in shown}
        missing = [v for v in chosen if v not in present]
        if not missing:
            return
        vocab = arrays.vocab.values
        for i in (arrays.id_of(v) for v in missing):
            if i >= 0 and counts[i]:
                shown.append(FacetValue(vocab[i], int(counts[i]), self.value_label(vocab[i]),
                                        depth=self.depth(vocab[i])))  # fmt: skip
        shown += [
            v for v in values if v.value in missing and v.value not in {x.value for x in shown}
        ]


def _prefix_ok(value: str, wanted: str) -> bool:
    folded = fold_letters(value).replace(",", " ")
    return folded.startswith(wanted) or f" {wanted}" in folded


class DocTypeFacet(Facet):
    def value_label(self, value: str) -> str:
        return DOC_TYPES.get(value, (value,))[0]


class LanguageFacet(Facet):
    def value_label(self, value: str) -> str:
        return language_name(value)


class AvailabilityFacet(Facet):
    def value_label(self, value: str) -> str:
        return AVAILABILITY.get(value, value)


class DescriptorFacet(Facet):
    """Thesaurus headings; "A -- B" is a narrower heading of "A" (depth 1), counted under both."""

    def value_label(self, value: str) -> str:
        return value.rsplit(HIERARCHY_SEP, 1)[-1]

    def depth(self, value: str) -> int:
        return value.count(HIERARCHY_SEP)

    def arrange(self, values: list[FacetValue]) -> list[FacetValue]:
        """Headings by count, each followed by its narrower headings (by count)."""
        counts = {v.value: v.count for v in values}

        def key(v: FacetValue) -> tuple:
            parts = v.value.split(HIERARCHY_SEP)
            path = []
            for depth in range(len(parts)):
                prefix = HIERARCHY_SEP.join(parts[: depth + 1])
                path += [-counts.get(prefix, 0), fold_letters(prefix)]
            return tuple(path)

        return sorted(values, key=key)


class DecadeFacet(Facet):
    """Years grouped by decade ("2010-2019"); the year histogram comes from the same array."""

    def __init__(self) -> None:
        super().__init__("year", N_("Décennie"), "f_year")  # its values are decades

    def arrays(self, engine: Engine) -> ValuesArrays:
        def compute() -> ValuesArrays:
            years = engine.years
            docs = np.nonzero(years > 0)[0].astype(np.int32)
            decades = sorted({int(y) // 10 * 10 for y in np.unique(years[docs])})
            vocab = Vocabulary()
            vocab.map([f"{d}-{d + 9}" for d in decades])
            lookup = np.zeros(max(decades, default=0) // 10 + 1, dtype=np.int32)
            for i, d in enumerate(decades):
                lookup[d // 10] = i
            vals = lookup[years[docs] // 10]
            return ValuesArrays(vocab, docs, vals.astype(np.int32), len(vocab))

        return engine.arrays.cached("facet:decades", compute)

    by_count = False

    def sort_key(self, value: FacetValue) -> tuple:
        return (-int(value.value.split("-")[0]) if value.value[:4].isdigit() else 0,)

    def rank(self, engine: Engine) -> np.ndarray:
        # the decade vocabulary is built in chronological order: most recent first
        size = self.arrays(engine).size
        return np.arange(size - 1, -1, -1, dtype=np.int64)


class ThemeFacet(Facet):
    """The instance's themes, matched over descriptor, keyword and custom-field values."""

    def __init__(self, themes: list[Theme]) -> None:
        super().__init__("theme", N_("Thème"), "f_descriptor")
        self.themes = themes
        self.labels = {t.value: t.label for t in themes}

    def value_label(self, value: str) -> str:
        return self.labels.get(value, value)

    def arrays(self, engine: Engine) -> ValuesArrays:
        def compute() -> ValuesArrays:
            vocab = Vocabulary()
            vocab.map([t.value for t in self.themes])
            # folded label (or heading root) → themes, per kind of source value
            wanted: dict[str, dict[str, list[int]]] = {
                "descriptor": {},
                "keyword": {},
                "custom": {},
            }
            for index, theme in enumerate(self.themes):
                for kind, labels in zip(wanted, theme.folded(), strict=True):
                    for label in labels:
                        wanted[kind].setdefault(label, []).append(index)
            per_theme: list[np.ndarray] = [np.zeros(engine.n, dtype=bool) for _ in self.themes]
            for kind, field_name in (
                ("descriptor", "f_descriptor"), ("keyword", "f_keyword"), ("custom", "f_custom")
            ):  # fmt: skip
                if not wanted[kind]:
                    continue
                source = engine.arrays.fields[field_name]
                keys = source.vocab.derived("theme-keys", _theme_keys)[: source.size]
                ids: dict[int, list[int]] = {}
                for vid, (folded, root) in enumerate(keys):
                    themes = {*wanted[kind].get(folded, ()), *wanted[kind].get(root, ())}
                    for index in themes:
                        ids.setdefault(index, []).append(vid)
                for index, vids in ids.items():
                    per_theme[index] |= source.docs_with(vids, engine.n)
            docs_parts = [np.nonzero(mask)[0].astype(np.int32) for mask in per_theme]
            vals_parts = [np.full(len(d), i, dtype=np.int32) for i, d in enumerate(docs_parts)]
            docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, np.int32)
            vals = np.concatenate(vals_parts) if vals_parts else np.zeros(0, np.int32)
            return ValuesArrays(vocab, docs, vals, len(vocab))

        return engine.arrays.cached(f"facet:themes:{id(self)}", compute)


def _theme_keys(value: str) -> tuple[str, str]:
    """A value folded, and its heading root ("A -- B" → "a"): a theme names broad headings."""
    folded = fold_letters(value).strip()
    return folded, folded.split(HIERARCHY_SEP.strip())[0].strip()


def make_facets(themes: list[Theme]) -> dict[str, Facet]:
    """The facets in display order (the web app shows them in this order)."""
    facets = [
        DocTypeFacet("doc_type", N_("Type de document")),
        DecadeFacet(),
        LanguageFacet("language", N_("Langue")),
        Facet("author", N_("Auteur")),
        DescriptorFacet("descriptor", N_("Descripteur")),
        Facet("keyword", N_("Mot-clé")),
        ThemeFacet(themes),
        Facet("series", N_("Collection")),
        Facet("source", N_("Base d'origine")),
        AvailabilityFacet("availability", N_("Disponibilité")),
    ]
    return {f.name: f for f in facets}


# name → French label, in display order: the one list of facets (the site translates the labels)
FACETS: list[tuple[str, str]] = [(f.name, f.label) for f in make_facets([]).values()]
