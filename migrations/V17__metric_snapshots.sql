-- Metrics snapshots (owned by iris.metrics): what Prometheus said about each registered host,
-- one row per host per run of the metrics-snapshots job. Digests and enrichment read them
-- through iris.metrics.Snapshots. Percentages are 0 to 100; NULL = Prometheus had no series.
CREATE TABLE metric_snapshots (
  id                     bigserial        PRIMARY KEY,
  host_id                bigint           NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  -- the host's name when the snapshot was taken (a later rename leaves history readable)
  hostname               text             NOT NULL,
  -- the Prometheus instance asked (prometheus.instances[].name)
  instance               text             NOT NULL,
  taken_at               timestamptz      NOT NULL,
  cpu_busy_pct           double precision,
  mem_used_pct           double precision,
  -- load average (5 min) per core; Windows: processor queue length per core
  load_per_core          double precision,
  -- every target of the host up; NULL when Prometheus has none
  up                     boolean,
  targets_up             integer          NOT NULL DEFAULT 0,
  targets_total          integer          NOT NULL DEFAULT 0,
  -- [{"mountpoint": "/", "used_pct": 42.1}, ...], fullest first
  disk                   jsonb            NOT NULL DEFAULT '[]',
  fullest_mountpoint     text,
  fullest_disk_pct       double precision,
  state                  text             NOT NULL CHECK (state IN ('ok', 'warning', 'critical', 'unknown')),
  -- [{"metric": "disk", "level": "critical", "value": 91.2, "warning": 80, "critical": 90, "mountpoint": "/"}], worst first
  breaches               jsonb            NOT NULL DEFAULT '[]',
  -- least-squares slope of fullest_disk_pct over metrics.trend_days of snapshots; NULL = too few
  disk_trend_pct_per_day double precision,
  -- at that slope, days until the fullest disk is full; only while it rises
  disk_full_in_days      double precision
);
CREATE INDEX metric_snapshots_host_taken ON metric_snapshots (host_id, taken_at DESC);
CREATE INDEX metric_snapshots_taken ON metric_snapshots (taken_at);

-- Each failed query run of a Prometheus instance (unreachable, slow, refused PromQL).
CREATE TABLE metric_snapshot_failures (
  id        bigserial   PRIMARY KEY,
  instance  text        NOT NULL,
  failed_at timestamptz NOT NULL,
  error     text        NOT NULL
);
CREATE INDEX metric_snapshot_failures_instance ON metric_snapshot_failures (instance, failed_at DESC);
CREATE INDEX metric_snapshot_failures_failed ON metric_snapshot_failures (failed_at);

-- The last run of each Prometheus instance, for readiness: last_error NULL = it answered.
CREATE TABLE metric_instances (
  instance    text        PRIMARY KEY,
  last_run_at timestamptz NOT NULL,
  last_ok_at  timestamptz,
  last_error  text,
  -- hosts snapshotted from it in the last run
  hosts       integer     NOT NULL DEFAULT 0
);
