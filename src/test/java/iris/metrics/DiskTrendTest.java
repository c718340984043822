package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DiskTrendTest {
  private static DiskTrend.Sums points(double[][] xy) {
    DiskTrend.Sums sums = DiskTrend.Sums.NONE;
    for (double[] p : xy) {
      sums = sums.plus(p[0], p[1]);
    }
    return sums;
  }

  @Test
  void theSlopeIsTheLeastSquaresLineThroughThePoints() {
    // 1.2 % a day over a week, every 6 hours, x in days before now
    DiskTrend.Sums sums = DiskTrend.Sums.NONE;
    for (int i = 28; i >= 0; i--) {
      double x = -i / 4.0;
      sums = sums.plus(x, 82.6 + 1.2 * x);
    }
    assertEquals(1.2, sums.slope(), 1e-9);
    assertEquals(7.0, DiskTrend.fullInDays(91.6, sums.slope()), 1e-9);
    // Steps, not a line: the fit goes through them.
    assertEquals(1.6, points(new double[][] {{-3, 45}, {-2, 45}, {-1, 49}, {0, 49}}).slope(), 1e-9);
  }

  @Test
  void tooFewOrTooClosePointsAreNoTrend() {
    assertNull(DiskTrend.Sums.NONE.slope());
    assertNull(points(new double[][] {{-1, 10}, {0, 20}}).slope(), "two points are a line, not a trend");
    double minute = 1.0 / 1440;
    assertNull(points(new double[][] {{-2 * minute, 10}, {-minute, 11}, {0, 12}}).slope(), "three points within minutes");
    assertNull(points(new double[][] {{0, 10}, {0, 11}, {0, 12}}).slope(), "one instant");
  }

  @Test
  void fullInOnlyWhileRising() {
    assertNull(DiskTrend.fullInDays(70.0, 0.0));
    assertNull(DiskTrend.fullInDays(70.0, -3.0));
    assertNull(DiskTrend.fullInDays(70.0, 0.01), "a hundredth of a percent a day is flat");
    assertNull(DiskTrend.fullInDays(null, 2.0));
    assertNull(DiskTrend.fullInDays(70.0, null));
    assertEquals(15.0, DiskTrend.fullInDays(70.0, 2.0), 1e-9);
    assertEquals(0.0, DiskTrend.fullInDays(100.0, 2.0), 1e-9);
  }
}
