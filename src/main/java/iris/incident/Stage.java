package iris.incident;

/** A stage that claims alert groups: the state it takes incidents from, and its name in {@code pipeline_claims}. */
public enum Stage {
  ENRICH(PipelineState.RECEIVED),
  NOTIFY(PipelineState.ENRICHED);

  private final PipelineState from;

  Stage(PipelineState from) {
    this.from = from;
  }

  /** The state whose due incidents make a group ready for this stage. */
  public PipelineState from() {
    return from;
  }

  public String sql() {
    return name().toLowerCase();
  }
}
