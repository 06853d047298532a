"""The search index derived from the store: French analysis, facets, search API."""
