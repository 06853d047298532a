-- docbase store, version 1: records, their history (also the indexer's change feed),
-- match keys for duplicate detection, and the log of imports.
CREATE TABLE records (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    doc_type     TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    data         TEXT NOT NULL,              -- the Record as JSON, without the raw original
    raw          BLOB,                       -- the original record, byte for byte
    raw_format   TEXT NOT NULL DEFAULT '',
    fingerprint  TEXT NOT NULL DEFAULT '',   -- hash of data: a re-import of the same record changes nothing
    duplicate_of INTEGER REFERENCES records(id),
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source, source_id)
);
CREATE INDEX records_duplicate_of ON records(duplicate_of);

CREATE TABLE history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id  INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,               -- create, update, delete, restore
    changes    TEXT NOT NULL DEFAULT '[]',  -- JSON list of the model's keys that changed
    before     TEXT                         -- the data before the change (update, delete)
);
CREATE INDEX history_record ON history(record_id);

CREATE TABLE match_keys (
    key       TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    PRIMARY KEY (key, record_id)
) WITHOUT ROWID;
CREATE INDEX match_keys_record ON match_keys(record_id);

CREATE TABLE imports (
    id       INTEGER PRIMARY KEY,
    path     TEXT NOT NULL,
    source   TEXT NOT NULL,
    format   TEXT NOT NULL DEFAULT '',
    actor    TEXT NOT NULL,
    started  TEXT NOT NULL,
    finished TEXT,
    report   TEXT
);
