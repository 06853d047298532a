"""A light French stemmer: Jacques Savoy's "UniNE" rules, as Lucene's FrenchLightStemFilter
(and so Elasticsearch's `french` analyzer) applies them.

Snowball French cuts far more ("logement" → "log", "urbanisme" → "urban"), which folds unrelated
words together; these rules mostly remove inflections (plurals, feminines) and a few
derivational suffixes. The input is already lowercased and folded (no accents, see
`analysis.fold_letters`), so the rules written by Savoy with "ième", "ère" and "ète" are matched here
on "ieme", "ere" and "ete": a word typed with or without its accents gets the same stem.
"""

from __future__ import annotations

# (suffix, minimum word length, characters cut, characters added): derivational rules tried in
# order after plural removal; the first that matches ends the stemming (then `_norm`). Savoy's
# "-ement" rule comes between -issant and -ficatrice.
_RULES: tuple[tuple[str, int, int, str], ...] = (
    ("issement", 10, 7, "r"),  # finissement → finir
    ("issant", 9, 5, "r"),  # finissant → finir
    ("ficatrice", 12, 7, "er"),  # -ficatrice, -ficateur → -fier
    ("ficateur", 11, 6, "er"),
    ("catrice", 10, 7, "quer"),  # indicatrice → indiquer
    ("cateur", 9, 6, "quer"),
    ("atrice", 9, 6, "er"),  # animatrice → animer
    ("ateur", 8, 5, "er"),  # animateur → animer
)
_LATER_RULES: tuple[tuple[str, int, int, str], ...] = (
    ("teuse", 8, 3, "r"),  # chanteuse → chanter
    ("teur", 7, 2, "r"),  # chanteur → chanter
    ("euse", 6, 2, ""),  # heureuse → heureu
    ("ere", 9, 1, ""),  # "ère", the accent already folded
    ("ive", 8, 2, "f"),  # active → actif
    ("folle", 5, 3, "u"),
    ("molle", 5, 3, "u"),
    ("nnelle", 10, 5, ""),  # professionnelle → profession
    ("nnel", 10, 3, ""),
)


def _ends(word: str, suffix: str, min_len: int) -> bool:
    return len(word) >= min_len and word.endswith(suffix)


def stem(word: str) -> str:
    """The light stem of one lowercased, accent-folded French word."""
    if len(word) > 5 and word.endswith("x"):
        # chevaux → cheval, but peaux → peau
        word = word[:-2] + "l" if word[-3:-1] == "au" and word[-4] != "e" else word[:-1]
    if len(word) > 3 and word.endswith("x"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    for suffix, min_len, cut, add in _RULES:
        if suffix == "ficatrice" and _ends(word, "ement", 7):
            word = word[:-4]  # logement → loge, administrativement → administratif
            if len(word) > 3 and word.endswith("ive"):
                word = word[:-2] + "f"
            return _norm(word)
        if _ends(word, suffix, min_len):
            return _norm(word[:-cut] + add)
    if _ends(word, "trice", 7):
        word = word[:-5] + "teur"  # and goes on, as in Savoy's rules
    if _ends(word, "ieme", 6):
        return _norm(word[:-4])
    for suffix, min_len, cut, add in _LATER_RULES:
        if _ends(word, suffix, min_len):
            return _norm(word[:-cut] + add)
    return _norm(_derivation(word))


def _derivation(word: str) -> str:
    """The last, non-final rules: -ète, -ique, -esse, -inage, -isation, -ation, -ition."""
    if _ends(word, "ete", 5):
        word = word[:-1]  # complète → complet
    if _ends(word, "ique", 9):
        word = word[:-4]  # politique → polit
    if _ends(word, "esse", 9):
        return word[:-3]  # richesse → riche
    if _ends(word, "inage", 8):
        return word[:-3]
    if _ends(word, "isation", 10):
        word = word[:-7]
        if len(word) > 5 and word.endswith("ual"):
            word = word[:-2] + "el"
        return word
    if _ends(word, "isateur", 10):
        return word[:-7]
    if _ends(word, "ation", 9) or _ends(word, "ition", 9):
        return word[:-5]
    return word


def _norm(word: str) -> str:
    """Doubled letters collapsed, then a final -ie, -r, -e, -e and doubled letter dropped."""
    if len(word) > 4:
        out = [word[0]]
        for char in word[1:]:
            if not (char == out[-1] and char.isalpha()):
                out.append(char)
        word = "".join(out)
    if len(word) > 4 and word.endswith("ie"):
        word = word[:-2]
    if len(word) > 4:
        if word.endswith("r"):
            word = word[:-1]
        if word.endswith("e"):
            word = word[:-1]
        if word.endswith("e"):
            word = word[:-1]
        if len(word) > 1 and word[-1] == word[-2] and word[-1].isalpha():
            word = word[:-1]
    return word
