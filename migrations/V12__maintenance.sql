-- Maintenance windows (owned by iris.maintenance): what is planned, the occurrences a window
-- (or its recurrence rule) makes, what happened to each, and which incidents each one muted.

CREATE TABLE maintenance_windows (
  id           bigserial PRIMARY KEY,
  title        text        NOT NULL,
  description  text,
  type         text        NOT NULL CHECK (type IN ('scheduled', 'emergency')),
  category     text        NOT NULL CHECK (category IN ('infrastructure', 'application', 'network', 'database', 'security')),
  -- {hosts: [names], services: [names], matchers: [{label, op, value}]}, validated on the way in.
  scope        jsonb       NOT NULL,
  -- The first occurrence; a recurring window repeats it by its rule in its own time zone.
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz NOT NULL,
  timezone     text        NOT NULL,
  recurrence   text,
  reminders    text[]      NOT NULL DEFAULT '{}',
  notify       boolean     NOT NULL DEFAULT true,
  -- Why a window may be longer than maintenance.max_duration.
  reason       text,
  state        text        NOT NULL CHECK (state IN ('planned', 'active', 'completed', 'cancelled')),
  -- Occurrences of a recurring window exist up to here; the transitions job makes more.
  planned_until timestamptz,
  created_by   text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX maintenance_windows_state ON maintenance_windows (state);

CREATE TABLE maintenance_occurrences (
  id             bigserial PRIMARY KEY,
  window_id      bigint      NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
  starts_at      timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL,
  -- The end as first planned: an occurrence that ended later overran.
  planned_ends_at timestamptz NOT NULL,
  state          text        NOT NULL CHECK (state IN ('planned', 'active', 'completed', 'cancelled')),
  started_at     timestamptz,
  ended_at       timestamptz,
  -- The incidents it muted that still fire were sent through routing again (its end is settled).
  released_at    timestamptz,
  UNIQUE (window_id, starts_at),
  -- An occurrence ended or cancelled the moment it started is empty, not negative.
  CHECK (ends_at >= starts_at)
);
CREATE INDEX maintenance_occurrences_live ON maintenance_occurrences (starts_at) WHERE state IN ('planned', 'active');
CREATE INDEX maintenance_occurrences_unreleased ON maintenance_occurrences (ended_at)
  WHERE released_at IS NULL AND state IN ('completed', 'cancelled');

-- Every transition: who (an API key's name, or "scheduler"), when, why.
CREATE TABLE maintenance_events (
  id            bigserial PRIMARY KEY,
  window_id     bigint      NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
  occurrence_id bigint      REFERENCES maintenance_occurrences (id) ON DELETE CASCADE,
  action        text        NOT NULL,
  from_state    text,
  to_state      text,
  actor         text        NOT NULL,
  reason        text,
  detail        jsonb       NOT NULL DEFAULT '{}',
  at            timestamptz NOT NULL
);
CREATE INDEX maintenance_events_window ON maintenance_events (window_id, id);

-- Which incidents an occurrence muted; released once they went through routing again at its end.
CREATE TABLE maintenance_muted (
  occurrence_id bigint      NOT NULL REFERENCES maintenance_occurrences (id) ON DELETE CASCADE,
  incident_id   bigint      NOT NULL,
  muted_at      timestamptz NOT NULL,
  released_at   timestamptz,
  PRIMARY KEY (occurrence_id, incident_id)
);
CREATE INDEX maintenance_muted_incident ON maintenance_muted (incident_id);

-- Notices already written for an occurrence (reminder-PT1H, started, ending, summary): once each.
CREATE TABLE maintenance_notices (
  occurrence_id bigint      NOT NULL REFERENCES maintenance_occurrences (id) ON DELETE CASCADE,
  kind          text        NOT NULL,
  written_at    timestamptz NOT NULL,
  PRIMARY KEY (occurrence_id, kind)
);
