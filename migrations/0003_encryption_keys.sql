-- Key encryption keys: references to keys held in a KMS. The registry never holds the KMS key.
CREATE TABLE keks (
  name       TEXT    PRIMARY KEY,
  kms_type   TEXT    NOT NULL,
  kms_key_id TEXT    NOT NULL,
  kms_props  TEXT    NOT NULL,
  doc        TEXT,
  shared     INTEGER NOT NULL,
  deleted    INTEGER NOT NULL,
  ts         INTEGER NOT NULL
) STRICT;

-- Data encryption keys, wrapped by their KEK (base64 of what the client's KMS returned).
CREATE TABLE deks (
  kek_name               TEXT    NOT NULL,
  subject                TEXT    NOT NULL,
  algorithm              TEXT    NOT NULL,
  version                INTEGER NOT NULL,
  encrypted_key_material TEXT    NOT NULL,
  deleted                INTEGER NOT NULL,
  ts                     INTEGER NOT NULL,
  PRIMARY KEY (kek_name, subject, algorithm, version)
) STRICT;
