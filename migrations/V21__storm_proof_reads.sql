-- A storm changes the incidents table faster than its statistics follow: a few seconds into
-- one, PostgreSQL still believes that few incidents wait, and plans the stages' reads as a
-- bitmap scan of every waiting incident followed by a sort (200 ms and more per read at
-- 250,000 waiting, evicting the intake's pages). The reads below keep a shape that stays
-- cheap whatever the statistics say (docs/PIPELINE.md, "Reads that a storm cannot slow").

-- A claimed group's waiting incidents in id order: its stage reads the group slice by slice,
-- and the pipeline's queue depth counts each state's entries (up to a cap).
CREATE INDEX incidents_waiting_in_group ON incidents (pipeline_state, group_id, id)
  WHERE pipeline_state IN ('received', 'enriched', 'routed');

-- The groups with due work in a state, the longest waiting first: the first `scan_rows` due
-- incidents in due order, walked along incidents_pipeline_due, never collected and sorted.
-- For the notifier (state 'enriched'), a group whose enrichment is under way is left alone
-- for `grace`: while the oldest of its due received incidents has waited less than that, the
-- enrich stage is about to take them and the group makes one message, not two.
-- The settings hold for this function's statements only. They are static, so each session
-- plans them once (a claim runs hundreds of times a second), and each names its state, so
-- that the plan sees which partial index applies.
CREATE FUNCTION pipeline_due_groups(from_state text, scan_rows integer, wanted_groups integer, grace interval)
  RETURNS SETOF bigint
  LANGUAGE plpgsql STABLE
  SET enable_bitmapscan = off
  SET enable_sort = off
AS $fn$
BEGIN
  IF from_state = 'received' THEN
    RETURN QUERY
      SELECT DISTINCT due.group_id FROM (
        SELECT i.group_id FROM incidents i
        WHERE i.pipeline_state = 'received' AND i.pipeline_due_at <= now()
          AND i.group_id NOT IN (SELECT c.group_id FROM pipeline_claims c WHERE c.lease_until > now())
        ORDER BY i.pipeline_due_at LIMIT scan_rows) due
      LIMIT wanted_groups;
  ELSIF from_state = 'enriched' THEN
    RETURN QUERY
      SELECT ready.group_id FROM (
        SELECT DISTINCT due.group_id FROM (
          SELECT i.group_id FROM incidents i
          WHERE i.pipeline_state = 'enriched' AND i.pipeline_due_at <= now()
            AND i.group_id NOT IN (SELECT c.group_id FROM pipeline_claims c WHERE c.lease_until > now())
          ORDER BY i.pipeline_due_at LIMIT scan_rows) due) ready
      WHERE NOT EXISTS (
        SELECT 1 FROM (
          SELECT r.pipeline_due_at FROM incidents r
          WHERE r.pipeline_state = 'received' AND r.group_id = ready.group_id AND r.pipeline_due_at <= now()
          ORDER BY r.id LIMIT 1) oldest
        WHERE oldest.pipeline_due_at > now() - grace)
      LIMIT wanted_groups;
  ELSE
    RAISE EXCEPTION 'no stage claims incidents in state %', from_state;
  END IF;
END
$fn$;
