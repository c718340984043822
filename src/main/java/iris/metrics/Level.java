package iris.metrics;

/** A snapshot's state, worst last: {@code unknown} when Prometheus had nothing for the host. */
public enum Level {
  OK("ok"),
  WARNING("warning"),
  CRITICAL("critical"),
  UNKNOWN("unknown");

  private final String key;

  Level(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static Level of(String key) {
    for (Level l : values()) {
      if (l.key.equals(key)) {
        return l;
      }
    }
    return null;
  }
}
