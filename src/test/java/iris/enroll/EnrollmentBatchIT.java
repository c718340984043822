package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import iris.testing.FakeLinuxHost;
import iris.testing.HostService;
import iris.testing.Http;
import iris.testing.LinuxDistro;
import iris.testing.Multipart;
import iris.testing.StepReply;
import iris.testing.TestIris;
import iris.testing.TestPostgres;
import iris.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batches (JSON body, CSV and YAML uploads, bounds, retry), the Alloy template store, live progress and restarts. */
class EnrollmentBatchIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static Path targets;
  private static TestIris iris;
  private static final List<FakeLinuxHost> HOSTS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    targets = Files.createTempDirectory("iris-targets");
    iris = TestIris.start(env(Map.of()));
  }

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("IRIS_ROLES", "ingest,enroll",
        "IRIS_PROMETHEUS_INSTANCES", new JsonArray().add(new JsonObject().put("name", "main").put("targets_dir", targets.toString()))
            .encode(),
        "IRIS_ENROLL_ALLOY_READY_TIMEOUT_SECONDS", "5"));
    env.putAll(extra);
    return env;
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    for (FakeLinuxHost host : HOSTS) {
      host.close();
    }
  }

  private static FakeLinuxHost host(FakeLinuxHost.Builder builder) {
    FakeLinuxHost host = builder.password("deploy", "s3cret").start();
    HOSTS.add(host);
    return host;
  }

  private static JsonObject row(FakeLinuxHost host, String hostname) {
    return new JsonObject().put("address", FakeLinuxHost.ADDRESS).put("port", host.port()).put("os", "linux")
        .put("username", "deploy").put("auth", new JsonObject().put("password", "s3cret"))
        .put("host_key_fingerprint", host.hostKeyFingerprint()).put("environment", "production").put("hostname", hostname);
  }

  private static JsonObject awaitBatch(long id) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    JsonObject batch = null;
    while (System.nanoTime() < end) {
      batch = iris.api("GET", "/api/v1/hosts/enrollments/batch/" + id, null).json();
      if (List.of("succeeded", "failed").contains(batch.getString("state"))) {
        return batch;
      }
      Thread.sleep(100);
    }
    fail("batch " + id + " did not end: " + batch);
    return null;
  }

  @Test
  void concurrentBatchRespectsItsBoundAndRetriesOnlyTheFailedHosts() throws Exception {
    List<FakeLinuxHost> hosts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      hosts.add(host(FakeLinuxHost.builder(i % 2 == 0 ? LinuxDistro.DEBIAN12 : LinuxDistro.ROCKY9)
          .stepDelay("install", Duration.ofMillis(400))));
    }
    hosts.get(3).failStep("install", StepReply.dnfNoMatch("1.5.1"));
    List<JsonObject> progress = new CopyOnWriteArrayList<>();
    var consumer = iris.app.vertx().eventBus().<JsonObject>consumer(EventAddress.LIVE_ENROLLMENT.address(), m -> progress.add(m.body()));
    JsonArray rows = new JsonArray();
    for (int i = 0; i < hosts.size(); i++) {
      rows.add(row(hosts.get(i), "batch-" + i));
    }
    Http.Response r = iris.api("POST", "/api/v1/hosts/enrollments/batch", new JsonObject().put("strategy", "concurrent")
        .put("concurrency", 2).put("hosts", rows).encode());
    assertEquals(202, r.status(), r.body());
    long batchId = r.json().getLong("id");
    JsonObject batch = awaitBatch(batchId);
    consumer.unregister();

    assertEquals("failed", batch.getString("state"), batch.encodePrettily());
    assertEquals(4, batch.getJsonObject("counts").getInteger("succeeded"));
    assertEquals(1, batch.getJsonObject("counts").getInteger("failed"));
    JsonObject failedRow = batch.getJsonArray("jobs").getJsonObject(3);
    assertEquals(3, failedRow.getInteger("row"));
    assertTrue(failedRow.getString("error").startsWith("install: "), failedRow.encode());
    // Never more than two at once: the install steps (400 ms each) of this batch never overlap by three.
    assertTrue(maxRunningAtOnce(batch) <= 2, "bound exceeded: " + batch.encodePrettily());
    // Progress reached the dashboard address: every step of every job, with percentages.
    assertTrue(progress.stream().anyMatch(p -> "install".equals(p.getString("step")) && "running".equals(p.getString("state"))
        && Long.valueOf(batchId).equals(p.getLong("batch_id")) && p.getInteger("percent") == 50), progress.toString());
    assertTrue(progress.stream().anyMatch(p -> "done".equals(p.getString("step")) && "failed".equals(p.getString("state"))));

    hosts.get(3).clearFailures();
    int scriptsBefore = hosts.get(0).scripts().size();
    Http.Response retry = iris.api("POST", "/api/v1/hosts/enrollments/batch/" + batchId + "/retry", null);
    assertEquals(202, retry.status(), retry.body());
    assertEquals(1, retry.json().getInteger("retried"));
    JsonObject again = awaitBatch(batchId);
    assertEquals("succeeded", again.getString("state"), again.encodePrettily());
    assertEquals(5, again.getJsonObject("counts").getInteger("succeeded"));
    assertEquals(scriptsBefore, hosts.get(0).scripts().size(), "hosts that succeeded are not touched again");
  }

  /** The most jobs whose [started, finished] intervals overlap at one instant. */
  private static int maxRunningAtOnce(JsonObject batch) {
    List<long[]> spans = new ArrayList<>();
    for (Object o : batch.getJsonArray("jobs")) {
      JsonObject job = (JsonObject) o;
      spans.add(new long[] {java.time.Instant.parse(job.getString("started_at")).toEpochMilli(),
          java.time.Instant.parse(job.getString("finished_at")).toEpochMilli()});
    }
    int max = 0;
    for (long[] s : spans) {
      int overlapping = (int) spans.stream().filter(o -> o[0] <= s[0] && s[0] < o[1]).count();
      max = Math.max(max, overlapping);
    }
    return max;
  }

  @Test
  void csvAndYamlUploadsAndTheirTemplates() throws Exception {
    FakeLinuxHost a = host(FakeLinuxHost.builder(LinuxDistro.SUSE15));
    FakeLinuxHost b = host(FakeLinuxHost.builder(LinuxDistro.UBUNTU2404).services(HostService.NGINX));
    String csv = "address,port,username,password,host_key_fingerprint,environment,hostname,labels\n"
        + "127.0.0.1," + a.port() + ",deploy,s3cret," + a.hostKeyFingerprint() + ",staging,csv-a,team=ops;rack=r1\n"
        + "127.0.0.1," + b.port() + ",deploy,s3cret," + b.hostKeyFingerprint() + ",staging,csv-b,\n";
    Multipart upload = new Multipart().field("strategy", "sequential").file("file", "hosts.csv", csv);
    Http.Response r = iris.http.post("/api/v1/hosts/enrollments/batch", upload.body(), upload.headers(TestIris.ADMIN_KEY));
    assertEquals(202, r.status(), r.body());
    assertEquals(1, r.json().getInteger("concurrency"), "sequential runs one at a time");
    JsonObject batch = awaitBatch(r.json().getLong("id"));
    assertEquals("succeeded", batch.getString("state"), batch.encodePrettily());
    JsonObject first = batch.getJsonArray("jobs").getJsonObject(0);
    JsonObject second = batch.getJsonArray("jobs").getJsonObject(1);
    assertTrue(first.getString("finished_at").compareTo(second.getString("started_at")) <= 0, "sequential: row 0 ends before row 1");
    assertEquals("r1", first.getJsonObject("request").getJsonObject("labels").getString("rack"));

    // A YAML file validates every row before anything starts: a bad second row rejects the whole batch.
    FakeLinuxHost c = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12));
    String yaml = "strategy: concurrent\nhosts:\n"
        + "  - {address: 127.0.0.1, port: " + c.port() + ", username: deploy, auth: {password: s3cret}, environment: prod}\n"
        + "  - {address: 127.0.0.1, port: 1, username: deploy, auth: {}, environment: prod}\n";
    Multipart bad = new Multipart().file("file", "hosts.yaml", yaml);
    Http.Response rejected = iris.http.post("/api/v1/hosts/enrollments/batch", bad.body(), bad.headers(TestIris.ADMIN_KEY));
    assertEquals(400, rejected.status(), rejected.body());
    assertEquals("rows[1].auth", rejected.json().getString("field"));
    assertTrue(c.scripts().isEmpty(), "nothing started");

    for (String format : List.of("csv", "json", "yaml")) {
      Http.Response template = iris.api("GET", "/api/v1/hosts/enrollments/batch/template?format=" + format, null);
      assertEquals(200, template.status());
      assertTrue(template.body().contains("10.0.10.21"), template.body());
    }
    assertEquals(400, iris.api("GET", "/api/v1/hosts/enrollments/batch/template?format=xml", null).status());
  }

  @Test
  void alloyTemplatesAreVersionedPreviewedAndUsed() throws Exception {
    Http.Response builtIn = iris.api("GET", "/api/v1/alloy/templates/node", null);
    assertEquals("built-in", builtIn.json().getString("source"));
    assertTrue(builtIn.json().getString("body").contains("prometheus.exporter.unix"));

    Http.Response broken = iris.api("PUT", "/api/v1/alloy/templates/mysql", new JsonObject().put("body", "${host.nope.x}").encode());
    assertEquals(400, broken.status(), broken.body());
    assertTrue(broken.json().getString("message").contains("template mysql"), broken.body());
    Http.Response escape = iris.api("PUT", "/api/v1/alloy/templates/mysql",
        new JsonObject().put("body", "<#assign e = 'freemarker.template.utility.Execute'?new()>${e('id')}").encode());
    assertEquals(400, escape.status(), "templates cannot instantiate Java classes");

    String custom = "// custom mysql for ${host.hostname}\nprometheus.exporter.mysql \"mysql\" {\n  data_source_name = \"exporter@(127.0.0.1:3306)/\"\n}\n";
    Http.Response saved = iris.api("PUT", "/api/v1/alloy/templates/mysql", new JsonObject().put("body", custom).encode());
    assertEquals(200, saved.status(), saved.body());
    assertEquals(1, saved.json().getInteger("version"));

    Http.Response preview = iris.api("POST", "/api/v1/alloy/templates/mysql/preview", new JsonObject().put("hostname", "db-9")
        .put("os_family", "rhel").put("services", new JsonArray().add("mysql")).encode());
    assertEquals(200, preview.status(), preview.body());
    assertTrue(preview.json().getString("config").contains("// custom mysql for db-9"), preview.body());
    assertEquals(2, preview.json().getJsonArray("exporters").size());

    FakeLinuxHost db = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12).services(HostService.MARIADB));
    long id = iris.api("POST", "/api/v1/hosts/enrollments", row(db, "db-10").encode()).json().getLong("id");
    JsonObject job = EnrollmentIT.awaitJob(iris, id);
    assertEquals("succeeded", job.getString("state"), job.encodePrettily());
    assertTrue(db.lastScript("configure").contains("// custom mysql for db-10"), db.lastScript("configure"));
    assertEquals(2, iris.api("GET", "/api/v1/alloy/templates/mysql/versions", null).json().getJsonArray("items").size());
    assertEquals(404, iris.api("GET", "/api/v1/alloy/templates/oracle", null).status());
  }

  @Test
  void aQueuedJobSurvivesARestart() throws Exception {
    FakeLinuxHost host = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12));
    Map<String, String> node = env(Map.of("IRIS_DB_URL", TestPostgres.newDatabase(),
        "IRIS_DATA_DIR", Files.createTempDirectory("iris-restart").toString()));
    // Before the restart the node does not enroll: the job is accepted and stays queued.
    Map<String, String> before = new HashMap<>(node);
    before.put("IRIS_ROLES", "ingest");
    long id;
    try (TestIris first = TestIris.start(before)) {
      id = first.api("POST", "/api/v1/hosts/enrollments", row(host, "restart-1").encode()).json().getLong("id");
      assertEquals("queued", first.api("GET", "/api/v1/hosts/enrollments/" + id, null).json().getString("state"));
    }
    assertTrue(host.scripts().isEmpty());
    // After it (same database, same data directory and so the same sealing key) the job runs.
    try (TestIris second = TestIris.start(node)) {
      JsonObject job = EnrollmentIT.awaitJob(second, id);
      assertEquals("succeeded", job.getString("state"), job.encodePrettily());
    }
  }

  @Test
  void aPrometheusThatDoesNotAnswerDegradesReadinessWithoutFailingIt() throws Exception {
    Map<String, String> env = env(Map.of("IRIS_DB_URL", TestPostgres.newDatabase(),
        "IRIS_PROMETHEUS_INSTANCES", new JsonArray().add(new JsonObject().put("name", "gone")
            .put("url", "http://127.0.0.1:" + Ports.free()).put("targets_dir", targets.toString())).encode()));
    try (TestIris node = TestIris.start(env)) {
      Http.Response ready = node.http.get("/health/ready", Map.of());
      assertEquals(200, ready.status(), ready.body());
      JsonObject check = ready.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
          .filter(c -> "prometheus".equals(c.getString("id"))).findFirst().orElseThrow();
      assertEquals(true, check.getJsonObject("data").getBoolean("degraded"), check.encode());
      assertTrue(check.getJsonObject("data").getJsonObject("instances").getString("gone").startsWith("unreachable"), check.encode());
    }
  }
}
