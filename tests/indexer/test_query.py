"""The query language → tree, and its degradation on malformed input (no index needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.limits import MAX_QUERY, MAX_TERMS
from indexer.query import (
    All,
    And,
    Not,
    Or,
    Parsed,
    Phrase,
    Prefix,
    Term,
    YearRange,
    advanced,
    bound,
    clean,
    combine,
    parse,
)


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("ville banlieue", And((Term("all", "ville"), Term("all", "banlieue")))),
        ('"politique de la ville"', Phrase("all", "politique de la ville")),
        ("ville -banlieue", And((Term("all", "ville"), Not(Term("all", "banlieue"))))),
        ("ville NOT banlieue", And((Term("all", "ville"), Not(Term("all", "banlieue"))))),
        ("ville OR banlieue", Or((Term("all", "ville"), Term("all", "banlieue")))),
        ("ville OU banlieue", Or((Term("all", "ville"), Term("all", "banlieue")))),
        ("ville ET banlieue", And((Term("all", "ville"), Term("all", "banlieue")))),
        (
            "ville et banlieue",
            And((Term("all", "ville"), Term("all", "et"), Term("all", "banlieue"))),
        ),
        ("discrim*", Prefix("all", "discrim")),
        ("titre:école", Term("title", "école")),
        ("title:école", Term("title", "école")),
        ("auteur:Bourdieu", Term("author", "Bourdieu")),
        ("author:Bourdieu", Term("author", "Bourdieu")),
        ("sujet:ville", Term("subject", "ville")),
        ("subject:ville", Term("subject", "ville")),
        ('titre:"droit international"', Phrase("title", "droit international")),
        ("sujet:(ville OR école)", Or((Term("subject", "ville"), Term("subject", "école")))),
        ("annee:2015-2020", YearRange(2015, 2020)),
        ("année:2015", YearRange(2015, 2015)),
        ("year:2020-2015", YearRange(2015, 2020)),
        ("year:>2010", YearRange(2011, None)),
        ("annee:2015..", YearRange(2015, None)),
        ("Saint-Omer", Term("all", "Saint-Omer")),
        ("http://example.org", Term("all", "http://example.org")),
        ("-(ville banlieue)", Not(And((Term("all", "ville"), Term("all", "banlieue"))))),
        ("", All()),
    ],
)
def test_language(text: str, node: object) -> None:
    parsed = parse(text)
    assert parsed.node == node
    assert not parsed.degraded


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ('"politique de la ville', And((Term("all", "politique"), Term("all", "de"),
                                        Term("all", "la"), Term("all", "ville")))),
        ("(ville banlieue", And((Term("all", "ville"), Term("all", "banlieue")))),
        ("ville)", Term("all", "ville")),
        ("OR", All()),
        ("AND ville", Term("all", "ville")),
        ("ville OR", Term("all", "ville")),
        ("NOT", All()),
        ("-", All()),
        ("titre:", Term("all", "titre")),
        ("()", All()),
    ],
)  # fmt: skip
def test_malformed_input_degrades_to_plain_words(text: str, node: object) -> None:
    parsed = parse(text)
    assert parsed.degraded
    assert parsed.node == node


def test_long_queries_and_control_characters() -> None:
    parsed = parse("ville " * 2000)
    assert parsed.degraded and len(parsed.text) <= MAX_QUERY
    parsed = parse("vi\x00lle\x1b[31m banlieue\x7f")
    assert "\x00" not in parsed.text and "\x1b" not in parsed.text
    assert parse(None).node == All()  # type: ignore[arg-type]


def test_advanced_rows() -> None:
    parsed = advanced(
        [("and", "title", "ville"), ("not", "author", "Dupont"), ("or", "subject", "école")]
    )
    assert parsed.node == Or(
        (And((Term("title", "ville"), Not(Term("author", "Dupont")))), Term("subject", "école"))
    )
    # unknown fields and operators fall back; empty rows are skipped; junk rows never raise
    assert advanced([("xor", "nowhere", "ville"), ("and", "title", "")]).node == Term(
        "all", "ville"
    )
    assert advanced([("and",), None]).node == All()  # type: ignore[list-item]


def test_advanced_rows_say_the_query_run_and_whether_it_degraded() -> None:
    parsed = advanced(
        [("and", "title", "ville"), ("NOT", "author", "Dupont"), ("ou", "subject", "école")]
    )
    assert parsed.text == "title:(ville) NOT author:(Dupont) AND subject:(école)"
    assert parsed.degraded is False
    # a first row of NOT excludes; an unknown operator is AND, written so
    first = advanced([("not", "author", "Dupont"), ("xor", "title", "ville")])
    assert first.node == And((Not(Term("author", "Dupont")), Term("title", "ville")))
    assert first.text == "author:(Dupont) AND title:(ville)"
    assert advanced([("NOT", "all", "banlieue")]).node == Not(Term("all", "banlieue"))
    # one degraded row degrades the whole, even when a later row is sound
    broken = advanced([("and", "title", "ville )"), ("and", "author", "Dupont")])
    assert broken.degraded is True
    assert advanced([("and", "title", "(ville")]).degraded is True
    assert advanced([]) == Parsed(All(), "", False)


def test_bound_drops_short_prefixes_and_those_past_the_first_three() -> None:
    node, dropped = bound(parse("a* politique* vil* ecol* quart*").node)
    assert node == And((Prefix("all", "politique"), Prefix("all", "vil"), Prefix("all", "ecol")))
    assert dropped == ["a*", "quart*"]
    # a prefix alone and too short: nothing is left, the query matches all
    assert bound(parse("v*").node) == (All(), ["v*"])
    assert bound(parse("ville -a*").node) == (Term("all", "ville"), ["a*"])


def test_combine_keeps_a_single_tree_as_it_is() -> None:
    ville = Term("all", "ville")
    assert combine(All(), ville, All()) == ville
    assert combine(ville, Term("title", "école")) == And((ville, Term("title", "école")))
    assert combine(All()) == All()


@given(st.text(max_size=300))
def test_parse_never_raises(text: str) -> None:
    parse(text)


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("annee:>=2015", YearRange(2015, None)),
        ("annee:>2015", YearRange(2016, None)),
        ("annee:<=2020", YearRange(None, 2020)),
        ("annee:<2020", YearRange(None, 2019)),
        ("annee:-2020", YearRange(None, 2020)),
        ("annee:..2020", YearRange(None, 2020)),
        ("annee:2015-", YearRange(2015, None)),
        ("annee:2015-2015", YearRange(2015, 2015)),
        ("annee:0-99999", YearRange(0, 9999)),  # past the last year: clamped, not empty
        ("annee:999", YearRange(999, 999)),
        ("annee:12345", Term("all", "12345")),  # five digits are not a year
        ("annee:>=", Term("all", ">=")),
        ("annee:≥2015", Term("all", "≥2015")),
    ],
)
def test_every_form_of_year_range(text: str, node: object) -> None:
    parsed = parse(text)
    assert parsed.node == node
    assert not parsed.degraded


def test_degraded_query_drops_the_prefix_stars() -> None:
    """Unbalanced input keeps its words, without the '*' that made them prefixes."""
    parsed = parse("(droi* banlieue**")
    assert parsed.node == And((Term("all", "droi"), Term("all", "banlieue")))
    assert parsed.text == "droi banlieue"
    assert parsed.degraded


def test_a_field_may_take_a_negation() -> None:
    assert parse("titre: -ville").node == parse("-titre:ville").node
    assert parse("titre: -ville").node == Not(Term("title", "ville"))
    assert not parse("titre: -ville").degraded


def test_stars_inside_a_word_are_spaces_and_case_is_kept() -> None:
    assert parse("vil*le").node == Term("all", "vil le")
    assert parse("TEX*").node == Prefix("all", "TEX")
    degraded = parse("(XEROX*")  # the plain words keep their letters, lose their stars
    assert degraded.degraded and degraded.node == Term("all", "XEROX")


def test_a_query_of_more_than_max_terms_words_degrades_to_the_first_ones() -> None:
    words = [f"mot{i}" for i in range(MAX_TERMS + 1)]
    exact = parse(" ".join(words[:MAX_TERMS]))
    assert not exact.degraded and exact.node == And(tuple(Term("all", w) for w in words[:-1]))
    over = parse(" ".join(words))
    assert over.degraded and over.node == exact.node
    quoted = parse(" ".join(f'"{w}"' for w in words))  # phrases count as terms too
    assert quoted.degraded and quoted.node == exact.node


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("ville AND", Term("all", "ville")),
        ("ville AND OR banlieue", And((Term("all", "ville"), Term("all", "banlieue")))),
        ("ville AND AND banlieue", And((Term("all", "ville"), Term("all", "banlieue")))),
        ("(ville AND) banlieue", And((Term("all", "ville"), Term("all", "banlieue")))),
    ],
    ids=["and-at-the-end", "and-or", "and-and", "and-before-a-parenthesis"],
)
def test_an_and_with_nothing_after_it_degrades_to_the_words(text, node) -> None:
    parsed = parse(text)
    assert parsed.degraded is True and parsed.node == node


def test_a_one_letter_prefix_stays_a_prefix_and_a_field_takes_the_first_colon() -> None:
    assert parse("a*") == Parsed(Prefix("all", "a"), "a*", False)  # bound() names it dropped
    assert parse("titre:politique:ville").node == Term("title", "politique:ville")


def test_clean_takes_control_characters_out_and_keeps_a_query_at_the_limit() -> None:
    assert clean(" école\x00\u200bprioritaire\x7f ") == ("école prioritaire", False)
    at_limit = "a" * MAX_QUERY
    assert clean(at_limit) == (at_limit, False)


def test_a_query_past_the_limit_is_cut_after_its_last_whole_word() -> None:
    text = " ".join(["quartier"] * 100)  # 9 characters a word with its space
    assert MAX_QUERY % 9 not in (0, 8)  # the limit falls inside a word
    assert clean(text) == (" ".join(["quartier"] * (MAX_QUERY // 9)), True)


@pytest.mark.parametrize(
    ("text", "node"),
    [
        # a capital X is a letter (Louis XIV), not a quote
        ("Louis XIV", And((Term("all", "Louis"), Term("all", "XIV")))),
        # an empty phrase is read and closed where it opened
        ('"" logement', And((Phrase("all", ""), Term("all", "logement")))),
        # a group right after a group, a word right after a group
        ("(ville)(quartier)", And((Term("all", "ville"), Term("all", "quartier")))),
        ("(logement)social", And((Term("all", "logement"), Term("all", "social")))),
    ],
)
def test_quotes_and_groups_are_closed_exactly_where_they_end(text: str, node: object) -> None:
    assert parse(text) == Parsed(node, text, False)


def test_advanced_rows_skip_empty_and_malformed_rows_and_go_on() -> None:
    ville = Term("title", "ville")
    assert advanced([("and", "title", ""), ("and", "title", "ville")]) == Parsed(
        ville, "title:(ville)", False
    )
    malformed = advanced([("and", "title"), ("and", "title", "ville")])  # type: ignore[list-item]
    assert malformed == Parsed(ville, "title:(ville)", True)


def test_bound_keeps_a_prefix_of_two_letters() -> None:
    assert bound(parse("qu*").node) == (Prefix("all", "qu"), [])


def test_what_is_not_text_parses_to_everything_degraded() -> None:
    assert parse(123) == Parsed(All(), "", True)  # type: ignore[arg-type]
    assert parse(["ville"]) == Parsed(All(), "", True)  # type: ignore[arg-type]


def test_a_query_cut_at_the_limit_says_it_degraded() -> None:
    words = MAX_QUERY // 15  # « renouvellement » and its space; fewer than MAX_TERMS words
    assert MAX_QUERY % 15 and words < MAX_TERMS
    parsed = parse(" ".join(["renouvellement"] * 100))
    assert parsed.degraded is True
    assert parsed.node == And(tuple(Term("all", "renouvellement") for _ in range(words)))


def test_a_plus_is_dropped_and_a_minus_alone_before_a_word_degrades() -> None:
    assert parse("+ville") == Parsed(Term("all", "ville"), "+ville", False)
    assert parse("- ville") == Parsed(Term("all", "ville"), "ville", True)
