package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.ConfigSource;
import iris.prometheus.PrometheusClient;
import iris.prometheus.PrometheusClient.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PromQL sent (node and windows exporter defaults), and what Iris makes of the answers. */
class SnapshotQueriesTest {

  @Test
  void theShippedConfigHoldsTheDefaultQueries() {
    Queries shipped = MetricsSettings.from(ConfigSource.load(null, Map.of())).queries();
    assertEquals(Queries.defaults(), shipped);
  }

  @Test
  void nodeAndWindowsQueriesAreOneQueryPerMetric() {
    Queries q = Queries.defaults();
    assertEquals("(100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])))) or "
        + "(100 * (1 - avg by (instance) (rate(windows_cpu_time_total{mode=\"idle\"}[5m]))))", q.of(Metric.CPU));
    assertEquals("(100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)) or "
        + "(100 * (1 - windows_os_physical_memory_free_bytes / windows_os_visible_memory_bytes))", q.of(Metric.MEMORY));
    // Windows volumes become mountpoints; the system's hidden volumes are left out.
    assertTrue(q.of(Metric.DISK).endsWith("or (label_replace(100 * (1 - windows_logical_disk_free_bytes{volume!~\"HarddiskVolume.*\"}"
        + " / windows_logical_disk_size_bytes), \"mountpoint\", \"$1\", \"volume\", \"(.*)\"))"), q.of(Metric.DISK));
    assertTrue(q.of(Metric.LOAD).contains("windows_system_processor_queue_length"), q.of(Metric.LOAD));
    assertEquals("up", q.up());
  }

  @Test
  void anEmptyPartIsLeftOut() {
    Map<String, String> env = Map.of("IRIS_METRICS_QUERIES_WINDOWS_CPU", "", "IRIS_METRICS_QUERIES_NODE_LOAD", "",
        "IRIS_METRICS_QUERIES_WINDOWS_LOAD", "", "IRIS_METRICS_QUERIES_NODE_MEMORY", "my_memory_pct");
    Queries q = MetricsSettings.from(ConfigSource.load(null, env)).queries();
    assertEquals(Queries.NODE_DEFAULTS.get(Metric.CPU), q.of(Metric.CPU));
    assertNull(q.of(Metric.LOAD), "neither exporter: not asked");
    assertEquals("(my_memory_pct) or (" + Queries.WINDOWS_DEFAULTS.get(Metric.MEMORY) + ")", q.of(Metric.MEMORY));
  }

  @Test
  void anAnswerIsItsSamplesWithoutNaNOrInfinities() {
    JsonObject answer = new JsonObject("""
        {"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"instance":"win1.corp:9182","mountpoint":"C:"},"value":[1796140000.5,"91.25"]},
          {"metric":{"instance":"win1.corp:9182","mountpoint":"D:"},"value":[1796140000.5,"NaN"]},
          {"metric":{"instance":"win1.corp:9182","mountpoint":"E:"},"value":[1796140000.5,"+Inf"]},
          {"metric":{"instance":"[2001:db8::1]:9100","mountpoint":"/"},"value":[1796140000.5,"12"]}]}}""");
    List<Sample> samples = PrometheusClient.vector(answer);
    assertEquals(List.of(new Sample(Map.of("instance", "win1.corp:9182", "mountpoint", "C:"), 91.25),
        new Sample(Map.of("instance", "[2001:db8::1]:9100", "mountpoint", "/"), 12)), samples);
  }

  @Test
  void anErrorOrAnotherTypeFailsWithPrometheusReason() {
    PrometheusClient.PrometheusException bad = assertThrows(PrometheusClient.PrometheusException.class, () -> PrometheusClient.vector(
        new JsonObject("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error: unexpected <by>\"}")));
    assertEquals("query failed (bad_data): 1:5: parse error: unexpected <by>", bad.getMessage());
    assertThrows(PrometheusClient.PrometheusException.class, () -> PrometheusClient.vector(
        new JsonObject("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}")));
  }

  @Test
  void seriesFindTheirHostByHostnameAddressOrShortNameAndAHostTakesTheHighest() {
    List<Readings.Target> targets = List.of(
        new Readings.Target(1, "win1.corp", null, "prod", null, List.of()),
        new Readings.Target(2, "db1.example.org", "10.0.0.5", "prod", null, List.of()),
        new Readings.Target(3, "web7.example.org", null, "prod", null, List.of()),
        new Readings.Target(4, "quiet", "10.0.0.9", "prod", null, List.of()));
    Map<Metric, List<Sample>> answers = Map.of(
        Metric.CPU, List.of(sample("WIN1.corp:9182", 35), sample("10.0.0.5:9100", 12), sample("10.0.0.5:12345", 14),
            sample("web7:9100", 101), sample("stranger:9100", 99)),
        Metric.DISK, List.of(disk("win1.corp:9182", "C:", 91.25), disk("win1.corp:9182", "D:", 40),
            disk("10.0.0.5:9100", "/", 50), disk("10.0.0.5:12345", "/", 55), disk("10.0.0.5:9100", "/var", 20)),
        Metric.LOAD, List.of(sample("win1.corp:9182", 0.25)));
    List<Sample> up = List.of(sample("win1.corp:9182", 1), sample("10.0.0.5:9100", 1), sample("10.0.0.5:9104", 0),
        sample("10.0.0.9:9100", 0));

    Map<Long, Reading> readings = Readings.of(targets, answers, up);

    Reading windows = readings.get(1L);
    assertEquals(35.0, windows.cpu());
    assertNull(windows.memory());
    assertEquals(0.25, windows.load());
    assertEquals(new Reading.Disk("C:", 91.25), windows.fullest());
    assertEquals(Boolean.TRUE, windows.up());

    Reading db = readings.get(2L);
    assertEquals(14.0, db.cpu(), "two targets of the host: the higher");
    assertEquals(new Reading.Disk("/", 55), db.fullest(), "the fuller of one mountpoint's two series");
    assertEquals(2, db.disks().size());
    assertEquals(Boolean.FALSE, db.up());
    assertEquals(1, db.targetsUp());
    assertEquals(2, db.targetsTotal());

    assertEquals(100.0, readings.get(3L).cpu(), "by the short hostname; a rate's overshoot is capped");
    Reading quiet = readings.get(4L);
    assertNull(quiet.cpu());
    assertEquals(Boolean.FALSE, quiet.up());
    assertEquals(Level.CRITICAL, Thresholds.mark(quiet, Map.of()).state(), "its only target is down");
  }

  private static Sample sample(String instance, double value) {
    return new Sample(Map.of("instance", instance, "job", "node"), value);
  }

  private static Sample disk(String instance, String mountpoint, double value) {
    return new Sample(Map.of("instance", instance, "mountpoint", mountpoint), value);
  }
}
