-- Tracing (iris.trace.Traces): the W3C traceparent of the webhook request that last brought an
-- alert group, so that the stages, which claim the group from here later, continue its trace;
-- and of the notify stage's span that wrote a delivery, so that its send continues it too.
-- NULL while tracing is off, or for work that no traced request started.
ALTER TABLE alert_groups ADD COLUMN trace_parent text;
ALTER TABLE deliveries ADD COLUMN trace_parent text;
