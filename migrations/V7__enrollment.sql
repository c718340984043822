-- Enrollment (owned by iris.enroll): jobs that take a host from an address and a credential
-- to a Prometheus target that is up, their steps, and the batches they come in.

CREATE TABLE enrollment_batches (
  id          bigserial PRIMARY KEY,
  strategy    text        NOT NULL CHECK (strategy IN ('sequential', 'concurrent')),
  concurrency integer     NOT NULL CHECK (concurrency > 0),
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE enrollment_jobs (
  id             bigserial PRIMARY KEY,
  kind           text        NOT NULL DEFAULT 'enroll' CHECK (kind IN ('enroll', 'unenroll')),
  batch_id       bigint      REFERENCES enrollment_batches (id) ON DELETE CASCADE,
  -- Position in its batch: a sequential batch runs its rows in this order.
  batch_row      integer,
  -- What identifies the machine while it has no host row yet: one job at a time per target.
  target         text        NOT NULL,
  host_id        bigint      REFERENCES hosts (id) ON DELETE SET NULL,
  os             text        NOT NULL CHECK (os IN ('linux', 'windows', 'auto')),
  -- The request without its secrets; the credential is sealed (AES-GCM) in `sealed_auth`.
  request        jsonb       NOT NULL,
  sealed_auth    bytea,
  state          text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  attempts       integer     NOT NULL DEFAULT 0,
  lease_until    timestamptz,
  current_step   text,
  percent        integer     NOT NULL DEFAULT 0,
  error          text,
  -- Facts found on the host (OS, arch, services) and the host key that was trusted.
  facts          jsonb       NOT NULL DEFAULT '{}',
  host_key       text,
  created_by     text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  finished_at    timestamptz
);
-- A host is enrolled by one job at a time.
CREATE UNIQUE INDEX enrollment_jobs_one_active ON enrollment_jobs (target) WHERE state IN ('queued', 'running');
CREATE INDEX enrollment_jobs_queued ON enrollment_jobs (created_at) WHERE state = 'queued';
CREATE INDEX enrollment_jobs_batch ON enrollment_jobs (batch_id, batch_row);
CREATE INDEX enrollment_jobs_host ON enrollment_jobs (host_id);

CREATE TABLE enrollment_steps (
  job_id      bigint      NOT NULL REFERENCES enrollment_jobs (id) ON DELETE CASCADE,
  position    integer     NOT NULL,
  name        text        NOT NULL,
  state       text        NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'skipped')),
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  output      text,
  error       text,
  PRIMARY KEY (job_id, position)
);

-- What enrollment learns about a host, kept on the registry's row.
ALTER TABLE hosts ADD COLUMN os_version text;
ALTER TABLE hosts ADD COLUMN arch text;
ALTER TABLE hosts ADD COLUMN enrolled_at timestamptz;
ALTER TABLE hosts ADD COLUMN prometheus text;
ALTER TABLE hosts ADD COLUMN alloy_version text;
