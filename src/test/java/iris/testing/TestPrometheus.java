package iris.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's Prometheus scraping Debian's node exporter, both the real packages on free loopback
 * ports with temporary directories, scraping every second: the node exporter as
 * {@code 127.0.0.1:<port>} and again as {@code localhost:<port>}, so one machine plays two hosts
 * (by address). Both stop, and their directory goes, on close.
 */
public final class TestPrometheus implements AutoCloseable {
  public static final String PROMETHEUS = "/usr/bin/prometheus";
  public static final String NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";

  private final List<Process> processes = new ArrayList<>();
  private final Path dir;
  private int port;
  private int exporterPort;
  private Http api;

  private TestPrometheus(Path dir) {
    this.dir = dir;
  }

  /** Starts both and waits until Prometheus has scraped the exporter enough for rate() over it. */
  public static TestPrometheus start() throws Exception {
    for (String binary : List.of(PROMETHEUS, NODE_EXPORTER)) {
      if (!Files.isExecutable(Path.of(binary))) {
        throw new AssertionError(binary + " is missing: apt-get install prometheus prometheus-node-exporter (.ci/run does)");
      }
    }
    TestPrometheus prom = new TestPrometheus(Files.createTempDirectory("iris-prometheus"));
    try {
      prom.startAll();
    } catch (Throwable e) {
      System.err.println(prom.logs());
      prom.close();
      throw e;
    }
    return prom;
  }

  private void startAll() throws Exception {
    exporterPort = Ports.free();
    // The defaults, less the collectors that read hardware a container may not have.
    start("node-exporter", List.of(NODE_EXPORTER, "--web.listen-address=127.0.0.1:" + exporterPort,
        "--collector.textfile.directory=" + Files.createDirectories(dir.resolve("textfile")),
        "--no-collector.hwmon", "--no-collector.thermal_zone", "--no-collector.rapl"));
    port = Ports.free();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ['127.0.0.1:%d', 'localhost:%d']
        """.formatted(exporterPort, exporterPort));
    start("prometheus", List.of(PROMETHEUS, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port));
    api = new Http(url());
    await(() -> api.get("/-/ready", Map.of()).status() == 200, "Prometheus ready");
    // rate(...[5m]) needs two samples of each series; load per core needs the CPU series too.
    await(() -> query("count by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))").size() == 2
        && query("up == 1").size() == 2, "Prometheus has two scrapes of both targets");
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int exporterPort() {
    return exporterPort;
  }

  /** An instant query's result, as Prometheus answers it. */
  public JsonArray query(String promql) {
    Http.Response r = api.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8), Map.of());
    if (r.status() != 200) {
      throw new AssertionError("Prometheus answered " + r.status() + ": " + r.body());
    }
    return r.json().getJsonObject("data").getJsonArray("result");
  }

  /** How many instant queries ({@code /api/v1/query}) Prometheus has answered, by its own metrics. */
  public double queriesAnswered() {
    return api.get("/metrics", Map.of()).body().lines()
        .filter(l -> l.startsWith("prometheus_http_requests_total{") && l.contains("handler=\"/api/v1/query\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** The first value of a query, or NaN when it has none. */
  public double value(String promql) {
    JsonArray result = query(promql);
    return result.isEmpty() ? Double.NaN : Double.parseDouble(((JsonObject) result.getValue(0)).getJsonArray("value").getString(1));
  }

  private void start(String name, List<String> command) throws IOException {
    processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start());
  }

  /** The tail of each log, for a failure message. */
  public String logs() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("node-exporter", "prometheus")) {
      try {
        String text = Files.readString(dir.resolve(name + ".log"));
        out.append("==== ").append(name).append('\n').append(text, Math.max(0, text.length() - 4000), text.length()).append('\n');
      } catch (IOException e) {
        out.append("==== ").append(name).append(": no log\n");
      }
    }
    return out.toString();
  }

  private void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (processes.stream().anyMatch(p -> !p.isAlive())) {
        throw new AssertionError("a process stopped while waiting for: " + what);
      }
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }

  @Override
  public void close() throws Exception {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
