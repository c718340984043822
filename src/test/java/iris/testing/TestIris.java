package iris.testing;

import iris.ConfigSource;
import iris.IrisApp;
import iris.IrisConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts a whole Iris the way the launcher does, configured through IRIS_* variables. */
public final class TestIris implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key";
  public static final String WEBHOOK_TOKEN = "test-webhook-token";

  public final IrisApp app;
  public final int port;
  public final Map<String, String> env;
  public final Http http;

  private TestIris(IrisApp app, int port, Map<String, String> env) {
    this.app = app;
    this.port = port;
    this.env = env;
    this.http = new Http("http://127.0.0.1:" + port);
  }

  /**
   * Defaults: a fresh test database, a free port, 2 HTTP instances, the test admin key and token,
   * insecure (loopback http) Teams URLs allowed. An override with a null value removes a default.
   */
  public static TestIris start(Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("IRIS_DB_URL", TestPostgres.newDatabase());
    env.put("IRIS_HTTP_PORT", Integer.toString(Ports.free()));
    env.put("IRIS_HTTP_HOST", "127.0.0.1");
    env.put("IRIS_HTTP_INSTANCES", "2");
    env.put("IRIS_DATA_DIR", tempDir().toString());
    env.put("IRIS_API_KEY", ADMIN_KEY);
    env.put("IRIS_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
    // The fake Teams servers are plain http on loopback; tests of the refusal set this off.
    env.put("IRIS_NOTIFY_ALLOW_INSECURE_URLS", "on");
    env.putAll(overrides);
    env.values().removeIf(v -> v == null);
    IrisConfig config = IrisConfig.from(ConfigSource.load(null, env));
    return new TestIris(IrisApp.start(config, env), config.http().port(), env);
  }

  public static TestIris start() throws Exception {
    return start(Map.of());
  }

  private static Path tempDir() throws IOException {
    return Files.createTempDirectory("iris-test");
  }

  /** Posts a webhook with the test token. */
  public Http.Response webhook(String body) {
    return http.post("/webhooks/alertmanager", body,
        Map.of("Content-Type", "application/json", "Authorization", "Bearer " + WEBHOOK_TOKEN));
  }

  /** Posts these bytes as a webhook body, as they are. */
  public Http.Response webhookBytes(byte[] body) {
    return http.postBytes("/webhooks/alertmanager", body,
        Map.of("Content-Type", "application/json", "Authorization", "Bearer " + WEBHOOK_TOKEN));
  }

  /**
   * The sum of the samples of a metric on /metrics; {@code selector} is its name, optionally
   * with the start of its labels ({@code iris_webhook_refused_total{reason="busy"}).
   */
  public double metric(String selector) {
    String text = http.get("/metrics", Map.of()).body();
    String prefix = selector.endsWith("}") ? selector.substring(0, selector.length() - 1) : selector;
    return text.lines()
        .filter(l -> selector.contains("{") ? l.startsWith(prefix) : l.startsWith(selector + " ") || l.startsWith(selector + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  public Http.Response api(String method, String path, String body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("X-API-Key", ADMIN_KEY);
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    return http.send(method, path, body, headers);
  }

  @Override
  public void close() throws Exception {
    app.close();
  }
}
