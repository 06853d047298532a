-- docbase store, version 4: the thesaurus. A concept is kept whole as JSON (labels, broader,
-- related, scope note); its labels and broader links are also rows, for lookups by folded
-- label, prefix completion and narrower terms. Narrower terms are never stored: they are the
-- concepts whose broader is this one, so the two sides cannot disagree.
CREATE TABLE concepts (
    id       TEXT PRIMARY KEY,
    uri      TEXT NOT NULL DEFAULT '',
    pref     TEXT NOT NULL,                -- the French preferred label
    folded   TEXT NOT NULL,                -- pref folded (case, accents): A–Z order, uniqueness
    data     TEXT NOT NULL,                -- the Concept as JSON, narrower aside
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL
);
CREATE INDEX concepts_folded ON concepts(folded);

CREATE TABLE concept_labels (
    folded     TEXT NOT NULL,
    concept_id TEXT NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,               -- pref, alt (French non-preferred), en, alt_en
    PRIMARY KEY (folded, concept_id, kind)
) WITHOUT ROWID;
CREATE INDEX concept_labels_concept ON concept_labels(concept_id);

CREATE TABLE concept_broader (
    concept_id TEXT NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    broader_id TEXT NOT NULL,
    PRIMARY KEY (concept_id, broader_id)
) WITHOUT ROWID;
CREATE INDEX concept_broader_broader ON concept_broader(broader_id);

-- every import and edit of a concept, as the records' history: who, when, what changed, before
CREATE TABLE concept_history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    concept_id TEXT NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,               -- create, update (an import), edit (a documentalist)
    changes    TEXT NOT NULL DEFAULT '[]',
    before     TEXT
);
CREATE INDEX concept_history_concept ON concept_history(concept_id);
