"""The query language and the advanced-search form → a small query tree; never raises.

Language: words are AND-ed; "exact phrase"; -word or NOT word (SAUF); a OR b (OU, |); AND (ET);
prefix*; (groups); field prefixes in French and English (titre:, auteur:, sujet:, annee:/année:,
title:, author:, subject:, year:, editeur:, collection:, isbn:, cote:, resume:…); year ranges
annee:2015-2020 (also 2015..2020, >2015, <2020). Operators are recognised in capitals only, so
that "ville et banlieue" stays three words.

Malformed input (unbalanced quotes or parentheses, lone operators) degrades to the plain words
of the query, AND-ed; control characters are dropped, the length is capped, and a query with no
usable word matches everything. The tree is evaluated by `engine.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.limits import MAX_QUERY, MAX_TERMS, MAX_YEAR

# What one query may cost (issue: 50 one-letter prefixes took 4.8 s and held the worker):
MIN_PREFIX = 2  # a one-letter prefix expands to most of the vocabulary
MAX_PREFIXES = 3  # each expands to up to engine.MAX_EXPANSION words, in every field
YEAR_MAX = MAX_YEAR

FIELD_ALIASES: dict[str, str] = {
    "all": "all", "tout": "all", "tous": "all",
    "title": "title", "titre": "title", "ti": "title",
    "author": "author", "auteur": "author", "au": "author",
    "subject": "subject", "sujet": "subject", "su": "subject", "descripteur": "subject",
    "motcle": "subject", "mot-cle": "subject", "mot-clé": "subject", "keyword": "subject",
    "year": "year", "annee": "year", "année": "year", "date": "year", "an": "year",
    "publisher": "publisher", "editeur": "publisher", "éditeur": "publisher",
    "series": "series", "collection": "series",
    "isbn": "isbn", "issn": "isbn",
    "callnumber": "callnumber", "cote": "callnumber",
    "abstract": "abstract", "resume": "abstract", "résumé": "abstract",
}  # fmt: skip
ADVANCED_FIELDS = {
    "all", "title", "author", "subject", "publisher", "series", "isbn", "callnumber", "abstract",
    "year",
}  # fmt: skip
OPERATORS = {"OR": "or", "OU": "or", "||": "or", "|": "or", "AND": "and", "ET": "and",
             "&&": "and", "NOT": "not", "SAUF": "not"}  # fmt: skip
# control and invisible characters, and lone surrogates (which no index can encode)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[\w*]+(?:['’.\-][\w*]+)*")
_YEAR_RANGE = re.compile(r"^(\d{1,9})?\s*(?:-|\.\.|–)\s*(\d{1,9})?$")


# -- the tree ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    pass


@dataclass(frozen=True)
class All(Node):
    pass


@dataclass(frozen=True)
class Term(Node):
    field: str  # a key of ADVANCED_FIELDS
    text: str  # as typed: analysis may make it several terms (then a phrase)


@dataclass(frozen=True)
class Phrase(Node):
    field: str
    text: str


@dataclass(frozen=True)
class Prefix(Node):
    field: str
    text: str


@dataclass(frozen=True)
class YearRange(Node):
    low: int | None
    high: int | None


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    item: Node


@dataclass
class Parsed:
    node: Node
    text: str  # the query actually run
    degraded: bool = False


class QueryError(ValueError):
    """Raised inside the parser only; `parse` turns it into a degraded query."""


# -- lexing --------------------------------------------------------------------------------------
@dataclass
class _Tok:
    kind: str  # word, phrase, field, lp, rp, or, and, not
    text: str = ""


def clean(text: str) -> tuple[str, bool]:
    """Control characters out, spaces collapsed, length capped; True when it was cut."""
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text or "")).strip()
    if len(text) > MAX_QUERY:
        return text[:MAX_QUERY].rsplit(" ", 1)[0], True
    return text, False


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in '"«»“”':
            close = re.compile(r"[\"«»“”]").search(text, i + 1)
            if close is None:
                raise QueryError("unbalanced quote")
            tokens.append(_Tok("phrase", text[i + 1 : close.start()]))
            i = close.end()
        elif c == "(":
            tokens.append(_Tok("lp"))
            i += 1
        elif c == ")":
            tokens.append(_Tok("rp"))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"«»“”':
                j += 1
            word = text[i:j]
            i = j
            if word in OPERATORS:
                tokens.append(_Tok(OPERATORS[word]))
                continue
            if word.startswith("-") or word.startswith("+"):
                if word[0] == "-":
                    tokens.append(_Tok("not"))
                word = word[1:]
                if not word:
                    if i < n and text[i] in '("«“':
                        continue  # -( … ) or -"…"
                    raise QueryError("lone operator")
            name, colon, rest = word.partition(":")
            if colon and name.lower() in FIELD_ALIASES:
                tokens.append(_Tok("field", FIELD_ALIASES[name.lower()]))
                if rest:
                    tokens.append(_Tok("word", rest))
                continue
            tokens.append(_Tok("word", word))
    return tokens


# -- parsing -------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.i = 0
        self.terms = 0

    def peek(self) -> str:
        return self.tokens[self.i].kind if self.i < len(self.tokens) else "eof"

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse_or(self, field: str) -> Node:
        items = [self.parse_and(field)]
        while self.peek() == "or":
            self.take()
            items.append(self.parse_and(field))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self, field: str) -> Node:
        items: list[Node] = []
        while self.peek() not in ("rp", "or", "eof"):
            if self.peek() == "and":
                if not items:
                    raise QueryError("lone operator")
                self.take()
                if self.peek() in ("rp", "or", "eof", "and"):
                    raise QueryError("lone operator")
                continue
            items.append(self.parse_unary(field))
        if not items:
            raise QueryError("lone operator or empty group")
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self, field: str) -> Node:
        if self.peek() == "not":
            self.take()
            if self.peek() in ("rp", "or", "and", "eof"):
                raise QueryError("lone operator")
            return Not(self.parse_unary(field))
        return self.parse_atom(field)

    def parse_atom(self, field: str) -> Node:
        kind = self.peek()
        if kind == "field":
            inner = self.take().text
            if self.peek() not in ("word", "phrase", "lp", "not"):
                raise QueryError("field without a value")
            return self.parse_unary(inner)
        if kind == "lp":
            self.take()
            node = self.parse_or(field)
            if self.peek() != "rp":
                raise QueryError("unbalanced parenthesis")
            self.take()
            return node
        if kind == "phrase":
            self.count()
            return Phrase(field, self.take().text)
        if kind == "word":
            self.count()
            return make_term(field, self.take().text)
        raise QueryError(f"unexpected {kind}")

    def count(self) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError("too many terms")


def year_range(text: str) -> YearRange | None:
    """annee:2015-2020, 2015..2020, 2015, >2015, >=2015, <2020 → a range; None if not a year."""
    text = text.strip()
    for op in (">=", "<=", ">", "<"):
        if text.startswith(op) and text[len(op) :].isdigit():
            year = int(text[len(op) :])
            if op == ">":
                return YearRange(year + 1, None)
            if op == ">=":
                return YearRange(year, None)
            if op == "<":
                return YearRange(None, year - 1)
            return YearRange(None, year)
    if text.isdigit() and len(text) <= 4:
        return YearRange(int(text), int(text))
    match = _YEAR_RANGE.match(text)
    if match and (match.group(1) or match.group(2)):
        # annee:0-99999 means every year, not none: bounds past 9999 are clamped
        low = min(int(match.group(1)), YEAR_MAX) if match.group(1) else None
        high = min(int(match.group(2)), YEAR_MAX) if match.group(2) else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        return YearRange(low, high)
    return None


def make_term(field: str, word: str) -> Node:
    """One typed word in a field: a year range, a prefix, or a term."""
    if field == "year":
        found = year_range(word)
        return found if found is not None else Term("all", word)
    if word.endswith("*") and len(word.rstrip("*")) >= 1:
        return Prefix(field, word.rstrip("*"))
    return Term(field, word.replace("*", " ").strip() or word)


def plain_words(text: str) -> Node:
    """The degraded form: the words of the text, AND-ed, without any syntax."""
    words = [w.strip("*") for w in _WORD.findall(text)]
    words = [w for w in words if w and w not in OPERATORS][:MAX_TERMS]
    if not words:
        return All()
    items = tuple(Term("all", w) for w in words)
    return items[0] if len(items) == 1 else And(items)


def parse(text: str, field: str = "all") -> Parsed:
    """The query tree of a query string; malformed input degrades, nothing raises."""
    try:
        cleaned, cut = clean(text)
    except Exception:  # not a string at all
        return Parsed(All(), "", degraded=True)
    try:
        tokens = _lex(cleaned)
        node = _parse_in_field(_Parser(tokens), field)
        return Parsed(node, cleaned, degraded=cut)
    except (QueryError, RecursionError, IndexError):
        node = plain_words(cleaned)
        words = " ".join(t.text for t in _terms_of(node))
        return Parsed(node, words, degraded=True)


def _parse_in_field(parser: _Parser, field: str) -> Node:
    """The tree of the whole query in `field` ("all": the default fields)."""
    if not parser.tokens:
        return All()
    node = parser.parse_or(field)
    if parser.peek() != "eof":
        raise QueryError("unbalanced parenthesis")
    return node


def _terms_of(node: Node) -> list[Term]:
    """The words of a `plain_words` tree (a term, or an AND of terms: never a NOT)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, And):
        return [t for item in node.items for t in _terms_of(item)]
    return []


