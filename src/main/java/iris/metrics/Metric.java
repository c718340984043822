package iris.metrics;

/** What a snapshot measures and a threshold can mark; {@code key} is its name in config, JSON and breaches. */
public enum Metric {
  CPU("cpu", "CPU", "%"),
  MEMORY("memory", "memory", "%"),
  DISK("disk", "disk", "%"),
  LOAD("load", "load", "per core");

  private final String key;
  private final String label;
  private final String unit;

  Metric(String key, String label, String unit) {
    this.key = key;
    this.label = label;
    this.unit = unit;
  }

  public String key() {
    return key;
  }

  /** How a message names it. */
  public String label() {
    return label;
  }

  public String unit() {
    return unit;
  }

  public static Metric of(String key) {
    for (Metric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    return null;
  }
}
