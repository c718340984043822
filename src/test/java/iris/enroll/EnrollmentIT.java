package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeLinuxHost;
import iris.testing.FakeTeams;
import iris.testing.HostService;
import iris.testing.Http;
import iris.testing.LinuxDistro;
import iris.testing.Sql;
import iris.testing.SshTestKeys;
import iris.testing.StepReply;
import iris.testing.TestIris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Enrollment through the REST API against in-process SSH servers playing Debian, RHEL and SUSE
 * hosts: what Iris sends each family, what it records, and how each step's failure reads.
 */
class EnrollmentIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final SshTestKeys.ClientKey KEY = SshTestKeys.generate(SshTestKeys.Type.ED25519);
  private static Path targets;
  private static Path knownHosts;
  private static TestIris iris;
  private static FakeTeams teams;
  private static final List<FakeLinuxHost> HOSTS = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    targets = Files.createTempDirectory("iris-targets");
    knownHosts = Files.createTempDirectory("iris-ssh").resolve("known_hosts");
    teams = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_ROLES", "ingest,enroll,notify",
        "IRIS_PROMETHEUS_INSTANCES", new JsonArray().add(new JsonObject().put("name", "main").put("targets_dir", targets.toString()))
            .encode(),
        "IRIS_ENROLL_KNOWN_HOSTS", knownHosts.toString(),
        "IRIS_ENROLL_ALLOY_READY_TIMEOUT_SECONDS", "5"));
    iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "alice").put("email", "alice@example.org")
        .put("channels", new JsonArray().add("teams")).put("teams_webhook_url", teams.webhookUrl("alice")).encode());
    iris.api("POST", "/api/v1/services", new JsonObject().put("name", "shop").encode());
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
    for (FakeLinuxHost host : HOSTS) {
      host.close();
    }
  }

  private static FakeLinuxHost host(FakeLinuxHost.Builder builder) {
    FakeLinuxHost host = builder.authorizedKey("deploy", KEY.keyPair().getPublic()).password("deploy", "s3cret").start();
    HOSTS.add(host);
    return host;
  }

  private static JsonObject request(FakeLinuxHost host) {
    return new JsonObject().put("address", FakeLinuxHost.ADDRESS).put("port", host.port()).put("os", "linux")
        .put("username", "deploy").put("auth", new JsonObject().put("private_key", KEY.openSshPrivateKey()))
        .put("host_key_fingerprint", host.hostKeyFingerprint()).put("environment", "production");
  }

  private static long submit(JsonObject request) {
    Http.Response r = iris.api("POST", "/api/v1/hosts/enrollments", request.encode());
    assertEquals(202, r.status(), r.body());
    return r.json().getLong("id");
  }

  /** Polls the job until it ends. */
  static JsonObject awaitJob(TestIris iris, long id) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    JsonObject job = null;
    while (System.nanoTime() < end) {
      job = iris.api("GET", "/api/v1/hosts/enrollments/" + id, null).json();
      if (List.of("succeeded", "failed").contains(job.getString("state"))) {
        return job;
      }
      Thread.sleep(100);
    }
    fail("job " + id + " did not end: " + job);
    return null;
  }

  private static FakeTeams.Post awaitCard(String title) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      for (FakeTeams.Post post : teams.posts()) {
        if (post.raw().contains(title)) {
          return post;
        }
      }
      Thread.sleep(50);
    }
    fail("no card titled " + title + " among " + teams.posts().size() + " posts");
    return null;
  }

  private static JsonObject step(JsonObject job, String name) {
    for (Object s : job.getJsonArray("steps")) {
      if (((JsonObject) s).getString("name").equals(name)) {
        return (JsonObject) s;
      }
    }
    fail("no step " + name + " in " + job.encodePrettily());
    return null;
  }

  private static List<String> stepNames(JsonObject job) {
    return job.getJsonArray("steps").stream().map(s -> ((JsonObject) s).getString("name") + ":" + ((JsonObject) s).getString("state"))
        .toList();
  }

  @Test
  void debianHostWithNginxAndPostgresqlBecomesATarget() throws Exception {
    FakeLinuxHost debian = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12).services(HostService.NGINX, HostService.POSTGRESQL)
        .notRoot(true).firewall("ufw active"));
    JsonObject job = awaitJob(iris, submit(request(debian).put("hostname", "web-01").put("services", new JsonArray().add("shop"))
        .put("maintainers", new JsonArray().add("alice")).put("labels", new JsonObject().put("team", "web"))));

    assertEquals("succeeded", job.getString("state"), job.encodePrettily());
    assertEquals(List.of("connect:succeeded", "prerequisites:succeeded", "detect:succeeded", "install:succeeded",
        "configure:succeeded", "firewall:succeeded", "start:succeeded", "register:succeeded", "verify:skipped"), stepNames(job));
    assertEquals(debian.hostKeyFingerprint(), job.getString("host_key"));
    assertEquals("debian", job.getJsonObject("facts").getString("os_family"));
    assertFalse(job.encode().contains("PRIVATE KEY"), "the credential never comes back");

    // A non-root account: privileged steps go through sudo; Debian gets apt and the pinned version.
    String install = debian.lastScript("install");
    assertTrue(install.contains("sudo -n sh -s"), install);
    assertTrue(install.contains("apt-get install -y -q --allow-downgrades alloy=1.5.1"), install);
    String configure = debian.lastScript("configure");
    assertTrue(configure.contains("prometheus.exporter.unix \"default\""), configure);
    assertTrue(configure.contains("prometheus.exporter.postgres \"postgresql\""), configure);
    assertTrue(configure.contains("prometheus.exporter.process \"nginx\""), configure);
    assertTrue(configure.contains("alloy fmt"), configure);
    assertTrue(configure.contains("envf=/etc/default/alloy"), configure);
    assertTrue(configure.contains("grep -v -E '^(CONFIG_FILE|CUSTOM_ARGS|RESTART_ON_UPGRADE)="), "an operator's lines stay");
    assertTrue(configure.contains("CUSTOM_ARGS=\"--server.http.listen-addr=0.0.0.0:12345\""), configure);
    // The environment file may hold DSNs: never world-readable, not even while it is written.
    assertTrue(configure.contains("umask 077\ngrep -v -E"), configure);
    assertTrue(configure.contains("chown root:alloy \"$envf.iris\" && chmod 0640 \"$envf.iris\""), configure);
    assertTrue(configure.contains("chmod 0600 \"$envf.iris\""), configure);
    assertFalse(configure.contains("chmod 0644 \"$envf"), configure);
    assertTrue(debian.lastScript("firewall").contains("ufw allow 12345/tcp"), debian.lastScript("firewall"));

    long hostId = job.getLong("host_id");
    JsonArray file = new JsonArray(Files.readString(targets.resolve("iris-host-" + hostId + ".json")));
    assertEquals(3, file.size(), file.encodePrettily());
    JsonObject node = file.getJsonObject(0).getJsonObject("labels");
    assertEquals("web-01", node.getString("hostname"));
    assertEquals("node", node.getString("job"));
    assertEquals("production", node.getString("environment"));
    assertEquals(String.valueOf(hostId), node.getString("host_id"));
    assertEquals("web", node.getString("team"));
    assertEquals("/api/v0/component/prometheus.exporter.unix.default/metrics", node.getString("__metrics_path__"));
    assertEquals("nginx", file.getJsonObject(1).getJsonObject("labels").getString("service_type"));
    assertEquals("postgresql", file.getJsonObject(2).getJsonObject("labels").getString("service_type"));
    assertEquals("127.0.0.1:12345", file.getJsonObject(0).getJsonArray("targets").getString(0));

    JsonObject registered = iris.api("GET", "/api/v1/hosts/" + hostId, null).json();
    assertNotNull(registered.getString("enrolled_at"));
    assertEquals("1.5.1", registered.getString("alloy_version"));
    assertEquals(new JsonArray().add("shop"), registered.getJsonArray("services"));
    assertEquals(new JsonArray().add("alice"), registered.getJsonArray("maintainers"));
    assertEquals("12", registered.getString("os_version"));
    // Alice maintains the host: she hears of it in Teams, on a card that passes the shape check.
    FakeTeams.Post card = awaitCard("Enrollment of web-01 succeeded");
    assertTrue(card.shapeProblems().isEmpty(), card.shapeProblems().toString());
    assertTrue(card.path().contains("alice"), card.path());
    String metrics = iris.http.get("/metrics", Map.of()).body();
    assertTrue(metrics.contains("iris_enrollment_job_duration_seconds_count{kind=\"enroll\",state=\"succeeded\"}"), metrics);
    // Sealed at rest: the job row holds no key text.
    assertEquals(0, Sql.count(iris.env.get("IRIS_DB_URL"), "SELECT count(*) FROM enrollment_jobs WHERE request::text LIKE '%PRIVATE KEY%'"
        + " OR encode(sealed_auth, 'escape') LIKE '%PRIVATE KEY%'"));
  }

  @Test
  void rhelAndSuseGetTheirPackageManagersAndFirewalld() throws Exception {
    FakeLinuxHost rocky = host(FakeLinuxHost.builder(LinuxDistro.ROCKY9).services(HostService.MYSQL));
    FakeLinuxHost suse = host(FakeLinuxHost.builder(LinuxDistro.SUSE15));
    // Rocky: password login, host key trusted on first use and remembered in known_hosts.
    JsonObject first = awaitJob(iris, submit(request(rocky).put("hostname", "db-01").putNull("host_key_fingerprint")
        .put("trust_on_first_use", true).put("auth", new JsonObject().put("password", "s3cret"))));
    JsonObject second = awaitJob(iris, submit(request(suse).put("hostname", "app-01")));
    assertEquals("succeeded", first.getString("state"), first.encodePrettily());
    assertEquals("succeeded", second.getString("state"), second.encodePrettily());
    assertTrue(step(first, "connect").getString("output").contains("trusted on first use"), first.encodePrettily());
    assertTrue(Files.readString(knownHosts).contains(rocky.hostKeyFingerprint().isEmpty() ? "x" : "[127.0.0.1]:" + rocky.port()));

    assertTrue(rocky.lastScript("install").contains("$pm install -y alloy-1.5.1"), rocky.lastScript("install"));
    assertTrue(rocky.lastScript("install").contains("baseurl=https://rpm.grafana.com"));
    assertTrue(rocky.lastScript("configure").contains("envf=/etc/sysconfig/alloy"));
    assertTrue(rocky.lastScript("configure").contains("prometheus.exporter.mysql \"mysql\""));
    assertTrue(rocky.lastScript("firewall").contains("firewall-cmd --permanent --add-port=12345/tcp"), rocky.lastScript("firewall"));
    assertFalse(rocky.lastScript("install").contains("sudo"), "root needs no sudo");

    assertTrue(suse.lastScript("install").contains("zypper --non-interactive install -y --from grafana alloy-1.5.1"));
    assertTrue(suse.lastScript("configure").contains("envf=/etc/sysconfig/alloy"));
  }

  @Test
  void eachFailingStepIsNamedWithWhy() throws Exception {
    FakeLinuxHost wrongKey = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12));
    JsonObject rejected = awaitJob(iris, submit(request(wrongKey)
        .put("host_key_fingerprint", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8")));
    assertEquals("failed", rejected.getString("state"));
    assertTrue(rejected.getString("error").startsWith("connect: "), rejected.getString("error"));
    assertTrue(rejected.getString("error").contains(wrongKey.hostKeyFingerprint()), rejected.getString("error"));
    assertTrue(wrongKey.scripts().isEmpty(), "nothing ran on a host whose key did not match");

    FakeLinuxHost badPassword = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12));
    JsonObject refused = awaitJob(iris, submit(request(badPassword).put("auth", new JsonObject().put("password", "wrong"))));
    assertTrue(refused.getString("error").startsWith("connect: "), refused.getString("error"));
    assertFalse(refused.encode().contains("wrong\""), "the password is not echoed");

    FakeLinuxHost container = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12).noSystemd().lowDisk());
    JsonObject unfit = awaitJob(iris, submit(request(container)));
    assertTrue(unfit.getString("error").startsWith("prerequisites: "), unfit.getString("error"));
    assertTrue(unfit.getString("error").contains("systemd is not managing this host"), unfit.getString("error"));
    assertTrue(unfit.getString("error").contains("MiB free under /var/lib"), unfit.getString("error"));
    assertEquals(List.of("prerequisites"), container.steps(), "nothing was changed on an unfit host");

    FakeLinuxHost noPackage = host(FakeLinuxHost.builder(LinuxDistro.UBUNTU2404).failStep("install", StepReply.aptVersionNotFound("1.5.1")));
    JsonObject install = awaitJob(iris, submit(request(noPackage)));
    assertTrue(install.getString("error").startsWith("install: installing Alloy 1.5.1 with apt failed (exit 100)"), install.getString("error"));
    assertTrue(step(install, "install").getString("output").contains("1.5.1"), install.encodePrettily());

    FakeLinuxHost badConfig = host(FakeLinuxHost.builder(LinuxDistro.RHEL9).failStep("configure", StepReply.alloyFmtError()));
    JsonObject configure = awaitJob(iris, submit(request(badConfig).put("hostname", "cfg-01").put("maintainers", new JsonArray().add("alice"))));
    String failedCard = awaitCard("Enrollment of cfg-01 failed").raw();
    assertTrue(failedCard.contains("Attention") && failedCard.contains("configure: config.alloy was not written"), failedCard);
    assertTrue(configure.getString("error").startsWith("configure: config.alloy was not written"), configure.getString("error"));
    assertFalse(badConfig.steps().contains("start"), "a config alloy fmt refused is never started");
  }

  @Test
  void oneJobPerHostAtATimeAndBadRequestsNameTheField() throws Exception {
    FakeLinuxHost slow = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12).stepDelay("prerequisites", Duration.ofSeconds(2)));
    long first = submit(request(slow));
    Http.Response again = iris.api("POST", "/api/v1/hosts/enrollments", request(slow).encode());
    assertEquals(409, again.status(), again.body());
    assertEquals("succeeded", awaitJob(iris, first).getString("state"));

    Http.Response unknown = iris.api("POST", "/api/v1/hosts/enrollments", request(slow).put("services", new JsonArray().add("nope")).encode());
    assertEquals(400, unknown.status());
    assertEquals("services", unknown.json().getString("field"));
    Http.Response noAuth = iris.api("POST", "/api/v1/hosts/enrollments", request(slow).put("auth", new JsonObject()).encode());
    assertEquals("auth", noAuth.json().getString("field"));
    Http.Response prometheus = iris.api("POST", "/api/v1/hosts/enrollments", request(slow).put("prometheus", "other").encode());
    assertEquals("prometheus", prometheus.json().getString("field"));
    Http.Response keyFile = iris.api("POST", "/api/v1/hosts/enrollments",
        request(slow).put("auth", new JsonObject().put("private_key_path", "../../etc/shadow")).encode());
    assertEquals(400, keyFile.status());
    assertEquals("auth.private_key_path", keyFile.json().getString("field"));
    Http.Response mirror = iris.api("POST", "/api/v1/hosts/enrollments", request(slow).put("alloy_source", "mirror").encode());
    assertEquals("alloy_source", mirror.json().getString("field"));
  }

  @Test
  void uploadSourceCopiesThePackageFromTheArtifactCache() throws Exception {
    Path artifacts = Path.of(iris.env.get("IRIS_DATA_DIR")).resolve("artifacts");
    Files.createDirectories(artifacts);
    byte[] rpm = "stand-in rpm".getBytes();
    Files.write(artifacts.resolve("alloy-1.5.1-1.amd64.rpm"), rpm);
    FakeLinuxHost offline = host(FakeLinuxHost.builder(LinuxDistro.RHEL9).packageSourceUnreachable());
    JsonObject job = awaitJob(iris, submit(request(offline).put("alloy_source", "upload")));
    assertEquals("succeeded", job.getString("state"), job.encodePrettily());
    // Into the account's home (no other user can plant a file there), installed from there.
    assertEquals(java.util.Set.of(".iris-alloy-package.rpm"), offline.uploads().keySet().stream()
        .map(path -> path.replaceFirst("^/", "")).collect(java.util.stream.Collectors.toSet()));
    assertEquals(new String(rpm), new String(offline.uploads().values().iterator().next()));
    String install = offline.lastScript("install");
    assertTrue(install.contains("pkg=\"${1:-$HOME}/.iris-alloy-package.rpm\"") && install.contains("install -y \"$pkg\""), install);

    FakeLinuxHost unreachable = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12).packageSourceUnreachable());
    JsonObject failed = awaitJob(iris, submit(request(unreachable)));
    assertTrue(failed.getString("error").contains("cannot reach the package source"), failed.getString("error"));
  }

  @Test
  void aHostnameAnotherAddressHoldsIsNotTakenOverUnlessReplaceIsAsked() throws Exception {
    Http.Response held = iris.api("POST", "/api/v1/hosts", new JsonObject().put("hostname", "dup-01").put("address", "10.0.0.9").encode());
    assertEquals(201, held.status(), held.body());
    long victim = held.json().getLong("id");
    Path victimFile = targets.resolve("iris-host-" + victim + ".json");

    // Named in the request: refused before a job exists.
    FakeLinuxHost impostor = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12).hostname("dup-01"));
    Http.Response refused = iris.api("POST", "/api/v1/hosts/enrollments", request(impostor).put("hostname", "dup-01").encode());
    assertEquals(409, refused.status(), refused.body());
    assertEquals("hostname_taken", refused.json().getString("error"));
    assertTrue(refused.json().getString("message").contains("host " + victim + " at 10.0.0.9"), refused.body());

    // Reported by the host itself: the job fails at register and the other host keeps its record.
    JsonObject failed = awaitJob(iris, submit(request(impostor)));
    assertEquals("failed", failed.getString("state"), failed.encodePrettily());
    assertEquals("failed", step(failed, "register").getString("state"));
    assertTrue(failed.getString("error").startsWith("register: hostname dup-01 already belongs to host " + victim + " at 10.0.0.9"),
        failed.getString("error"));
    assertTrue(failed.getString("error").contains("\"replace\": true"), failed.getString("error"));
    JsonObject kept = iris.api("GET", "/api/v1/hosts/" + victim, null).json();
    assertEquals("10.0.0.9", kept.getString("address"));
    assertEquals(null, kept.getString("enrolled_at"));
    assertFalse(Files.exists(victimFile), "no file_sd target for the other host's id");

    // Asked for: the record and its target move to the new address.
    JsonObject replaced = awaitJob(iris, submit(request(impostor).put("hostname", "dup-01").put("replace", true)));
    assertEquals("succeeded", replaced.getString("state"), replaced.encodePrettily());
    assertEquals(victim, replaced.getLong("host_id"));
    assertEquals(FakeLinuxHost.ADDRESS, iris.api("GET", "/api/v1/hosts/" + victim, null).json().getString("address"));
    assertTrue(Files.readString(victimFile).contains(FakeLinuxHost.ADDRESS + ":12345"), Files.readString(victimFile));
  }

  @Test
  void unenrollRemovesTargetsStopsTheAgentAndForgetsTheHost() throws Exception {
    FakeLinuxHost debian = host(FakeLinuxHost.builder(LinuxDistro.DEBIAN12));
    JsonObject job = awaitJob(iris, submit(request(debian).put("hostname", "gone-01")));
    long hostId = job.getLong("host_id");
    Path file = targets.resolve("iris-host-" + hostId + ".json");
    assertTrue(Files.exists(file));

    Http.Response r = iris.api("DELETE", "/api/v1/hosts/" + hostId + "?stop_agent=true", null);
    assertEquals(202, r.status(), r.body());
    JsonObject unenroll = awaitJob(iris, r.json().getLong("id"));
    assertEquals("succeeded", unenroll.getString("state"), unenroll.encodePrettily());
    assertFalse(Files.exists(file));
    assertTrue(debian.lastScript("unenroll").contains("systemctl disable --now alloy"));
    assertEquals(404, iris.api("GET", "/api/v1/hosts/" + hostId, null).status());

    // A host never enrolled is deleted by the registry as before.
    long plain = iris.api("POST", "/api/v1/hosts", new JsonObject().put("hostname", "by-hand").encode()).json().getLong("id");
    assertEquals(204, iris.api("DELETE", "/api/v1/hosts/" + plain, null).status());
  }
}
