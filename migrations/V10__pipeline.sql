-- The alert pipeline as one flow (owned by iris.incident.Pipeline): stages claim alert groups,
-- and every message Iris sends is a row in one outbox (deliveries).

-- An incident is "due" for its stage from this time on (now for new work; later for a flaky
-- host's hold or a resolution waiting for its firing message to settle).
ALTER TABLE incidents RENAME COLUMN pipeline_lease_until TO pipeline_due_at;
ALTER TABLE incidents DROP CONSTRAINT incidents_pipeline_state_check;
-- routed: its messages are in the outbox; notified / failed once they are settled.
ALTER TABLE incidents ADD CONSTRAINT incidents_pipeline_state_check
  CHECK (pipeline_state IN ('received', 'enriched', 'routed', 'notified', 'suppressed', 'failed'));
-- When the incident entered its current state: the pipeline's lag per state.
ALTER TABLE incidents ADD COLUMN pipeline_changed_at timestamptz NOT NULL DEFAULT now();
DROP INDEX incidents_received_lease;
DROP INDEX incidents_enriched_lease;
CREATE INDEX incidents_pipeline_due ON incidents (pipeline_state, pipeline_due_at)
  WHERE pipeline_state IN ('received', 'enriched');

-- One node at a time works on a group's stage. The token grows with every claim and fences
-- each write of that stage: a node whose lease ran out cannot write over its successor.
CREATE TABLE pipeline_claims (
  stage       text        NOT NULL CHECK (stage IN ('enrich', 'notify')),
  group_id    bigint      NOT NULL,
  token       bigint      NOT NULL DEFAULT 1,
  lease_until timestamptz NOT NULL,
  attempts    integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (stage, group_id)
);

-- The outbox. A message's identity is what it is about (topic: "group:<id>",
-- "enrollment:<job id>"), its kind, recipient, channel and a revision; the payload is the
-- message rendered for its channel. claim_token fences the send as pipeline_claims does.
ALTER TABLE deliveries ALTER COLUMN group_id DROP NOT NULL;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_kind_check;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_state_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_state_check
  CHECK (state IN ('queued', 'sent', 'failed', 'cancelled'));
ALTER TABLE deliveries ADD COLUMN topic text;
ALTER TABLE deliveries ADD COLUMN revision integer NOT NULL DEFAULT 1;
ALTER TABLE deliveries ADD COLUMN claim_token bigint NOT NULL DEFAULT 0;
UPDATE deliveries SET topic = 'group:' || group_id WHERE topic IS NULL;
ALTER TABLE deliveries ALTER COLUMN topic SET NOT NULL;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_send_key_key;
-- Rows written before this migration: one revision after another, in the order they were made.
UPDATE deliveries d SET revision = r.n
FROM (SELECT id, row_number() OVER (PARTITION BY topic, kind, recipient, channel ORDER BY id) AS n FROM deliveries) r
WHERE r.id = d.id;
CREATE UNIQUE INDEX deliveries_identity ON deliveries (topic, kind, recipient, channel, revision);
CREATE INDEX deliveries_send_key ON deliveries (send_key);

-- A flaky host's hold is now the incident's due time.
ALTER TABLE incidents DROP COLUMN notify_after;
