-- Alert intake: Alertmanager groups and the incidents they carry (owned by iris.incident).

CREATE TABLE alert_groups (
  id                 bigserial PRIMARY KEY,
  receiver           text        NOT NULL,
  group_key          text        NOT NULL,
  external_url       text,
  status             text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  group_labels       jsonb       NOT NULL DEFAULT '{}',
  common_labels      jsonb       NOT NULL DEFAULT '{}',
  common_annotations jsonb       NOT NULL DEFAULT '{}',
  truncated_alerts   integer     NOT NULL DEFAULT 0,
  first_seen_at      timestamptz NOT NULL DEFAULT now(),
  last_seen_at       timestamptz NOT NULL DEFAULT now(),
  delivery_count     integer     NOT NULL DEFAULT 1,
  UNIQUE (receiver, group_key)
);

-- One row per alert occurrence: Alertmanager's fingerprint plus its startsAt.
CREATE TABLE incidents (
  id                   bigserial PRIMARY KEY,
  fingerprint          text        NOT NULL,
  starts_at            timestamptz NOT NULL,
  ends_at              timestamptz,
  status               text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  resolved_by          text        CHECK (resolved_by IN ('alertmanager', 'manual')),
  alertname            text        NOT NULL,
  severity             text,
  instance             text,
  service              text,
  labels               jsonb       NOT NULL,
  annotations          jsonb       NOT NULL DEFAULT '{}',
  generator_url        text,
  -- No foreign key: the intake writes the group in the same transaction, and a per-row
  -- referential-integrity trigger would cost more than the rest of the insert.
  group_id             bigint      NOT NULL,
  first_seen_at        timestamptz NOT NULL DEFAULT now(),
  last_seen_at         timestamptz NOT NULL DEFAULT now(),
  delivery_count       integer     NOT NULL DEFAULT 1,
  status_changed_at    timestamptz NOT NULL DEFAULT now(),
  resolution_notes     text,
  root_cause           text,
  acknowledged_by      text,
  acknowledged_at      timestamptz,
  pipeline_state       text        NOT NULL DEFAULT 'received'
                       CHECK (pipeline_state IN ('received', 'enriched', 'notified', 'suppressed', 'failed')),
  pipeline_lease_until timestamptz NOT NULL DEFAULT now(),
  pipeline_attempts    integer     NOT NULL DEFAULT 0,
  UNIQUE (fingerprint, starts_at)
) WITH (fillfactor = 85);  -- room for HOT updates when a repeat delivery bumps last_seen_at

CREATE INDEX incidents_alertname_id ON incidents (alertname, id);
CREATE INDEX incidents_instance_id ON incidents (instance, id);
CREATE INDEX incidents_service_id ON incidents (service, id);
CREATE INDEX incidents_group_id ON incidents (group_id);
-- The sweeper's work list stays small: only rows still waiting for the pipeline.
CREATE INDEX incidents_received_lease ON incidents (pipeline_lease_until) WHERE pipeline_state = 'received';
