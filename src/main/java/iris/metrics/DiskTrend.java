package iris.metrics;

/**
 * The disk trend of a host: the least-squares slope of its fullest disk's percentage over time,
 * in percent per day, from the sums of its recent snapshots (x = days relative to the run, so
 * the sums stay small and exact). Too few points, or points too close together, give no trend.
 */
public final class DiskTrend {
  /** Fewer points than this are not a trend. */
  static final int MIN_POINTS = 3;
  /** Points spanning less than this (in days: one hour) are noise, not a trend. */
  static final double MIN_SPAN_DAYS = 1.0 / 24;
  /** Slower than this (about a third of a percent a week) counts as flat: no "full in". */
  static final double RISING_PCT_PER_DAY = 0.05;

  private DiskTrend() {}

  /** Running sums over points (x in days, y in percent). */
  public record Sums(long n, double sx, double sy, double sxx, double sxy, double minX, double maxX) {
    public static final Sums NONE = new Sums(0, 0, 0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

    public Sums plus(double x, double y) {
      return new Sums(n + 1, sx + x, sy + y, sxx + x * x, sxy + x * y, Math.min(minX, x), Math.max(maxX, x));
    }

    /** Percent per day; null when the points do not make a trend. */
    public Double slope() {
      if (n < MIN_POINTS || maxX - minX < MIN_SPAN_DAYS) {
        return null;
      }
      double denominator = n * sxx - sx * sx;
      if (denominator <= 0) {
        return null;
      }
      return (n * sxy - sx * sy) / denominator;
    }
  }

  /** Days until {@code currentPct} reaches 100 at {@code slope}; null unless the disk is rising. */
  public static Double fullInDays(Double currentPct, Double slope) {
    if (currentPct == null || slope == null || slope < RISING_PCT_PER_DAY) {
      return null;
    }
    return Math.max(0, (100 - currentPct) / slope);
  }
}
