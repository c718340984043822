package iris.incident;

import java.util.Set;

/**
 * Where an incident is in the alert pipeline (docs/PIPELINE.md has the diagram). A firing
 * incident goes received → enriched → routed → notified; it may end suppressed or failed
 * instead. A resolution starts the path again from received with the incident's new status.
 */
public enum PipelineState {
  /** Stored by the intake; waiting for enrichment. */
  RECEIVED,
  /** Enriched (or, for a resolution, passed on); waiting for the notifier. */
  ENRICHED,
  /** Its messages are in the outbox; waiting for them to be sent. */
  ROUTED,
  /** At least one of its messages was sent. */
  NOTIFIED,
  /** Muted on purpose (tags, maintenance, a resolution nobody needs to hear of). */
  SUPPRESSED,
  /** Nobody could be told: no recipient, or every message failed for good. */
  FAILED;

  /** The states a stage still has work in. */
  public static final Set<PipelineState> WAITING = Set.of(RECEIVED, ENRICHED, ROUTED);

  /** The value in {@code incidents.pipeline_state}. */
  public String sql() {
    return name().toLowerCase();
  }

  public static PipelineState of(String sql) {
    return valueOf(sql.toUpperCase());
  }
}
