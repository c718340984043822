-- Runs of scheduled jobs (owned by iris.schedule). A slot is claimed by inserting its row:
-- the unique (job, scheduled_for) keeps even two nodes that both believe they lead from
-- running one slot twice, and at most one run of a job is "running" at a time.
CREATE TABLE job_runs (
  id            bigserial PRIMARY KEY,
  job           text        NOT NULL,
  scheduled_for timestamptz NOT NULL,
  -- schedule (a slot came), catch_up (the first slot run after downtime), manual (POST .../run)
  trigger       text        NOT NULL CHECK (trigger IN ('schedule', 'catch_up', 'manual')),
  started_at    timestamptz NOT NULL,
  -- A run still "running" after this was abandoned (its node stopped) and is marked failed.
  deadline      timestamptz NOT NULL,
  finished_at   timestamptz,
  outcome       text        NOT NULL CHECK (outcome IN ('running', 'ok', 'failed')),
  error         text,
  node          text        NOT NULL,
  UNIQUE (job, scheduled_for)
);

CREATE UNIQUE INDEX job_runs_one_running ON job_runs (job) WHERE outcome = 'running';
CREATE INDEX job_runs_started ON job_runs (job, started_at DESC);
