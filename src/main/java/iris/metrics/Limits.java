package iris.metrics;

/** The warning and critical levels of one metric: a value at or above a level reaches it. */
public record Limits(double warning, double critical) {

  /** A warning above the critical level could never be reached first: it is lowered to it. */
  public Limits {
    warning = Math.min(warning, critical);
  }

  public Level levelOf(double value) {
    return value >= critical ? Level.CRITICAL : value >= warning ? Level.WARNING : Level.OK;
  }
}
