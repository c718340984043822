-- A storm changes the incidents table faster than its statistics follow: a few seconds into
-- one, PostgreSQL still believes that few incidents wait, and plans the stages' reads as a
-- bitmap scan of every waiting incident followed by a sort (200 ms and more per read at
-- 250,000 waiting, evicting the intake's pages). The reads below keep a shape that stays
-- cheap whatever the statistics say (docs/PIPELINE.md, "Reads that a storm cannot slow").

-- A claimed group's waiting incidents in id order: its stage reads the group slice by slice,
-- and the pipeline's queue depth counts each state's entries (up to a cap).
CREATE INDEX incidents_waiting_in_group ON incidents (pipeline_state, group_id, id)
  WHERE pipeline_state IN ('received', 'enriched', 'routed');

-- The groups with due work in a state, the longest waiting first: the first `scan` due
-- incidents in due order, walked along incidents_pipeline_due, never collected and sorted.
-- For the notifier (state 'enriched'), a group whose enrichment is under way is left alone
-- for `enriching_grace`: while the oldest of its due received incidents has waited less than
-- that, the enrich stage is about to take them and the group makes one message, not two.
-- The settings hold for this function's statement only; the state is written into the
-- statement so that the plan sees which partial index applies.
CREATE FUNCTION pipeline_due_groups(state text, scan integer, wanted integer, enriching_grace interval)
  RETURNS SETOF bigint
  LANGUAGE plpgsql STABLE
  SET enable_bitmapscan = off
  SET enable_sort = off
AS $fn$
BEGIN
  RETURN QUERY EXECUTE format($sql$
    SELECT ready.group_id FROM (
      SELECT DISTINCT due.group_id FROM (
        SELECT i.group_id FROM incidents i
        WHERE i.pipeline_state = %L AND i.pipeline_due_at <= now()
          AND i.group_id NOT IN (SELECT c.group_id FROM pipeline_claims c WHERE c.lease_until > now())
        ORDER BY i.pipeline_due_at LIMIT %s) due) ready
    WHERE %L <> 'enriched' OR NOT EXISTS (
      SELECT 1 FROM (
        SELECT r.pipeline_due_at FROM incidents r
        WHERE r.pipeline_state = 'received' AND r.group_id = ready.group_id AND r.pipeline_due_at <= now()
        ORDER BY r.id LIMIT 1) oldest
      WHERE oldest.pipeline_due_at > now() - $1)
    LIMIT %s$sql$, state, scan, state, wanted) USING enriching_grace;
END
$fn$;
