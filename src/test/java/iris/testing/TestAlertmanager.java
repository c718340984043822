package iris.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Alertmanager (the real one) on a free loopback port, routing every alert to an Iris
 * webhook with its bearer token: group_by alertname, group_wait 1 s, resolutions sent. Stopped
 * on close.
 */
public final class TestAlertmanager implements AutoCloseable {
  public static final String BINARY = "/usr/bin/prometheus-alertmanager";

  private final Process process;
  private final Http api;

  private TestAlertmanager(Process process, Http api) {
    this.process = process;
    this.api = api;
  }

  /** Starts it and waits until it is ready; fails when the package is missing. */
  public static TestAlertmanager start(int irisPort) throws Exception {
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new AssertionError(BINARY + " is missing: apt-get install prometheus-alertmanager (.ci/run does)");
    }
    int port = Ports.free();
    Path dir = Files.createTempDirectory("iris-am");
    Files.writeString(dir.resolve("alertmanager.yml"), """
        route:
          receiver: iris
          group_by: ['alertname']
          group_wait: 1s
          group_interval: 2s
          repeat_interval: 1h
        receivers:
          - name: iris
            webhook_configs:
              - url: http://127.0.0.1:%d/webhooks/alertmanager
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials: %s
        """.formatted(irisPort, TestIris.WEBHOOK_TOKEN));
    Process process = new ProcessBuilder(List.of(BINARY, "--config.file=" + dir.resolve("alertmanager.yml"),
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="))
        .redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
    TestAlertmanager am = new TestAlertmanager(process, new Http("http://127.0.0.1:" + port));
    long deadline = System.currentTimeMillis() + 60_000;
    while (!am.ready()) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        am.close();
        throw new AssertionError("Alertmanager did not get ready; its log: " + Files.readString(dir.resolve("am.log")));
      }
      Thread.sleep(200);
    }
    return am;
  }

  /** Its v2 API (e.g. {@code POST /api/v2/alerts}). */
  public Http api() {
    return api;
  }

  private boolean ready() {
    try {
      return api.get("/-/ready", Map.of()).status() == 200;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
