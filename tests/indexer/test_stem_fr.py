"""The light French stemmer against the reference pairs of Lucene's TestFrenchLightStemFilter
(Savoy's rules, the ones Elasticsearch's `french` analyzer applies), then on the centre's words."""

from __future__ import annotations

import pytest

from indexer.analysis import fold_letters, terms
from indexer.stem_fr import stem

# word → stem, as Lucene's own test of FrenchLightStemmer states them
LUCENE_PAIRS = {
    "chevaux": "cheval", "hiboux": "hibou", "chantés": "chant", "chanter": "chant",
    "chante": "chant", "chantons": "chanton", "baronnes": "baron", "barons": "baron",
    "peaux": "peau", "anneaux": "aneau", "neveux": "neveu", "affreux": "afreu",
    "affreuse": "afreu", "investissement": "investi", "investir": "investi",
    "assourdissant": "asourdi", "assourdir": "asourdi", "pratiquement": "pratiqu",
    "pratique": "pratiqu", "administrativement": "administratif",
    "administratif": "administratif", "justificatrice": "justifi", "justificateur": "justifi",
    "justifier": "justifi", "educatrice": "eduqu", "eduquer": "eduqu",
    "communicateur": "comuniqu", "communiquer": "comuniqu", "accompagnatrice": "acompagn",
    "accompagnateur": "acompagn", "administrateur": "administr", "administrer": "administr",
    "productrice": "product", "producteur": "product", "acheteuse": "achet",
    "acheteur": "achet", "planteur": "plant", "plante": "plant", "poreuse": "poreu",
    "poreux": "poreu", "plieuse": "plieu", "bijoutière": "bijouti", "bijoutier": "bijouti",
    "caissière": "caisi", "caissier": "caisi", "abrasive": "abrasif", "abrasif": "abrasif",
    "folle": "fou", "fou": "fou", "personnelle": "person", "personne": "person",
    "complète": "complet", "complet": "complet", "aromatique": "aromat",
    "faiblesse": "faibl", "faible": "faibl", "patinage": "patin", "patin": "patin",
    "sonorisation": "sono", "ritualisation": "rituel", "rituel": "rituel",
    "nomination": "nomin", "disposition": "dispos", "dispose": "dispos",
    "1234555": "1234555", "abcdeff": "abcdef", "abcccddeef": "abcdef", "créées": "cre",
}  # fmt: skip


@pytest.mark.parametrize(("word", "expected"), sorted(LUCENE_PAIRS.items()))
def test_lucene_reference_pairs(word: str, expected: str) -> None:
    assert stem(fold_letters(word)) == expected


def test_plurals_and_feminines_meet() -> None:
    for group in (
        ["logement", "logements"],
        ["urbain", "urbaine", "urbains", "urbaines"],
        ["social", "sociale", "sociaux", "sociales"],
        ["politique", "politiques"],
        ["quartier", "quartiers"],
        ["jeune", "jeunes"],
        ["éducatif", "éducative", "éducatifs"],
        ["discrimination", "discriminations"],
    ):
        assert len({stem(fold_letters(w)) for w in group}) == 1, group


def test_unrelated_words_stay_apart() -> None:
    """What Snowball French folds together and a visitor does not mean together."""
    assert stem("logement") != stem("log")
    assert stem("jeunesse") != stem("jeune")
    assert stem("politique") != stem("police")
    assert stem("emploi") != stem("employeur")


def test_the_analysis_uses_the_light_stemmer() -> None:
    assert terms("Logements sociaux") == ["loge", "social"]
    assert terms("log") == ["log"]
