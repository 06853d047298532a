"""The thesaurus: the real UNESCO SKOS subset (Turtle and RDF/XML), CSV thesauri, bad files that
change nothing, folded lookups, edits with their history, and descriptors linked to concepts."""

from __future__ import annotations

import sqlite3
from importlib import resources

import pytest

from catalogue.errors import UnsafeXMLError
from catalogue.record import Record, Subject
from catalogue.store import SCHEMA_VERSION, Store
from catalogue.thesaurus import Thesaurus, ThesaurusError, expand, find_cycle


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite3") as s:
        yield s


@pytest.fixture(scope="session")
def unesco(fixtures) -> bytes:
    return (fixtures / "skos" / "unesco-fr-urban-subset.ttl").read_bytes()


@pytest.fixture
def thesaurus(store, unesco) -> Thesaurus:
    t = Thesaurus(store)
    t.import_file(unesco, name="unesco-fr-urban-subset.ttl")
    return t


CSV = (
    "\ufeffterme;terme générique;termes non retenus;note d'application\n"
    "Politique de la ville;;politique urbaine;Action publique envers les quartiers\n"
    'Rénovation urbaine;Politique de la ville;"réhabilitation urbaine;ANRU";\n'
    "Quartier prioritaire;Politique de la ville;QPV;Depuis 2015\n"
)


# -- SKOS ---------------------------------------------------------------------------------------


def test_the_unesco_subset_imports_218_concepts_with_french_labels(store, unesco):
    t = Thesaurus(store)
    report = t.import_file(unesco, name="unesco-fr-urban-subset.ttl")
    assert (report.format, report.read, report.new, report.warnings) == ("skos", 218, 218, [])
    assert t.count() == 218
    renovation = t.get("concept15971")
    assert renovation.pref_label == "Rénovation urbaine"
    assert renovation.pref_label_en == "Urban renewal"
    assert renovation.alt_labels == [
        "Réaménagement urbain",
        "Réhabilitation urbaine",
        "Revitalisation urbaine",
    ]
    assert renovation.uri == "http://vocabularies.unesco.org/thesaurus/concept15971"
    education = t.find("économie de l'éducation")
    assert education.scope_note == "Techniques de l'économie appliquées au système éducatif."


def test_the_unesco_hierarchy(thesaurus):
    renovation = thesaurus.find("Rénovation urbaine")
    chain = [c.pref_label for c in thesaurus.broader_chain(renovation.id)]
    assert chain == ["Aménagement urbain", "Développement urbain"]
    planning = thesaurus.find("Aménagement urbain")
    assert renovation.id in planning.narrower
    assert "Rénovation urbaine" in [c.pref_label for c in thesaurus.narrower(planning.id)]
    tops = thesaurus.top_concepts()
    assert len(tops) == 61 and all(not c.broader for c in tops)
    assert [c.pref_label for c in tops] == sorted((c.pref_label for c in tops), key=_fold)
    # skos:narrower stated only on the parent still makes the child's broader
    assert thesaurus.find("Développement scientifique").narrower == ["concept4566"]
    assert thesaurus.get("concept4566").broader == ["concept114"]


def test_the_same_file_again_changes_nothing(thesaurus, unesco):
    report = thesaurus.import_file(unesco, fmt="skos")
    assert (report.read, report.new, report.updated, report.unchanged) == (218, 0, 0, 218)
    assert [h.action for h in thesaurus.history("concept15971")] == ["create"]


def test_rdf_xml_reads_as_turtle(store, unesco):
    import rdflib

    xml = rdflib.Graph().parse(data=unesco, format="turtle").serialize(format="xml").encode()
    t = Thesaurus(store)
    report = t.import_file(xml, name="unesco.rdf")
    assert (report.format, report.new) == ("skos", 218)
    assert t.find("rehabilitation urbaine").pref_label == "Rénovation urbaine"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"ceci n'est pas du RDF\n", "ce n'est pas du RDF"),
        (b"<rdf:RDF><unclosed></rdf:RDF>", "XML mal formé"),
        (b"@prefix dc: <http://purl.org/dc/terms/> .\n<a:b> dc:title 'x' .\n", "aucun concept"),
    ],
)
def test_a_bad_skos_file_is_refused_and_changes_nothing(thesaurus, data, message):
    with pytest.raises(ThesaurusError, match=message):
        thesaurus.import_file(data, fmt="skos")
    assert thesaurus.count() == 218


def test_rdf_xml_with_a_dtd_is_refused(store):
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>'
    )
    with pytest.raises(UnsafeXMLError):
        Thesaurus(store).import_file(hostile, fmt="skos")
    assert store.concept_count() == 0


# -- CSV ----------------------------------------------------------------------------------------


