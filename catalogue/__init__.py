"""The catalogue: the record model, format readers and writers, the SQLite store."""
