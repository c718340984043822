package iris.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.Ports;
import iris.testing.SshTestKeys;
import iris.testing.TestIris;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A real enrollment of this machine, over loopback only: Debian's OpenSSH server plays the host
 * (a dedicated account with password-less sudo), the test's HTTP server plays the internal
 * package mirror, Debian's Prometheus scrapes what Iris registers, and Iris drives every step
 * from connect to verify, then unenrolls the host and stops its agent.
 *
 * <p>Two things are stand-ins, both installed by the test and removed after it: the {@code alloy}
 * package (built here with {@code dpkg-deb}; its {@code /usr/bin/alloy} checks configs like
 * {@code alloy fmt} and serves the exporter components of the config from Debian's
 * prometheus-node-exporter) and, where systemd does not manage the machine (a container),
 * {@code systemctl} in /usr/local/bin, which runs the alloy service the way alloy.service does.
 * Needs root (it adds an account, a sudoers file and a package) and Debian's openssh-server,
 * prometheus, prometheus-node-exporter, sudo, curl, python3 and dpkg-deb (.ci/run installs them).
 */
class EnrollmentE2EIT {
  private static final String USER = "iris-e2e";
  private static final String VERSION = "1.5.1";
  private static final Path SUDOERS = Path.of("/etc/sudoers.d/iris-e2e-enrollment");
  private static final Path SYSTEMCTL = Path.of("/usr/local/bin/systemctl");
  private static final Path AGENT_PID = Path.of("/run/iris-e2e-alloy.pid");
  private static final Path AGENT_LOG = Path.of("/run/iris-e2e-alloy.log");
  private static final List<String> BINARIES = List.of("/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/prometheus",
      "/usr/bin/prometheus-node-exporter", "/usr/bin/sudo", "/usr/bin/curl", "/usr/bin/python3", "/usr/bin/dpkg-deb");
  private static final List<String> STEPS = List.of("connect", "prerequisites", "detect", "install", "configure", "firewall",
      "start", "register", "verify");

  /** Undone in reverse order, each whatever the others do. */
  private final Deque<Cleanup> cleanups = new ArrayDeque<>();
  private final List<Path> logs = new ArrayList<>();

  private interface Cleanup {
    void run() throws Exception;
  }

