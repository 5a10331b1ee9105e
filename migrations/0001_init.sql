-- Schemas by global id. Rows are never deleted, so the highest id is a high-water mark and ids
-- are never handed out twice.
CREATE TABLE schemas (
  context     TEXT    NOT NULL,
  id          INTEGER NOT NULL,
  schema_type TEXT    NOT NULL,
  schema      TEXT    NOT NULL,
  refs        TEXT    NOT NULL,
  metadata    TEXT,
  rule_set    TEXT,
  guid        TEXT    NOT NULL,
  PRIMARY KEY (context, id)
) STRICT;

CREATE TABLE versions (
  subject TEXT    NOT NULL,
  version INTEGER NOT NULL,
  context TEXT    NOT NULL,
  id      INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  ts      INTEGER NOT NULL,
  PRIMARY KEY (subject, version),
  FOREIGN KEY (context, id) REFERENCES schemas (context, id)
) STRICT;

-- Config and mode rows keyed by scope: a subject, a context (`:.ctx:`), the global scope (`:.:`)
-- or `:.__GLOBAL:`.
CREATE TABLE configs (
  scope  TEXT PRIMARY KEY,
  config TEXT NOT NULL
) STRICT;

CREATE TABLE modes (
  scope TEXT PRIMARY KEY,
  mode  TEXT NOT NULL
) STRICT;
