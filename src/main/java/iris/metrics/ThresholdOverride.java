package iris.metrics;

import java.util.Map;

/**
 * Levels for the hosts of one service, or for one host (by hostname), over the defaults. Either
 * level of a metric may be left out ({@code null}): the one beneath stays.
 */
public record ThresholdOverride(String host, String service, Map<Metric, Bound> bounds) {

  /** An override's levels for one metric; null = not overridden. */
  public record Bound(Double warning, Double critical) {}

  public boolean forHost() {
    return host != null;
  }
}