def test_a_csv_thesaurus_with_bom_and_semicolons(store):
    t = Thesaurus(store)
    report = t.import_file(CSV.encode("utf-8"), name="thesaurus.csv")
    assert (report.format, report.read, report.new, report.warnings) == ("csv", 3, 3, [])
    renovation = t.find("RENOVATION URBAINE")
    assert renovation.id == "renovation-urbaine"
    assert renovation.alt_labels == ["réhabilitation urbaine", "ANRU"]
    assert [c.pref_label for c in t.broader_chain(renovation.id)] == ["Politique de la ville"]
    assert t.find("Quartier prioritaire").scope_note == "Depuis 2015"
    assert [c.pref_label for c in t.top_concepts()] == ["Politique de la ville"]
    assert t.expand("Réhabilitation urbaine") == ["Rénovation urbaine"]


def test_a_csv_thesaurus_with_commas_in_cp1252(store):
    data = (
        "Terme,Terme generique,Termes non retenus\n"
        "Logement social,Habitat,HLM;logement aidé\n"
        "Habitat,,\n"
    ).encode("cp1252")
    t = Thesaurus(store)
    assert t.import_file(data, fmt="csv").new == 2
    assert t.preferred("logement aide") == "Logement social"
    assert t.find("Logement social").broader == ["habitat"]


def test_a_csv_broader_term_missing_from_the_file_is_added_with_a_warning(store):
    t = Thesaurus(store)
    report = t.import_file(b"terme;terme generique\nHLM;Logement\n", fmt="csv")
    assert report.new == 2
    assert report.warnings == [
        "ligne 2 : « Logement » n'est pas un terme du fichier ni du thésaurus, ajouté"
        " (unknown term added)"
    ]


def test_a_csv_term_of_the_skos_thesaurus_updates_its_concept(thesaurus):
    csv = "terme;terme générique;termes non retenus\nRénovation urbaine;Logement;ANRU\n"
    report = thesaurus.import_file(csv.encode(), fmt="csv")
    assert (report.new, report.updated) == (0, 1)
    renovation = thesaurus.get("concept15971")
    assert renovation.alt_labels == ["ANRU"] and renovation.pref_label_en == "Urban renewal"
    assert [c.pref_label for c in thesaurus.broader_chain("concept15971")][0] == "Logement"
    assert [h.action for h in thesaurus.history("concept15971")] == ["create", "update"]


def test_a_csv_without_terme_is_refused(thesaurus):
    with pytest.raises(ThesaurusError, match="colonne « terme » absente"):
        thesaurus.import_file(b"titre;auteurs\nLa ville;Donzelot\n", fmt="csv")
    assert thesaurus.count() == 218


def test_a_cycle_is_refused_and_nothing_is_imported(thesaurus):
    csv = "terme;terme générique\nLogement;Quartier\nQuartier;Logement\nNouveau terme;\n"
    with pytest.raises(ThesaurusError, match="cycle dans les termes génériques : « "):
        thesaurus.import_file(csv.encode(), fmt="csv")
    assert thesaurus.count() == 218 and thesaurus.find("Nouveau terme") is None
    # a cycle through the concepts already stored: Développement urbain under its narrower
    csv = "terme;terme générique\nDéveloppement urbain;Rénovation urbaine\n"
    with pytest.raises(ThesaurusError, match="« Rénovation urbaine »"):
        thesaurus.import_file(csv.encode(), fmt="csv")
    assert thesaurus.find("Développement urbain").broader == []


def test_find_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) == []


# -- lookups ------------------------------------------------------------------------------------


def test_lookups_fold_case_and_accents(thesaurus):
    assert thesaurus.find("réhabilitation urbaine").pref_label == "Rénovation urbaine"
    assert thesaurus.find("Rehabilitation  URBAINE").pref_label == "Rénovation urbaine"
    assert thesaurus.find("Urban rehabilitation").pref_label == "Rénovation urbaine"
    assert thesaurus.find("pas un terme") is None
    assert thesaurus.preferred("Revitalisation urbaine") == "Rénovation urbaine"
    assert thesaurus.preferred("Rénovation urbaine") == "Rénovation urbaine"


def test_expand_gives_the_preferred_term_of_a_non_preferred_one(thesaurus, store):
    assert expand("réhabilitation urbaine", store) == ["Rénovation urbaine"]
    assert thesaurus.expand("Rénovation urbaine") == []
    assert thesaurus.expand("Urban rehabilitation") == []  # English labels are not expanded
    assert thesaurus.expand("inconnu") == []


def test_completion_offers_preferred_terms_only(thesaurus):
    assert thesaurus.complete("LOG") == [
        "Logement",
        "Logement des étudiants",
        "Logement en location",
    ]
    assert thesaurus.complete("rehabilitation") == []  # a non-preferred label
    assert thesaurus.complete("") == []
    assert len(thesaurus.complete("ville", limit=2)) == 2