def advanced(rows: list[tuple[str, str, str]]) -> Parsed:
    """The advanced-search form: rows of (operator, field key, terms), combined in order."""
    node: Node | None = None
    texts: list[str] = []
    degraded = False
    for row in rows or []:
        try:
            op, key, terms = (str(x) for x in row)
        except (TypeError, ValueError):
            degraded = True
            continue
        op = op.lower() if op.lower() in ("and", "or", "not") else "and"
        key = key if key in ADVANCED_FIELDS else "all"
        parsed = parse(terms, field=key)
        degraded = degraded or parsed.degraded
        if isinstance(parsed.node, All):
            continue
        part = parsed.node
        texts.append(f"{op.upper()} {key}:({parsed.text})" if texts else f"{key}:({parsed.text})")
        if node is None:
            node = Not(part) if op == "not" else part
        elif op == "or":
            node = Or((node, part))
        elif op == "not":
            node = And((node, Not(part)))
        else:
            node = And((node, part))
    return Parsed(node or All(), " ".join(texts), degraded)


def combine(*nodes: Node) -> Node:
    """AND of several trees, dropping match-alls."""
    items = tuple(n for n in nodes if not isinstance(n, All))
    if not items:
        return All()
    return items[0] if len(items) == 1 else And(items)


def query_words(node: Node) -> list[tuple[str, str]]:
    """(field, text) of every positive word and phrase: for highlighting and suggestions."""
    if isinstance(node, Term | Phrase | Prefix):
        return [(node.field, node.text)]
    if isinstance(node, And | Or):
        return [w for item in node.items for w in query_words(item)]
    return []


# -- limits --------------------------------------------------------------------------------------
def bound(node: Node) -> tuple[Node, list[str]]:
    """The tree without the prefixes that would cost too much (too short, or past the
    first MAX_PREFIXES), and the words dropped, for the results page to name them."""
    dropped: list[str] = []
    kept = [0]

    def walk(n: Node) -> Node | None:
        if isinstance(n, Prefix):
            if len(n.text.strip()) < MIN_PREFIX or kept[0] >= MAX_PREFIXES:
                dropped.append(n.text + "*")
                return None
            kept[0] += 1
            return n
        if isinstance(n, And | Or):
            items = tuple(i for i in (walk(i) for i in n.items) if i is not None)
            if not items:
                return None
            return items[0] if len(items) == 1 else type(n)(items)
        if isinstance(n, Not):
            inner = walk(n.item)
            return None if inner is None else Not(inner)
        return n

    bounded = walk(node)
    return (All() if bounded is None else bounded), dropped
