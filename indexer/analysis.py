"""French text analysis, identical at index and query time.

One pass per text instead of a chain of Whoosh filters, because indexing speed is a target and
each chained generator costs per token. The order of the steps matters and is tested:

1. Unicode NFC (decoders of ISO 5426 / MARC-8 yield decomposed accents that `\\w` splits);
2. words, with hyphens splitting them ("Saint-Omer" → saint, omer at adjacent positions);
3. lowercase, then elision (l', d', qu', jusqu'… with ' or ’) is cut off;
4. French stop words, checked on the accented form first (the list holds "à", "été", "même"),
   and on the folded form too so that a query typed without accents drops the same words;
5. ligatures (œ, æ) and accents folded;
6. light French stemming (Savoy's rules, `stem_fr`; after folding, so that "egalite" and
   "égalité" meet). Snowball French over-stemmed ("logement" → "log", "urbanisme" → "urban").

Text marked with `ENGLISH` (records whose language is English) gets Whoosh's English (Snowball)
stemmer instead, French and English stop words dropped; a query word is looked up in both
analyses (`query_variants`), so French visitors still find English records and the reverse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer
from whoosh.lang import stemmer_for_language, stopwords_for_language

from catalogue.record import nfc
from indexer.stem_fr import stem as light_stem

WORD_RE = re.compile(r"\w+(?:['’]\w+)*")
_APOSTROPHE_RE = re.compile(r"['’]")
ELISIONS = frozenset(
    ["l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu"]
)
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
# Whoosh's French list lacks a few very frequent words ("les" above all).
_EXTRA_STOP = ["les", "leurs", "dont", "cette", "cet", "ceux", "celle", "celles", "celui"]
STOP_WORDS = frozenset(stopwords_for_language("fr")) | ELISIONS | frozenset(_EXTRA_STOP)
ENGLISH_STOP_WORDS = frozenset(stopwords_for_language("en"))
_english_stem = stemmer_for_language("en")
_CACHE_LIMIT = 400_000
# Prefix of a text to analyse in English: a private-use character, never part of a word.
ENGLISH = "\ue000"


def fold_letters(text: str) -> str:
    """Lowercase, ligatures and accents folded, every other character kept: the index's terms
    and the key every comparison of labels uses.

    Not `catalogue.text.fold`, which also turns punctuation into single spaces (a matching key
    for duplicates and column names): here a label keeps its shape, so a heading still splits
    on « -- », a custom value keeps « nom=valeur » and an A–Z key sorts « Dupont, J. » as such.
    """
    text = text.lower().translate(_LIGATURES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


FOLDED_STOP_WORDS = frozenset(fold_letters(w) for w in STOP_WORDS)


def _split(word: str, start: int) -> Iterator[tuple[str, int, int]]:
    """Cut an elided article off a word, split the rest on apostrophes ("aujourd'hui")."""
    if "'" not in word and "’" not in word:
        yield word, start, start + len(word)
        return
    offset = 0
    parts = _APOSTROPHE_RE.split(word)
    for index, part in enumerate(parts):
        part_start = start + offset
        offset += len(part) + 1
        if index == 0 and len(parts) > 1 and part.lower() in ELISIONS:
            continue
        yield part, part_start, part_start + len(part)


class _Cache:
    """Memoised word → term maps (module level: analyzers are pickled into the index schema)."""

    stems: dict[str, str | None] = {}
    english: dict[str, str | None] = {}
    names: dict[str, str | None] = {}


def stem_term(lower: str) -> str | None:
    """The indexed term of one lowercased word, or None for a stop word."""
    cache = _Cache.stems
    term = cache.get(lower, "")
    if term != "":
        return term
    folded = fold_letters(lower)
    if (
        lower in STOP_WORDS
        or folded in FOLDED_STOP_WORDS
        or (len(folded) < 2 and not folded.isdigit())
    ):
        term = None
    else:
        term = light_stem(folded)
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[lower] = term
    return term


def english_term(lower: str) -> str | None:
    """The indexed term of one lowercased word of English text, or None for a stop word."""
    cache = _Cache.english
    term = cache.get(lower, "")
    if term != "":
        return term
    if stem_term(lower) is None or lower in ENGLISH_STOP_WORDS:
        term = None  # French stop words too: French descriptors of English records
    else:
        term = _english_stem(fold_letters(lower))
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[lower] = term
    return term


def name_term(lower: str) -> str | None:
    """Folded but neither stemmed nor stopped: names, call numbers, spelling suggestions."""
    cache = _Cache.names
    term = cache.get(lower, "")
    if term != "":
        return term
    term = fold_letters(lower)
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[lower] = term
    return term


def spell_term(lower: str) -> str | None:
    """Folded, stop words dropped, not stemmed: the words "did you mean" may propose."""
    if stem_term(lower) is None:
        return None
    folded = name_term(lower)
    return folded if folded and len(folded) > 2 and not folded.isdigit() else None


_MODES = {"stem": stem_term, "stem_en": english_term, "name": name_term, "spell": spell_term}


def english(text: str) -> str:
    """`text` marked for English analysis (where the field's mode is "stem")."""
    return ENGLISH + text if text else text


def analyze(text: str, mode: str = "stem") -> list[tuple[str, int, int, int]]:
    """(term, position, start char, end char) for each kept word of `text`."""
    if mode == "stem" and text.startswith(ENGLISH):
        mode = "stem_en"
    termof = _MODES[mode]
    text = nfc(text)
    out = []
    pos = 0
    for match in WORD_RE.finditer(text):
        for part, start, end in _split(match.group(), match.start()):
            term = termof(part.lower())
            if term is None:
                continue
            out.append((term, pos, start, end))
            pos += 1
    return out


def terms(text: str, mode: str = "stem") -> list[str]:
    """The terms of a text in order (a query word may give several: a phrase)."""
    return [t[0] for t in analyze(text, mode)]


def query_variants(text: str, mode: str) -> list[tuple[str, list[str]]]:
    """(mode, terms) of each analysis a query word may have had in the index: in a "stem"
    field, French and English (an analysis that keeps no word is left out)."""
    modes = ("stem", "stem_en") if mode == "stem" else (mode,)
    return [(m, found) for m in modes if (found := terms(text, m))]


class FrenchTokenizer(Tokenizer):
    """The whole French chain as one Whoosh tokenizer; `mode` picks stem, name or spell terms."""

    def __init__(self, mode: str = "stem") -> None:
        self.mode = mode

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrenchTokenizer) and other.mode == self.mode

    def __hash__(self) -> int:
        return hash(("FrenchTokenizer", self.mode))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            items = [(t, 0, 0, len(value)) for t in terms(value, self.mode)[:1]]
        else:
            items = analyze(value, self.mode)
        for term, pos, start, end in items:
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def french_analyzer() -> FrenchTokenizer:
    return FrenchTokenizer("stem")


def name_analyzer() -> FrenchTokenizer:
    return FrenchTokenizer("name")


def spell_analyzer() -> FrenchTokenizer:
    return FrenchTokenizer("spell")