  @Test
  void aRealHostIsEnrolledScrapedByPrometheusAndUnenrolled() throws Exception {
    assumeTrue("0".equals(run("id", "-u").strip()), "needs root: it adds an account, a sudoers file and a package");
    for (String binary : BINARIES) {
      assertTrue(Files.isExecutable(Path.of(binary)), binary + " is missing: .ci/run installs what this test needs");
    }
    assertFalse(succeeds("dpkg-query", "-W", "alloy"), "a package named alloy is installed here: this test would replace it");
    Path dir = Files.createTempDirectory("iris-e2e-enroll");
    // sshd reads authorized_keys as the account it logs in.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    cleanups.push(() -> deleteTree(dir));
    try {
      String mirrorUrl = mirror(dir);
      int alloyPort = alloyPort();
      account();
      if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
        standInSystemctl();
      }
      SshTestKeys.ClientKey key = SshTestKeys.generate(SshTestKeys.Type.ED25519);
      int sshPort = Ports.free();
      String hostKey = sshd(dir, sshPort, key);
      Path targets = Files.createDirectories(dir.resolve("targets"));
      int promPort = Ports.free();
      prometheus(dir, promPort, targets);
      Http prom = new Http("http://127.0.0.1:" + promPort);

      TestIris iris = TestIris.start(Map.of(
          "IRIS_ROLES", "ingest,enroll",
          "IRIS_PROMETHEUS_INSTANCES", new JsonArray().add(new JsonObject().put("name", "e2e")
              .put("url", "http://127.0.0.1:" + promPort).put("targets_dir", targets.toString()).put("reload", true)).encode(),
          "IRIS_PROMETHEUS_VERIFY_TIMEOUT_SECONDS", "60",
          "IRIS_ENROLL_KNOWN_HOSTS", dir.resolve("known_hosts").toString(),
          "IRIS_ENROLL_ALLOY_SOURCE", "mirror",
          "IRIS_ENROLL_ALLOY_MIRROR_URL", mirrorUrl,
          "IRIS_ENROLL_ALLOY_VERSION", VERSION,
          "IRIS_ENROLL_ALLOY_PORT", Integer.toString(alloyPort),
          "IRIS_ENROLL_MIN_FREE_MB", "50"));
      cleanups.push(iris::close);

      // Enroll.
      JsonObject request = new JsonObject().put("address", "127.0.0.1").put("port", sshPort).put("os", "linux")
          .put("username", USER).put("auth", new JsonObject().put("private_key", key.openSshPrivateKey()))
          .put("host_key_fingerprint", hostKey).put("environment", "e2e").put("labels", new JsonObject().put("team", "sre"));
      Http.Response created = iris.api("POST", "/api/v1/hosts/enrollments", request.encode());
      assertEquals(202, created.status(), created.body());
      JsonObject job = awaitJob(iris, created.json().getLong("id"));
      System.out.println("enrollment:\n" + summary(job));
      assertEquals("succeeded", job.getString("state"), describe(job));
      assertEquals(STEPS.stream().map(s -> s + ":succeeded").toList(), stepStates(job), describe(job));
      assertEquals(hostKey, job.getString("host_key"));
      assertTrue(step(job, "connect").contains("(verified)"), describe(job));
      assertTrue(step(job, "prerequisites").contains("sudo without password"), describe(job));
      assertEquals("debian", job.getJsonObject("facts").getString("os_family"), describe(job));
      assertTrue(step(job, "verify").contains("target(s) up"), describe(job));
      assertTrue(mirrorRequests.contains("/alloy/alloy-" + VERSION + "-1." + arch() + ".deb"), mirrorRequests.toString());
      assertEquals(VERSION, run("dpkg-query", "-W", "-f=${Version}", "alloy"));
      assertTrue(Files.readString(Path.of("/etc/default/alloy")).contains("--server.http.listen-addr=0.0.0.0:" + alloyPort));

      long hostId = job.getLong("host_id");
      String hostname = iris.api("GET", "/api/v1/hosts/" + hostId, null).json().getString("hostname");
      assertFalse(hostname == null || hostname.isBlank(), "the detected hostname is recorded");
      List<JsonObject> scraped = targets(prom, hostId);
      assertFalse(scraped.isEmpty(), "Prometheus has the host's targets");
      boolean node = false;
      for (JsonObject target : scraped) {
        JsonObject labels = target.getJsonObject("labels");
        assertEquals("up", target.getString("health"), target.encodePrettily());
        assertEquals(hostname, labels.getString("hostname"), target.encodePrettily());
        assertEquals("e2e", labels.getString("environment"), target.encodePrettily());
        assertEquals(labels.getString("service_type"), labels.getString("job"), target.encodePrettily());
        assertEquals("sre", labels.getString("team"), target.encodePrettily());
        assertEquals("127.0.0.1:" + alloyPort, labels.getString("instance"), target.encodePrettily());
        if ("node".equals(labels.getString("service_type"))) {
          node = true;
          assertEquals("http://127.0.0.1:" + alloyPort + "/api/v0/component/prometheus.exporter.unix.default/metrics",
              target.getString("scrapeUrl"));
        }
      }
      assertTrue(node, "a node target: " + scraped);

      // Unenroll, stopping the agent.
      Http.Response deleted = iris.api("DELETE", "/api/v1/hosts/" + hostId + "?stop_agent=true", null);
      assertEquals(202, deleted.status(), deleted.body());
      JsonObject unenroll = awaitJob(iris, deleted.json().getLong("id"));
      System.out.println("unenrollment:\n" + summary(unenroll));
      assertEquals("succeeded", unenroll.getString("state"), describe(unenroll));
      assertEquals(List.of("stop agent:succeeded", "remove targets:succeeded", "forget host:succeeded"), stepStates(unenroll),
          describe(unenroll));
      waitFor(() -> targets(prom, hostId).isEmpty(), "the host's targets gone from Prometheus");
      assertFalse(Files.exists(targets.resolve("iris-host-" + hostId + ".json")));
      assertFalse(listening(alloyPort), "nothing answers on the agent's port any more");
      String systemctl = Files.exists(SYSTEMCTL) ? SYSTEMCTL.toString() : "systemctl";
      assertFalse(succeeds(systemctl, "is-active", "alloy"), "the alloy service is stopped");
      assertFalse(succeeds(systemctl, "is-enabled", "alloy"), "the alloy service is disabled");
      assertFalse(Files.exists(AGENT_PID), "no agent process is left");
      assertEquals(404, iris.api("GET", "/api/v1/hosts/" + hostId, null).status());
    } catch (Throwable e) {
      for (Path log : logs) {
        if (Files.isReadable(log)) {
          String text = Files.readString(log);
          System.err.println("==== " + log + "\n" + text.substring(Math.max(0, text.length() - 8000)));
        }
      }
      throw e;
    } finally {
      List<Throwable> failures = new ArrayList<>();
      while (!cleanups.isEmpty()) {
        try {
          cleanups.pop().run();
        } catch (Throwable t) {
          failures.add(t);
        }
      }
      if (!failures.isEmpty()) {
        failures.forEach(Throwable::printStackTrace);
      }
    }
  }

  // ---- the package mirror and the stand-in package

  private final List<String> mirrorRequests = Collections.synchronizedList(new ArrayList<>());

  /** Builds the stand-in package and serves it under {@code /alloy/}; returns the mirror URL. */
  private String mirror(Path dir) throws Exception {
    Path root = dir.resolve("package");
    Path bin = Files.createDirectories(root.resolve("usr/bin"));
    Path lib = Files.createDirectories(root.resolve("usr/lib/alloy"));
    Path debian = Files.createDirectories(root.resolve("DEBIAN"));
    Files.writeString(debian.resolve("control"), """
        Package: alloy
        Version: %s
        Architecture: %s
        Maintainer: Iris end-to-end test <root@localhost>
        Depends: python3, prometheus-node-exporter
        Section: admin
        Priority: optional
        Description: stand-in for Grafana Alloy
         Built by Iris's end-to-end enrollment test; serves node-exporter metrics where Alloy would.
        """.formatted(VERSION, arch()));
    install(resource("alloy").replace("@VERSION@", VERSION), bin.resolve("alloy"), "rwxr-xr-x");
    install(resource("alloy-run.py"), lib.resolve("alloy-run.py"), "rw-r--r--");
    Path units = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
    install(resource("alloy.service"), units.resolve("alloy.service"), "rw-r--r--");
    Path files = Files.createDirectories(dir.resolve("mirror"));
    run("dpkg-deb", "--root-owner-group", "--build", root.toString(),
        files.resolve("alloy-" + VERSION + "-1." + arch() + ".deb").toString());
    cleanups.push(() -> {
      if (succeeds("dpkg-query", "-W", "alloy")) {
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
          succeeds("systemctl", "disable", "--now", "alloy");
        }
        run("dpkg", "--purge", "alloy");
      }
      deleteTree(Path.of("/etc/alloy"));
      Files.deleteIfExists(Path.of("/etc/default/alloy"));
      deleteTree(Path.of("/var/lib/alloy"));
    });

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      mirrorRequests.add(path);
      Path file = path.startsWith("/alloy/") ? files.resolve(path.substring("/alloy/".length())).normalize() : null;
      byte[] body;
      int status;
      if ("/alloy/".equals(path)) {
        status = 200;
        body = "alloy packages\n".getBytes(StandardCharsets.UTF_8);
      } else if (file != null && file.startsWith(files) && Files.isRegularFile(file)) {
        status = 200;
        body = Files.readAllBytes(file);
      } else {
        status = 404;
        body = "not found\n".getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    cleanups.push(() -> server.stop(0));
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/alloy";
  }

  /** Alloy's default port when it is free here, else any free one (Iris's enroll.alloy.port follows). */
  private static int alloyPort() {
    return listening(12345) ? Ports.free() : 12345;
  }

  // ---- the host: an account with password-less sudo, systemctl, sshd

  private void account() throws Exception {
    if (!succeeds("id", "-u", USER)) {
      run("useradd", "-m", "-s", "/bin/sh", USER);
    }
    // useradd leaves the password locked ('!'), and sshd without PAM refuses locked accounts even
    // for key logins; '*' allows no password either, but is not a lock.
    if (Files.readAllLines(Path.of("/etc/shadow")).stream().anyMatch(line -> line.startsWith(USER + ":!"))) {
      run("usermod", "-p", "*", USER);
    }
    Path temp = SUDOERS.resolveSibling(".iris-e2e-enrollment.tmp");
    Files.writeString(temp, USER + " ALL=(ALL:ALL) NOPASSWD: ALL\n");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r-----"));
    run("visudo", "-c", "-q", "-f", temp.toString());
    Files.move(temp, SUDOERS);
    cleanups.push(() -> Files.deleteIfExists(SUDOERS));
  }

  private void standInSystemctl() throws Exception {
    assertFalse(Files.exists(SYSTEMCTL), SYSTEMCTL + " exists: this test would replace it");
    cleanups.push(() -> {
      if (Files.exists(SYSTEMCTL)) {
        // Stops a stand-in agent left running by a failed run, then goes.
        new ProcessBuilder(SYSTEMCTL.toString(), "stop", "alloy").redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
        Files.deleteIfExists(SYSTEMCTL);
      }
      Files.deleteIfExists(Path.of("/run/iris-e2e-alloy.enabled"));
      Files.deleteIfExists(AGENT_LOG);
    });
    install(resource("systemctl"), SYSTEMCTL, "rwxr-xr-x");
    logs.add(AGENT_LOG);
  }

  /** Starts Debian's sshd on loopback with its own host key; returns the key's fingerprint. */
  private String sshd(Path dir, int port, SshTestKeys.ClientKey key) throws Exception {
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "iris-e2e-host", "-f", hostKey.toString());
    String fingerprint = run("ssh-keygen", "-l", "-E", "sha256", "-f", hostKey + ".pub").split("\\s+")[1];
    Path authorized = dir.resolve("authorized_keys");
    Files.writeString(authorized, key.publicKeyLine() + "\n");
    Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(Path.of("/run/sshd"));
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, """
        Port %d
        ListenAddress 127.0.0.1
        HostKey %s
        PidFile %s
        AuthorizedKeysFile %s
        UsePAM no
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin no
        AllowUsers %s
        StrictModes no
        Subsystem sftp internal-sftp
        LogLevel VERBOSE
        """.formatted(port, hostKey, dir.resolve("sshd.pid"), authorized, USER));
    run("/usr/sbin/sshd", "-t", "-f", config.toString());
    start(dir, "sshd", List.of("/usr/sbin/sshd", "-D", "-e", "-f", config.toString()));
    waitFor(() -> listening(port), "sshd listening on " + port);
    return fingerprint;
  }

  // ---- Prometheus

  private void prometheus(Path dir, int port, Path targets) throws Exception {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 2s
          scrape_timeout: 2s
        scrape_configs:
          - job_name: iris
            file_sd_configs:
              - files: ['%s/*.json']
                refresh_interval: 5s
        """.formatted(targets));
    start(dir, "prometheus", List.of("/usr/bin/prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port,
        "--web.enable-lifecycle"));
    Http prom = new Http("http://127.0.0.1:" + port);
    waitFor(() -> {
      try {
        return prom.get("/-/ready", Map.of()).status() == 200;
      } catch (RuntimeException e) {
        return false;
      }
    }, "Prometheus ready");
  }

  /** The active targets of a host, as Prometheus reports them. */
  private static List<JsonObject> targets(Http prom, long hostId) {
    Http.Response r = prom.get("/api/v1/targets?state=active", Map.of());
    assertEquals(200, r.status(), r.body());
    List<JsonObject> found = new ArrayList<>();
    for (Object t : r.json().getJsonObject("data").getJsonArray("activeTargets")) {
      JsonObject target = (JsonObject) t;
      if (String.valueOf(hostId).equals(target.getJsonObject("labels").getString("host_id"))) {
        found.add(target);
      }
    }
    return found;
  }

  // ---- jobs

  private static JsonObject awaitJob(TestIris iris, long id) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    JsonObject job = null;
    while (System.nanoTime() < end) {
      job = iris.api("GET", "/api/v1/hosts/enrollments/" + id, null).json();
      if (List.of("succeeded", "failed").contains(job.getString("state"))) {
        return job;
      }
      Thread.sleep(250);
    }
    fail("job " + id + " did not end: " + job);
    return null;
  }

  private static List<String> stepStates(JsonObject job) {
    return job.getJsonArray("steps").stream()
        .map(s -> ((JsonObject) s).getString("name") + ":" + ((JsonObject) s).getString("state")).toList();
  }

  private static String step(JsonObject job, String name) {
    for (Object s : job.getJsonArray("steps")) {
      if (((JsonObject) s).getString("name").equals(name)) {
        return String.valueOf(((JsonObject) s).getString("output"));
      }
    }
    return fail("no step " + name + " in " + describe(job));
  }

  /** One line per step: its name, state and the first line of its output. */
  private static String summary(JsonObject job) {
    StringBuilder text = new StringBuilder();
    for (Object s : job.getJsonArray("steps")) {
      JsonObject step = (JsonObject) s;
      String output = String.valueOf(step.getString("output")).strip();
      text.append("  ").append(step.getString("name")).append(": ").append(step.getString("state")).append(" - ")
          .append(output.lines().findFirst().orElse("")).append('\n');
    }
    return text.toString();
  }

  /** The job with each step's output, for failure messages. */
  private static String describe(JsonObject job) {
    return job.encodePrettily();
  }

  // ---- processes and files

  private void start(Path dir, String name, List<String> command) throws IOException {
    Path log = dir.resolve(name + ".log");
    logs.add(log);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    cleanups.push(() -> {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    });
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String arch() throws Exception {
    return run("dpkg", "--print-architecture").strip();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = EnrollmentE2EIT.class.getResourceAsStream("/e2e/enrollment/" + name)) {
      if (in == null) {
        throw new IOException("test resource e2e/enrollment/" + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void install(String content, Path file, String mode) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static boolean succeeds(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /** Runs a command to its end; its output, or an assertion error with it. */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (UncheckedIOException | AssertionError e) {
        // not yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out waiting for: " + what);
  }
}
