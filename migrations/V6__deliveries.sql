-- Notification delivery (owned by iris.notify): one row per message to one recipient on one
-- channel, the durable work queue for sending and retrying.

CREATE TABLE deliveries (
  id              bigserial PRIMARY KEY,
  group_id        bigint      NOT NULL,
  incident_ids    bigint[]    NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('firing', 'resolved')),
  channel         text        NOT NULL,
  -- A maintainer's name, or "default"; the address is looked up at send time (Teams URLs are secrets).
  recipient       text        NOT NULL,
  -- The same message to the same recipient is one row, however often it is re-driven.
  send_key        text        NOT NULL UNIQUE,
  payload         jsonb       NOT NULL,
  state           text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'queued';
CREATE INDEX deliveries_incidents ON deliveries USING gin (incident_ids);

-- Why an incident was not notified (suppressed), and when a flaky host's alert may be.
ALTER TABLE incidents ADD COLUMN pipeline_reason text;
ALTER TABLE incidents ADD COLUMN notify_after timestamptz;
CREATE INDEX incidents_enriched_lease ON incidents (pipeline_lease_until) WHERE pipeline_state = 'enriched';
