-- REST API keys (owned by iris.api). Only a SHA-256 of each key is stored.

CREATE TABLE api_keys (
  id           bigserial PRIMARY KEY,
  name         text        NOT NULL UNIQUE,
  scope        text        NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
  key_hash     text        NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
