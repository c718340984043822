-- Alloy config templates (owned by iris.enroll): an operator's versions override the built-in
-- file of the same name; every saved version is kept, the highest is in use.
CREATE TABLE alloy_templates (
  name       text        NOT NULL,
  version    integer     NOT NULL,
  body       text        NOT NULL,
  created_by text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version)
);
