package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeWinRm;
import iris.testing.Http;
import iris.testing.TestIris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Windows enrollment over WinRM, against a local server answering winrm4j's real WS-Management requests. */
class WindowsEnrollmentIT {
  private static final String DETECT = """
      ==> caption <==
      Microsoft Windows Server 2022 Datacenter
      ==> version <==
      10.0.20348
      ==> arch <==
      AMD64
      ==> hostname <==
      WIN-APP-01.corp.example
      ==> services <==
      Dhcp
      EventLog
      MSSQLSERVER
      W3SVC
      WinRM
      """;
  private static Path targets;
  private static TestIris iris;

  @BeforeAll
  static void start() throws Exception {
    targets = Files.createTempDirectory("iris-targets");
    iris = TestIris.start(Map.of("IRIS_ROLES", "ingest,enroll",
        "IRIS_PROMETHEUS_INSTANCES", new JsonArray().add(new JsonObject().put("name", "main").put("targets_dir", targets.toString()))
            .encode(),
        "IRIS_ENROLL_ALLOY_SOURCE", "mirror", "IRIS_ENROLL_ALLOY_MIRROR_URL", "http://mirror.corp.example/alloy"));
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static FakeWinRm windowsHost(String admin) throws Exception {
    return new FakeWinRm("Administrator", "Pa55w.rd")
        .respond(s -> s.startsWith("# iris:prerequisites"), new CommandResult(0,
            "==> admin <==\n" + admin + "\n==> free <==\n48213\n==> reach <==\n200\n", ""))
        .respond(s -> s.startsWith("# iris:detect"), new CommandResult(0, DETECT, ""))
        .respondByDefault(new CommandResult(0, "ok\n", ""));
  }

  private static JsonObject request(FakeWinRm host) {
    return new JsonObject().put("address", "127.0.0.1").put("port", host.port()).put("os", "windows")
        .put("username", "Administrator").put("auth", new JsonObject().put("password", "Pa55w.rd"))
        .put("environment", "production").put("winrm", new JsonObject().put("auth", "basic"));
  }

  private static String script(FakeWinRm host, String step) {
    return host.scripts().stream().filter(s -> s.startsWith("# iris:" + step)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + step + " script in " + host.scripts()));
  }

  @Test
  void windowsServerGetsTheInstallerFirewallRuleAndWindowsExporter() throws Exception {
    try (FakeWinRm host = windowsHost("True")) {
      Http.Response r = iris.api("POST", "/api/v1/hosts/enrollments", request(host).encode());
      assertEquals(202, r.status(), r.body());
      JsonObject job = EnrollmentIT.awaitJob(iris, r.json().getLong("id"));
      assertEquals("succeeded", job.getString("state"), job.encodePrettily());
      assertEquals("windows", job.getJsonObject("facts").getString("os_family"));

      String install = script(host, "install");
      assertTrue(install.contains("Invoke-WebRequest -UseBasicParsing -Uri 'http://mirror.corp.example/alloy/alloy-installer-windows-amd64.exe'"), install);
      assertTrue(install.contains("'/S', '/D=C:\\Program Files\\GrafanaLabs\\Alloy'"), install);
      String configure = script(host, "configure");
      assertTrue(configure.contains("alloy-windows-amd64.exe' fmt"), configure);
      assertTrue(configure.contains("'--server.http.listen-addr=0.0.0.0:12345'"), configure);
      assertTrue(script(host, "firewall").contains("New-NetFirewallRule -DisplayName 'Grafana Alloy (Iris)' -Direction Inbound -Protocol TCP -LocalPort 12345"));
      assertTrue(script(host, "start").contains("Restart-Service -Name Alloy"));

      long hostId = job.getLong("host_id");
      JsonArray file = new JsonArray(Files.readString(targets.resolve("iris-host-" + hostId + ".json")));
      JsonObject labels = file.getJsonObject(0).getJsonObject("labels");
      assertEquals("windows", labels.getString("job"));
      assertEquals("WIN-APP-01.corp.example", labels.getString("hostname"));
      assertEquals("/api/v0/component/prometheus.exporter.windows.default/metrics", labels.getString("__metrics_path__"));
      // The config Iris rendered enables the IIS and SQL Server collectors it detected.
      String config = new String(java.util.Base64.getDecoder().decode(
          configure.replaceAll("(?s).*FromBase64String\\('([^']+)'\\).*", "$1")));
      assertTrue(config.contains("\"iis\"") && config.contains("\"mssql\""), config);
      assertEquals("Microsoft Windows Server 2022 Datacenter", iris.api("GET", "/api/v1/hosts/" + hostId, null).json().getString("os"));
    }
  }

  @Test
  void aNonAdministratorIsToldSoBeforeAnythingChanges() throws Exception {
    try (FakeWinRm host = windowsHost("False")) {
      JsonObject job = EnrollmentIT.awaitJob(iris, iris.api("POST", "/api/v1/hosts/enrollments", request(host).encode()).json()
          .getLong("id"));
      assertEquals("failed", job.getString("state"));
      assertTrue(job.getString("error").startsWith("prerequisites: the account is not an administrator"), job.getString("error"));
      assertTrue(host.scripts().stream().noneMatch(s -> s.startsWith("# iris:install")), host.scripts().toString());
    }
  }

  @Test
  void aWrongPasswordFailsTheConnection() throws Exception {
    try (FakeWinRm host = windowsHost("True")) {
      JsonObject job = EnrollmentIT.awaitJob(iris, iris.api("POST", "/api/v1/hosts/enrollments",
          request(host).put("auth", new JsonObject().put("password", "wrong")).encode()).json().getLong("id"));
      assertEquals("failed", job.getString("state"));
      assertTrue(job.getString("error").startsWith("connect: "), job.getString("error"));
      assertTrue(job.getString("error").toLowerCase().contains("password") || job.getString("error").contains("401"),
          job.getString("error"));
    }
  }
}
