package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import iris.metrics.ThresholdOverride.Bound;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
  private static final Map<Metric, Limits> DEFAULTS = Map.of(Metric.CPU, new Limits(80, 90), Metric.MEMORY, new Limits(85, 95),
      Metric.DISK, new Limits(80, 90), Metric.LOAD, new Limits(2, 4));

  private static Reading reading(Double cpu, Double memory, Double load, double disk, int up, int total) {
    return new Reading(cpu, memory, load, List.of(new Reading.Disk("/", 10), new Reading.Disk("/var", disk)), up, total);
  }

  @Test
  void eachMetricAtOrOverALevelIsABreachAndTheWorstIsTheState() {
    Thresholds.Marking ok = Thresholds.mark(reading(79.9, 84.9, 1.99, 79.9, 1, 1), DEFAULTS);
    assertEquals(Level.OK, ok.state());
    assertEquals(List.of(), ok.breaches());

    Thresholds.Marking marked = Thresholds.mark(reading(80.0, 96.0, 0.5, 91.2, 1, 1), DEFAULTS);
    assertEquals(Level.CRITICAL, marked.state());
    assertEquals(List.of(
        new Thresholds.Breach("memory", Level.CRITICAL, 96.0, 85.0, 95.0, null),
        new Thresholds.Breach("disk", Level.CRITICAL, 91.2, 80.0, 90.0, "/var"),
        new Thresholds.Breach("cpu", Level.WARNING, 80.0, 80.0, 90.0, null)), marked.breaches());

    assertEquals(Level.WARNING, Thresholds.mark(reading(10.0, 10.0, 2.0, 10, 1, 1), DEFAULTS).state());
    assertEquals(Level.CRITICAL, Thresholds.mark(reading(10.0, 10.0, 4.5, 10, 1, 1), DEFAULTS).state());
  }

  @Test
  void targetsDownAreAWarningAndAllDownCritical() {
    Thresholds.Marking some = Thresholds.mark(reading(10.0, 10.0, 0.1, 10, 2, 3), DEFAULTS);
    assertEquals(Level.WARNING, some.state());
    assertEquals(List.of(new Thresholds.Breach("up", Level.WARNING, 2, null, null, null)), some.breaches());
    assertEquals(Level.CRITICAL, Thresholds.mark(new Reading(null, null, null, List.of(), 0, 2), DEFAULTS).state());
  }

  @Test
  void nothingFromPrometheusIsUnknownAndAMissingMetricIsNoBreach() {
    assertEquals(new Thresholds.Marking(Level.UNKNOWN, List.of()), Thresholds.mark(new Reading(null, null, null, List.of(), 0, 0), DEFAULTS));
    assertEquals(Level.OK, Thresholds.mark(new Reading(null, null, null, List.of(), 1, 1), DEFAULTS).state());
    assertEquals(Level.OK, Thresholds.mark(new Reading(50.0, null, null, List.of(), 0, 0), DEFAULTS).state());
  }

  @Test
  void servicesOverrideTheDefaultsAndAHostItsServices() {
    Thresholds thresholds = new Thresholds(DEFAULTS, List.of(
        new ThresholdOverride(null, "postgres", Map.of(Metric.DISK, new Bound(85.0, 95.0), Metric.MEMORY, new Bound(90.0, null))),
        new ThresholdOverride(null, "backup", Map.of(Metric.DISK, new Bound(88.0, 92.0))),
        new ThresholdOverride("DB1.example.org", null, Map.of(Metric.DISK, new Bound(null, 97.0)))));

    assertEquals(DEFAULTS, thresholds.forHost("web1", List.of("nginx")));

    Map<Metric, Limits> postgres = thresholds.forHost("db2", List.of("postgres"));
    assertEquals(new Limits(85, 95), postgres.get(Metric.DISK));
    assertEquals(new Limits(90, 95), postgres.get(Metric.MEMORY), "only the warning level is overridden");
    assertEquals(new Limits(80, 90), postgres.get(Metric.CPU));

    // Two services: the higher level of each wins.
    assertEquals(new Limits(88, 95), thresholds.forHost("db2", List.of("backup", "postgres")).get(Metric.DISK));
    // The host's own override has the last word, by hostname in any case; the rest stays its services'.
    assertEquals(new Limits(88, 97), thresholds.forHost("db1.example.org", List.of("postgres", "backup")).get(Metric.DISK));
    assertEquals(new Limits(80, 97), thresholds.forHost("db1.example.org", List.of()).get(Metric.DISK));
  }

  @Test
  void aWarningAboveCriticalIsLoweredToIt() {
    Thresholds thresholds = new Thresholds(DEFAULTS, List.of(new ThresholdOverride("h", null, Map.of(Metric.CPU, new Bound(95.0, null)))));
    Limits cpu = thresholds.forHost("h", List.of()).get(Metric.CPU);
    assertEquals(new Limits(90, 90), cpu);
    assertEquals(Level.CRITICAL, cpu.levelOf(92));
    assertEquals(Level.OK, cpu.levelOf(89.9));
  }
}
