"""The thesaurus over the store: import (SKOS, CSV), lookups, edits, and records' descriptors
linked to its concepts.

Labels are matched folded (case, accents, punctuation: « réhabilitation urbaine » is
« Rehabilitation urbaine »). Narrower terms are never stored, they are the concepts whose broader
is this one. An import or an edit that would make the hierarchy a cycle is refused whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from catalogue.record import Record, nfc
from catalogue.store import ConceptRow, HistoryEntry, Store
from catalogue.text import clean_space, fold
from catalogue.thesaurusfiles import (
    FORMATS,
    Concept,
    CsvRow,
    ThesaurusError,
    csv_id,
    detect,
    read_csv,
    read_skos,
)

__all__ = ["FORMATS", "Concept", "ImportReport", "Thesaurus", "ThesaurusError", "expand"]

LINKED_KINDS = ("topic", "geographic")  # descriptors; persons and titles as subjects are not
MAX_LABEL = 200


@dataclass
class ImportReport:
    format: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def find_cycle(links: dict[str, list[str]]) -> list[str]:
    """A cycle of the broader links (ids, the first repeated at the end), or []."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(links):
        if state.get(start):
            continue
        path, stack = [start], [iter(links.get(start, ()))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(step) == 1:
                return path[path.index(step) :] + [step]
            elif not state.get(step):
                state[step] = 1
                path.append(step)
                stack.append(iter(links.get(step, ())))
    return []


class Thesaurus:
    """The centre's thesaurus, read from and written to one `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading ---------------------------------------------------------------------------------
    def many(self, ids: Iterable[str] | None) -> list[Concept]:
        """Concepts by id (every one when None), A–Z, with their narrower terms."""
        concepts = [Concept.from_data(d) for d in self.store.concepts(ids)]
        for concept in concepts:
            concept.narrower = self.store.narrower_ids(concept.id)
        return concepts

    def get(self, concept_id: str) -> Concept | None:
        found = self.many([concept_id])
        return found[0] if found else None

    def count(self) -> int:
        return self.store.concept_count()

    def find(self, label: str) -> Concept | None:
        """The concept a label names: a preferred label first, else a non-preferred one, else
        an English label."""
        kinds = self.store.concept_kinds(fold(label))
        return self.get(kinds[0][0]) if kinds else None

    def preferred(self, label: str) -> str | None:
        """The preferred term of a label (itself when it is preferred), None when unknown."""
        concept = self.find(label)
        return concept.pref_label if concept else None

    def expand(self, term: str) -> list[str]:
        """The preferred terms a non-preferred term stands for (« réhabilitation urbaine » →
        ["Rénovation urbaine"]), for search to look them up too; [] for a preferred or unknown
        term."""
        folded = fold(term)
        kinds = self.store.concept_kinds(folded)
        if not kinds or any(kind == "pref" for _, kind in kinds):
            return []
        ids = list(dict.fromkeys(cid for cid, kind in kinds if kind == "alt"))
        return [c.pref_label for c in self.many(ids) if fold(c.pref_label) != folded]

    def broader_chain(self, concept_id: str) -> list[Concept]:
        """From the concept's (first) broader up to its top concept."""
        chain: list[Concept] = []
        seen = {concept_id}
        current = self.get(concept_id)
        while current and current.broader and current.broader[0] not in seen:
            seen.add(current.broader[0])
            current = self.get(current.broader[0])
            if current:
                chain.append(current)
        return chain

    def narrower(self, concept_id: str) -> list[Concept]:
        return self.many(self.store.narrower_ids(concept_id))

    def top_concepts(self) -> list[Concept]:
        return self.many(self.store.narrower_ids(None))

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        """Preferred terms starting with `prefix` (folded), A–Z: the editor's autocomplete."""
        folded = fold(prefix)
        if not folded:
            return []
        ids = self.store.concept_ids(prefix=folded, limit=limit)
        return [c.pref_label for c in self.many(ids)]

    def search(self, text: str, limit: int = 100) -> list[Concept]:
        """Concepts with a French label (preferred or not) holding `text`, A–Z."""
        folded = fold(text)
        if not folded:
            return []
        return self.many(
            self.store.concept_ids(contains=folded, kinds=("pref", "alt"), limit=limit)
        )

    def by_letter(self, letter: str) -> list[Concept]:
        """Concepts whose preferred label starts with this letter (folded), A–Z."""
        folded = fold(letter)[:1]
        return self.many(self.store.concept_ids(prefix=folded, limit=100_000)) if folded else []

    def history(self, concept_id: str) -> list[HistoryEntry]:
        return self.store.concept_history(concept_id)

    def record_count(self, concept: Concept) -> int:
        """Live records indexed with this concept: its URI or one of its French labels."""
        labels = [fold(label) for label in [concept.pref_label, *concept.alt_labels]]
        return self.store.count_records_with_subject(concept.uri, labels)

    # -- linking records -------------------------------------------------------------------------
    def link(self, record: Record) -> int:
        """Point each descriptor of the record at its concept (uri, authority_id) and put the
        preferred label in place of a non-preferred one. Returns the subjects changed."""
        changed = 0
        for subject in record.subjects:
            if subject.kind not in LINKED_KINDS or not subject.label.strip():
                continue
            # French labels only: an English label is no French descriptor's name
            kinds = [
                k for k in self.store.concept_kinds(fold(subject.label)) if k[1] in ("pref", "alt")
            ]
            concept = self.get(kinds[0][0]) if kinds else None
            if concept is None:
                continue
            before = (subject.label, subject.uri, subject.authority_id)
            subject.label = concept.pref_label
            subject.uri = concept.uri or subject.uri
            subject.authority_id = concept.id
            changed += before != (subject.label, subject.uri, subject.authority_id)
        return changed

    # -- importing -------------------------------------------------------------------------------
    def import_file(
        self, data: bytes, fmt: str | None = None, name: str = "", actor: str = "import"
    ) -> ImportReport:
        """Import a SKOS or CSV file, all or nothing: a file that cannot be read, or whose
        hierarchy would be a cycle, raises `ThesaurusError` and leaves the thesaurus as it was."""
        fmt = fmt or detect(data, name)
        if fmt not in FORMATS:
            raise ThesaurusError(f"format de thésaurus inconnu : {fmt} (skos ou csv)")
        report = ImportReport(format=fmt)
        if fmt == "skos":
            concepts, report.warnings = read_skos(data)
        else:
            rows, report.warnings = read_csv(data)
            concepts = self._resolve_csv(rows, report.warnings)
        report.read = len(concepts)
        self._check_hierarchy(concepts)
        outcome = self.store.save_concepts([_row(c) for c in concepts], actor, "update")
        for action in outcome.values():
            setattr(report, action, getattr(report, action) + 1)
        return report

    def _check_hierarchy(self, concepts: list[Concept]) -> None:
        links = self.store.broader_links()
        stored = self.store.concept_ids(contains="", limit=10_000_000)  # "" is in every label
        known = {c.id for c in concepts} | set(stored)
        for concept in concepts:
            concept.broader = [b for b in concept.broader if b in known and b != concept.id]
            links[concept.id] = concept.broader
        cycle = find_cycle(links)
        if cycle:
            names = {c.id: c.pref_label for c in concepts}
            for c in self.many(i for i in cycle if i not in names):
                names[c.id] = c.pref_label
            path = " → ".join(f"« {names.get(i, i)} »" for i in cycle)
            raise ThesaurusError(
                f"cycle dans les termes génériques : {path} ; rien n'a été importé ni modifié"
                " (a cycle in broader terms: nothing was changed)"
            )

    def _resolve_csv(self, rows: list[CsvRow], warnings: list[str]) -> list[Concept]:
        """CSV rows as concepts: a term already in the thesaurus updates its concept; broader
        and related terms are found in the file, then in the thesaurus, else created."""
        by_label: dict[str, Concept] = {}  # what the file gives and creates: saved
        known: dict[str, Concept] = {}  # broader terms found in the thesaurus: only pointed at
        for row in rows:
            key = fold(row.concept.pref_label)
            if key in by_label:
                warnings.append(
                    f"ligne {row.line} : « {row.concept.pref_label} » déjà lu, fusionné"
                    " (term given twice, merged)"
                )
                _merge(by_label[key], row.concept)
            else:
                by_label[key] = self._csv_concept(row.concept)
        for row in rows:
            concept = by_label[fold(row.concept.pref_label)]
            for labels, attr in ((row.broader_labels, "broader"), (row.related_labels, "related")):
                for label in labels:
                    target = self._csv_target(label, by_label, known, row.line, warnings)
                    if target.id != concept.id and target.id not in getattr(concept, attr):
                        getattr(concept, attr).append(target.id)
        return list(by_label.values())

    def _csv_concept(self, incoming: Concept) -> Concept:
        ids = self.store.concept_ids(label=fold(incoming.pref_label))
        existing = self.get(ids[0]) if ids else None
        if existing is None:
            incoming.id = self._new_id(incoming.pref_label)
            return incoming
        existing.pref_label = incoming.pref_label  # the CSV's own spelling
        existing.alt_labels, existing.scope_note = incoming.alt_labels, incoming.scope_note
        existing.pref_label_en = incoming.pref_label_en or existing.pref_label_en
        existing.broader, existing.narrower = [], []
        return existing

    def _csv_target(
        self,
        label: str,
        by_label: dict[str, Concept],
        known: dict[str, Concept],
        line: int,
        warnings: list[str],
    ) -> Concept:
        key = fold(label)
        if key in by_label or key in known:
            return by_label.get(key) or known[key]
        found = self.find(label)
        if found is not None:
            known[key] = found
            return found
        warnings.append(
            f"ligne {line} : « {label} » n'est pas un terme du fichier ni du thésaurus,"
            " ajouté (unknown term added)"
        )
        by_label[key] = Concept(id=self._new_id(label), pref_label=label)
        return by_label[key]

    def _new_id(self, label: str) -> str:
        """The slug of a new concept's label, made unique against the stored ones."""
        base = candidate = csv_id(label)
        n = 1
        while self.store.concepts([candidate]):
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    # -- editing ---------------------------------------------------------------------------------
    def edit(
        self,
        concept_id: str,
        *,
        pref_label: str,
        alt_labels: list[str],
        broader_labels: list[str],
        scope_note: str,
        actor: str,
        expected: str | None = None,
    ) -> Concept:
        """Change a concept's labels, broader terms (by label) and scope note; `ThesaurusError`
        with a French message for an unknown broader, a label taken, a cycle, or a concept
        changed by someone else since `expected` (its `updated` when the form was shown)."""
        concept = self.get(concept_id)
        if concept is None:
            raise ThesaurusError(f"concept inconnu : {concept_id} (unknown concept)")
        if expected is not None and expected != concept.updated:
            raise ThesaurusError(
                "ce concept a été modifié par quelqu'un d'autre depuis l'ouverture du formulaire :"
                " rechargez la page (changed by someone else since)"
            )
        pref = nfc(clean_space(pref_label))
        if not fold(pref) or len(pref) > MAX_LABEL:
            raise ThesaurusError("le terme préféré est obligatoire (200 caractères au plus)")
        taken = [i for i in self.store.concept_ids(label=fold(pref)) if i != concept_id]
        if taken:
            raise ThesaurusError(f"« {pref} » est déjà le terme préféré d'un autre concept")
        broader = []
        for label in broader_labels:
            target = self.find(label)
            if target is None:
                raise ThesaurusError(f"terme générique inconnu : « {label} » (unknown broader)")
            if target.id == concept_id:
                raise ThesaurusError("un concept ne peut être son propre terme générique")
            if target.id not in broader:
                broader.append(target.id)
        concept.pref_label, concept.scope_note = pref, nfc(scope_note.strip())
        alts = [nfc(clean_space(a)) for a in alt_labels]
        concept.alt_labels = list(
            dict.fromkeys(a for a in alts if fold(a) and fold(a) != fold(pref))
        )
        concept.broader = broader
        self._check_hierarchy([concept])
        self.store.save_concepts([_row(concept)], actor, "edit")
        return self.get(concept_id) or concept


def _merge(into: Concept, other: Concept) -> None:
    into.alt_labels = list(dict.fromkeys(into.alt_labels + other.alt_labels))
    into.scope_note = other.scope_note or into.scope_note
    into.pref_label_en = other.pref_label_en or into.pref_label_en


def _row(concept: Concept) -> ConceptRow:
    labels = [(fold(concept.pref_label), "pref")]
    labels += [(fold(a), "alt") for a in concept.alt_labels]
    if concept.pref_label_en:
        labels.append((fold(concept.pref_label_en), "en"))
    labels += [(fold(a), "alt_en") for a in concept.alt_labels_en]
    return ConceptRow(
        id=concept.id,
        uri=concept.uri,
        pref=concept.pref_label,
        folded=fold(concept.pref_label),
        data=concept.to_data(),
        labels=labels,
        broader=concept.broader,
    )


def expand(term: str, store: Store) -> list[str]:
    """`Thesaurus(store).expand(term)`: the preferred terms of a non-preferred one, for search."""
    return Thesaurus(store).expand(term)
