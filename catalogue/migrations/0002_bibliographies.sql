-- docbase store, version 2: curated bibliographies (a saved search and/or hand-picked records),
-- versioned like records: every change keeps the bibliography as it was before.
CREATE TABLE bibliographies (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    introduction TEXT NOT NULL DEFAULT '',
    search       TEXT NOT NULL DEFAULT '{}',  -- JSON {"q", "f": ["facet:value"…], "x": […]}
    grouping     TEXT NOT NULL DEFAULT '',    -- '', type, year, descriptor
    sort         TEXT NOT NULL DEFAULT 'author',  -- author, date, manual
    style        TEXT NOT NULL DEFAULT 'iso690-author-date-fr',
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE bibliography_records (
    bibliography_id INTEGER NOT NULL REFERENCES bibliographies(id),
    record_id       INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    added           TEXT NOT NULL,           -- when it was picked (its Atom date)
    PRIMARY KEY (bibliography_id, record_id)
) WITHOUT ROWID;

CREATE TABLE bibliography_history (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    bibliography_id INTEGER NOT NULL,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,           -- create, update, add, remove, delete
    changes         TEXT NOT NULL DEFAULT '[]',
    before          TEXT                     -- the bibliography before (with its picks), JSON
);
CREATE INDEX bibliography_history_bib ON bibliography_history(bibliography_id);
