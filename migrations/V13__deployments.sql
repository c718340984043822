-- Deployments (owned by iris.deploy): what was shipped where, by whom, and how it compares
-- with the previous deployment of the same service and environment.

CREATE TABLE deployments (
  id               bigserial PRIMARY KEY,
  service          text        NOT NULL,
  environment      text        NOT NULL,
  version          text        NOT NULL,
  hosts            text[]      NOT NULL DEFAULT '{}',
  status           text        NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'rolled_back')),
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  deployed_by      text,
  url              text,
  -- [{sha, message, author}]
  commits          jsonb       NOT NULL DEFAULT '[]',
  -- Against the previous deployment of this service and environment.
  change           text        NOT NULL CHECK (change IN ('first', 'upgrade', 'rollback', 'redeploy')),
  bump             text        CHECK (bump IN ('major', 'minor', 'patch', 'prerelease')),
  -- "semver", or "time" when either version is not a semantic version.
  ordered_by       text        NOT NULL,
  previous_id      bigint      REFERENCES deployments (id) ON DELETE SET NULL,
  previous_version text,
  change_summary   text        NOT NULL DEFAULT '',
  -- The maintenance window opened for it while it runs, if asked for.
  window_id        bigint      REFERENCES maintenance_windows (id) ON DELETE SET NULL,
  created_by       text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deployments_service_env ON deployments (service, environment, started_at DESC, id DESC);
CREATE INDEX deployments_started ON deployments (started_at DESC);
CREATE INDEX deployments_hosts ON deployments USING gin (hosts);
