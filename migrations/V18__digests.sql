-- Digests (owned by iris.digest): one row per recipient, kind and period, written by the node
-- that built it first; the outbox rows that send it are written in the same transaction.

CREATE TABLE digests (
  id           bigserial PRIMARY KEY,
  frequency    text        NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
  -- digest: a maintainer's (or stakeholder's) scope; overview: the estate for general recipients.
  kind         text        NOT NULL CHECK (kind IN ('digest', 'overview')),
  -- A maintainer's name, or "default" (the default channel).
  recipient    text        NOT NULL,
  -- maintainer, service, infrastructure, general: why this recipient got what it covers.
  segments     text[]      NOT NULL,
  period_start timestamptz NOT NULL,
  period_end   timestamptz NOT NULL,
  -- The figures as GET /api/v1/digests/{id} gives them.
  data         jsonb       NOT NULL,
  html         text        NOT NULL,
  text         text        NOT NULL,
  -- Who wrote the narrative: {generated_by, model, fallback_reason}.
  narrative_by jsonb       NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (frequency, kind, recipient, period_start),
  CHECK (period_end > period_start)
);
CREATE INDEX digests_created ON digests (created_at DESC, id DESC);