def test_search_and_letters(thesaurus):
    found = [c.pref_label for c in thesaurus.search("réhabilitation")]
    assert found == ["Rénovation urbaine"]
    letter_r = [c.pref_label for c in thesaurus.by_letter("r")]
    assert "Rénovation urbaine" in letter_r and all(_fold(x).startswith("r") for x in letter_r)


# -- edits --------------------------------------------------------------------------------------


def test_an_edit_is_kept_in_the_history(thesaurus):
    before = thesaurus.get("concept15971")
    edited = thesaurus.edit(
        "concept15971",
        pref_label="Renouvellement urbain",
        alt_labels=["Rénovation urbaine", "Réhabilitation urbaine"],
        broader_labels=["logement"],
        scope_note="Programmes de l'ANRU.",
        actor="luc",
        expected=before.updated,
    )
    assert edited.pref_label == "Renouvellement urbain" and edited.broader == [
        thesaurus.find("Logement").id
    ]
    assert thesaurus.expand("rénovation urbaine") == ["Renouvellement urbain"]
    last = thesaurus.history("concept15971")[-1]
    assert (last.actor, last.action) == ("luc", "edit")
    assert last.changes == ["alt_labels", "broader", "pref_label", "scope_note"]
    assert last.before["pref_label"] == "Rénovation urbaine"
    with pytest.raises(ThesaurusError, match="modifié par quelqu'un d'autre"):
        thesaurus.edit("concept15971", pref_label="X", alt_labels=[], broader_labels=[],
                       scope_note="", actor="eve", expected=before.updated)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"broader_labels": ["Rénovation urbaine"]}, "cycle"),
        ({"broader_labels": ["Développement urbain"]}, "son propre terme générique"),
        ({"broader_labels": ["Pas un terme"]}, "terme générique inconnu"),
        ({"pref_label": "  "}, "terme préféré est obligatoire"),
        ({"pref_label": "logement"}, "déjà le terme préféré"),
    ],
)
def test_a_bad_edit_is_refused(thesaurus, changes, message):
    concept = thesaurus.find("Développement urbain")
    fields = {"pref_label": concept.pref_label, "alt_labels": [], "broader_labels": [],
              "scope_note": "", **changes}  # fmt: skip
    with pytest.raises(ThesaurusError, match=message):
        thesaurus.edit(concept.id, actor="luc", **fields)
    assert thesaurus.get(concept.id).pref_label == "Développement urbain"


# -- records linked to concepts -----------------------------------------------------------------


def test_link_puts_the_preferred_term_and_the_concept_on_each_descriptor(thesaurus):
    record = Record(source="pmb", source_id="1", title="Les quartiers")
    record.subjects = [
        Subject(label="réhabilitation urbaine"),
        Subject(label="Logement"),
        Subject(label="Sans concept"),
        Subject(label="Logement", kind="person"),
    ]
    assert thesaurus.link(record) == 2
    first, second, third, fourth = record.subjects
    assert (first.label, first.authority_id) == ("Rénovation urbaine", "concept15971")
    assert first.uri == "http://vocabularies.unesco.org/thesaurus/concept15971"
    assert second.uri.startswith("http://vocabularies.unesco.org/thesaurus/")
    assert (third.uri, third.authority_id, fourth.uri) == ("", "", "")
    assert thesaurus.link(record) == 0  # linked already


def test_records_indexed_with_a_concept_are_counted(thesaurus, store):
    for n, label in enumerate(["Rénovation urbaine", "réhabilitation urbaine", "Logement"]):
        record = Record(source="pmb", source_id=str(n), title=f"Notice {n}")
        record.subjects.append(Subject(label=label))
        store.save(record)
    assert thesaurus.record_count(thesaurus.find("Rénovation urbaine")) == 2
    store.delete(1)
    assert thesaurus.record_count(thesaurus.find("Rénovation urbaine")) == 1


# -- the store's schema -------------------------------------------------------------------------


def test_a_store_of_version_1_is_brought_to_the_thesaurus_schema(tmp_path):
    """Every migration not yet run is run, in number order, whatever the numbers missing."""
    path = tmp_path / "old.sqlite3"
    first = (resources.files("catalogue") / "migrations" / "0001_initial.sql").read_text()
    db = sqlite3.connect(path)
    db.executescript(first + "\nPRAGMA user_version=1;")
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = [r[0] for r in store.db.execute("SELECT name FROM schema_migrations ORDER BY 1")]
        folder = resources.files("catalogue") / "migrations"
        scripts = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
        assert names == scripts and "0004_thesaurus.sql" in names
        assert store.concept_count() == 0 and store.bibliographies() == []
    with Store(path) as store:  # opening again runs nothing twice
        count = store.db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        assert count == len(scripts)


def _fold(text: str) -> str:
    from catalogue.text import fold

    return fold(text)
