-- Enrichment (owned by iris.enrich): one result per alert group and alert name, shared by
-- every incident of that kind in the group.

CREATE TABLE enrichments (
  id           bigserial PRIMARY KEY,
  group_id     bigint      NOT NULL,
  alertname    text        NOT NULL,
  generated_by text        NOT NULL CHECK (generated_by IN ('llm', 'template')),
  result       jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (group_id, alertname)
);

ALTER TABLE incidents ADD COLUMN enrichment_id bigint;
-- Learning: when notes or root cause last changed, and when the incident was last written
-- into the knowledge base.
ALTER TABLE incidents ADD COLUMN annotated_at timestamptz;
ALTER TABLE incidents ADD COLUMN learned_at timestamptz;
CREATE INDEX incidents_to_learn ON incidents (annotated_at)
  WHERE status = 'resolved' AND (root_cause IS NOT NULL OR resolution_notes IS NOT NULL);
