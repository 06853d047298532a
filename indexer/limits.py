"""What one search request may ask: the bounds and the sort keys, defined once.

The site (`web/state.py`) refuses a request beyond these bounds with a 400 and a French
message; the indexer, which must never raise on user input (the CLI, the API, benchmarks call
it directly), clamps to the same bounds. One definition, so the two never disagree about what
is too much.

The query cap is 500 characters: a query holds at most `MAX_TERMS` (50) words, and 50 French
words with their operators and field prefixes fit in about 500 characters; a longer text is a
paste accident or an attack, not a search, and the site says so rather than silently cutting it.
"""

from __future__ import annotations

from typing import Any

MAX_QUERY = 500  # characters of the typed query (after spaces are collapsed)
MAX_TERMS = 50  # words of a query; the rest are left out
MAX_VALUE = 300  # characters of one facet value in a filter
MAX_FILTERS = 40  # selected and excluded facet values of one request, together
MAX_PAGE = 1000  # deeper pages are refused (nobody reads page 1001 of a catalogue)
MAX_PER_PAGE = 100  # hits per page
MAX_PREFIX_CHARS = 100  # the « starts with » text of a facet page, an A–Z list, autocomplete
MAX_FACET_LIMIT = 100_000  # values listed per facet (a facet page may list them all)
MAX_RECORD_IDS = 10_000_000  # record ids of a whole result set (exports)
MIN_YEAR, MAX_YEAR = 1, 9999  # a year range of the site's form

SORTS = ("relevance", "date_desc", "date_asc", "title", "author")
DEFAULT_SORT = "relevance"


def bounded(value: Any, default: int, high: int, low: int = 1) -> int:
    """`value` as an integer within [low, high]; `default` when it is not a number."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = default
    return max(low, min(high, number))


def sort_key(value: Any) -> str:
    """A known sort key, else relevance."""
    return value if isinstance(value, str) and value in SORTS else DEFAULT_SORT


def starts_with(value: Any) -> str:
    """The « starts with » text of a list, cut to `MAX_PREFIX_CHARS` ("" if not a string)."""
    return value[:MAX_PREFIX_CHARS] if isinstance(value, str) else ""


def year(value: Any) -> int | None:
    """A year bound of a request, or None when it is not a plausible year."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if -10000 < number < 10000 else None


def filters(request: Any) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """A request's selected and excluded facet values, `MAX_FILTERS` at most together."""
    selected = facet_values(getattr(request, "filters", {}))
    budget = MAX_FILTERS - sum(map(len, selected.values()))
    return selected, facet_values(getattr(request, "excludes", {}), budget)


def facet_values(mapping: Any, budget: int = MAX_FILTERS) -> dict[str, list[str]]:
    """facet → list of strings, whatever the caller passed (a string, a tuple, None), at most
    `budget` values in all (the first ones), each cut to `MAX_VALUE` characters."""
    out: dict[str, list[str]] = {}
    if not isinstance(mapping, dict):
        return out
    for name, values in mapping.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list | tuple | set):
            continue
        kept = [str(v)[:MAX_VALUE] for v in values if v is not None and str(v) != ""]
        kept = kept[: max(budget, 0)]
        budget -= len(kept)
        if kept:
            out[str(name)] = kept
    return out
