-- docbase store, version 5: what the source sent, on an import row that kept a local edit.
-- The record after such an update holds the documentalist's value, not the source's, so the
-- next re-import needs the source's own last version to tell a source change from a repeat.
ALTER TABLE history ADD COLUMN sent TEXT;
