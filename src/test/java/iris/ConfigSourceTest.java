package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSourceTest {

  @Test
  void defaultsComeFromTheShippedFile() {
    IrisConfig c = IrisConfig.from(ConfigSource.load(null, Map.of()));
    assertEquals(8080, c.http().port());
    assertTrue(c.db().embedded());
    assertTrue(c.auth().enabled());
    assertEquals(64 * 1024 * 1024, c.webhook().maxBodyBytes());
    assertEquals(EnumSet.allOf(Role.class), c.roles());
    assertFalse(c.cluster().enabled());
  }

  @Test
  void fileThenEnvironmentOverride(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("iris.yaml");
    Files.writeString(file, "http:\n  port: 9000\nwebhook:\n  max_body_bytes: 2048\ncluster:\n  members: a:1,b:2\n");
    Path secret = dir.resolve("token");
    Files.writeString(secret, "s3cret\n");
    IrisConfig c = IrisConfig.from(ConfigSource.load(file, Map.of(
        "IRIS_HTTP_PORT", "9100", "IRIS_DB_URL", "postgresql://u:pw@db:5432/iris",
        "IRIS_WEBHOOK_TOKEN_FILE", secret.toString(), "IRIS_AUTH", "off")));
    assertEquals(9100, c.http().port(), "environment beats file");
    assertEquals(2048, c.webhook().maxBodyBytes(), "file beats defaults");
    assertEquals("s3cret", c.webhook().token(), "secrets may come from a _FILE");
    assertFalse(c.auth().enabled());
    assertEquals(List.of("a:1", "b:2"), c.cluster().members());
    assertFalse(c.toString().contains("s3cret"), "secrets never appear in logs");
    assertFalse(c.toString().contains(":pw@"), "database password never appears in logs");
  }

  @Test
  void badValuesNameTheKeyAndItsVariable(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    ConfigException port = assertThrows(ConfigException.class,
        () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_HTTP_PORT", "eighty"))));
    assertTrue(port.getMessage().startsWith("http.port (IRIS_HTTP_PORT)"), port.getMessage());
    ConfigException auth = assertThrows(ConfigException.class,
        () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_AUTH", "maybe"))));
    assertTrue(auth.getMessage().contains("IRIS_AUTH"));
    ConfigException roles = assertThrows(ConfigException.class,
        () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_ROLES", "ingest,cook"))));
    assertTrue(roles.getMessage().contains("cook"));
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "htp:\n  port: 1\n");
    ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigSource.load(file, Map.of()));
    assertEquals("unknown config key htp", unknown.getMessage());
  }

  @Test
  void commandLineSetsClusterAndRoles() {
    IrisConfig c = Iris.applyArguments(IrisConfig.from(ConfigSource.load(null, Map.of())),
        new String[] {"--cluster", "--roles", "ingest,schedule"});
    assertTrue(c.cluster().enabled());
    assertEquals(EnumSet.of(Role.INGEST, Role.SCHEDULE), c.roles());
    assertThrows(ConfigException.class, () -> Iris.applyArguments(c, new String[] {"--bogus"}));
  }

  @Test
  void prometheusInstancesAndEnrollmentSettings(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    IrisConfig defaults = IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_DATA_DIR", dir.toString())));
    assertEquals(1, defaults.prometheus().size());
    assertEquals(dir.resolve("prometheus-targets").resolve("default"), defaults.prometheus().get(0).targetsDir());
    assertEquals(dir.resolve("known_hosts"), defaults.enroll().knownHosts());
    assertEquals("1.5.1", defaults.enroll().alloy().version());

    Path file = dir.resolve("iris.yaml");
    Files.writeString(file, "prometheus:\n  instances:\n    - {name: prod, url: 'http://p:9090/', targets_dir: /t/prod, environments: [production]}\n"
        + "    - {name: rest, targets_dir: /t/rest}\n");
    IrisConfig c = IrisConfig.from(ConfigSource.load(file, Map.of("IRIS_ENROLL_SECRET_KEY", "c2VjcmV0")));
    assertEquals("http://p:9090", c.prometheus().get(0).url());
    assertEquals("prod", iris.prometheus.PrometheusInstance.forEnvironment(c.prometheus(), "production").name());
    assertEquals("rest", iris.prometheus.PrometheusInstance.forEnvironment(c.prometheus(), "staging").name());
    assertFalse(c.toString().contains("c2VjcmV0"), "the sealing key never appears in logs");

    ConfigException json = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_PROMETHEUS_INSTANCES", "[{\"name\":\"a\"},{\"name\":\"a\"}]"))));
    assertTrue(json.getMessage().contains("'a' is used twice"), json.getMessage());
    ConfigException cluster = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_CLUSTER_ENABLED", "on"))).validated());
    assertTrue(cluster.getMessage().startsWith("enroll.secret_key (IRIS_ENROLL_SECRET_KEY): required in a cluster"), cluster.getMessage());
    ConfigException mirror = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_ENROLL_ALLOY_SOURCE", "mirror"))));
    assertTrue(mirror.getMessage().startsWith("enroll.alloy.mirror_url (IRIS_ENROLL_ALLOY_MIRROR_URL)"), mirror.getMessage());
  }

  @Test
  void theSchedulerTimeZoneIsUtcUnlessAValidZoneIsGiven() {
    assertEquals(java.time.ZoneId.of("UTC"), IrisConfig.from(ConfigSource.load(null, Map.of())).schedule().timezone());
    assertEquals(java.time.ZoneId.of("Europe/Berlin"),
        IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_SCHEDULE_TIMEZONE", "Europe/Berlin"))).schedule().timezone());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_SCHEDULE_TIMEZONE", "Mars/Olympus"))));
    assertTrue(bad.getMessage().startsWith("schedule.timezone (IRIS_SCHEDULE_TIMEZONE): must be a time zone"), bad.getMessage());
  }

  @Test
  void aWebhookTokenThatIsNotSetIsGeneratedWhileAnEmptyOneOpensTheWebhook() {
    IrisConfig absent = IrisConfig.from(ConfigSource.load(null, Map.of()));
    assertTrue(absent.webhook().generateToken());
    IrisConfig empty = IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_WEBHOOK_TOKEN", "")));
    assertFalse(empty.webhook().generateToken());
    assertEquals("", empty.webhook().token());
    ConfigException cluster = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_CLUSTER_ENABLED", "on", "IRIS_ENROLL_SECRET_KEY", "c2VjcmV0"))).validated());
    assertTrue(cluster.getMessage().startsWith("webhook.token (IRIS_WEBHOOK_TOKEN): required in a cluster"), cluster.getMessage());
  }

  @Test
  void theConsolesPublicUrlIsAnAddressAndItsLinkKeyIsGeneratedUnlessSet(@org.junit.jupiter.api.io.TempDir Path dir) {
    IrisConfig defaults = IrisConfig.from(ConfigSource.load(null, Map.of()));
    assertEquals("", defaults.http().publicUrl(), "no public URL, no links in messages");
    assertTrue(defaults.console().generateLinkKey());
    assertEquals(java.time.Duration.ofHours(12), defaults.console().sessionTtl());
    assertEquals(java.time.Duration.ofHours(24), defaults.console().linkTtl());
    IrisConfig set = IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_HTTP_PUBLIC_URL", "https://iris.example.com/",
        "IRIS_CONSOLE_LINK_KEY", "k3y", "IRIS_CONSOLE_SESSION_TTL", "PT1H")));
    assertEquals("https://iris.example.com", set.http().publicUrl());
    assertFalse(set.console().generateLinkKey());
    assertFalse(set.toString().contains("k3y"), "the link key never appears in the logged config");
    for (String bad : new String[] {"iris.example.com", "https://iris.example.com/?x=1", "https://user:pw@iris.example.com"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_HTTP_PUBLIC_URL", bad))));
      assertTrue(e.getMessage().startsWith("http.public_url (IRIS_HTTP_PUBLIC_URL)"), e.getMessage());
    }
    IrisConfig generated = iris.console.LinkKeyBootstrap.resolve(IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_DATA_DIR", dir.toString()))));
    assertFalse(generated.console().linkKey().isEmpty());
    assertEquals(generated.console().linkKey(), iris.console.LinkKeyBootstrap.resolve(IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_DATA_DIR", dir.toString())))).console().linkKey(), "the generated key is kept for the next start");
  }

  @Test
  void theDefaultTeamsUrlMustBeHttpsToAPublicAddressUnlessInsecureUrlsAreAllowed() {
    ConfigException http = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", "http://teams.example.org/hook"))).validated());
    assertTrue(http.getMessage().startsWith("notify.default_teams_webhook_url (IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL): must be https"),
        http.getMessage());
    ConfigException loopback = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", "https://127.0.0.1:8443/hook"))).validated());
    assertTrue(loopback.getMessage().contains("loopback"), loopback.getMessage());
    IrisConfig allowed = IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", "http://127.0.0.1:9/hook",
        "IRIS_NOTIFY_ALLOW_INSECURE_URLS", "on"))).validated();
    assertEquals("http://127.0.0.1:9/hook", allowed.notifications().defaultTeamsWebhookUrl());
  }

  @Test
  void corsOriginsAreExactAndAnyOriginOnlyWithAuthenticationOff() {
    IrisConfig none = IrisConfig.from(ConfigSource.load(null, Map.of())).validated();
    assertFalse(none.http().cors().enabled(), "no CORS unless origins are configured");
    IrisConfig two = IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_HTTP_CORS_ALLOWED_ORIGINS", "https://portal.example.com, http://10.0.0.5:3000"))).validated();
    assertEquals(java.util.List.of("https://portal.example.com", "http://10.0.0.5:3000"), two.http().cors().allowedOrigins());
    for (String bad : new String[] {"portal.example.com", "https://portal.example.com/", "https://*.example.com", "ftp://x"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
          Map.of("IRIS_HTTP_CORS_ALLOWED_ORIGINS", bad))));
      assertTrue(e.getMessage().startsWith("http.cors.allowed_origins (IRIS_HTTP_CORS_ALLOWED_ORIGINS): '" + bad + "'"), e.getMessage());
    }
    ConfigException any = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_HTTP_CORS_ALLOWED_ORIGINS", "*"))).validated());
    assertTrue(any.getMessage().contains("only with IRIS_AUTH=off"), any.getMessage());
    assertTrue(IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_HTTP_CORS_ALLOWED_ORIGINS", "*", "IRIS_AUTH", "off")))
        .validated().http().cors().anyOrigin());
  }

  @Test
  void teamsThroughGraphIsOffWithoutAClientIdAndItsSecretsNeverShow() {
    IrisConfig off = IrisConfig.from(ConfigSource.load(null, Map.of()));
    assertFalse(off.notifications().graph().enabled());
    assertEquals("https://login.microsoftonline.com", off.notifications().graph().loginUrl());
    assertEquals("https://graph.microsoft.com", off.notifications().graph().apiUrl());
    assertTrue(off.notifications().graph().scopes().contains("offline_access"));

    IrisConfig on = IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_NOTIFY_GRAPH_TENANT", "5f1c8f0e-7a0b-4c51-9d57-2f4b0c1d9e11",
        "IRIS_NOTIFY_GRAPH_CLIENT_ID", "0b8a3f6e-1d2c-4e5f-8a9b-7c6d5e4f3a21", "IRIS_NOTIFY_GRAPH_CLIENT_SECRET", "Qx8~graph-secret",
        "IRIS_NOTIFY_GRAPH_DEFAULT_CHAT_ID", "19:ops@thread.v2"))).validated();
    IrisConfig.Graph graph = on.notifications().graph();
    assertTrue(graph.enabled());
    assertTrue(graph.hasDefault());
    assertEquals(java.time.Duration.ofMinutes(5), graph.refreshBefore());
    assertFalse(on.toString().contains("Qx8~graph-secret"));
    assertFalse(on.toString().contains("0b8a3f6e"), "the app's ids are kept out of logs too");
    assertFalse(on.toString().contains("5f1c8f0e"));
  }

  @Test
  void graphSettingsThatCannotWorkAreRefusedNamingTheKey() {
    ConfigException half = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_NOTIFY_GRAPH_DEFAULT_TEAM_ID", "fbe2bf47-16c8-47cf-b4a5-4b9b187c508b"))));
    assertTrue(half.getMessage().contains("notify.graph.default_channel_id"), half.getMessage());
    ConfigException both = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null, Map.of(
        "IRIS_NOTIFY_GRAPH_DEFAULT_TEAM_ID", "t", "IRIS_NOTIFY_GRAPH_DEFAULT_CHANNEL_ID", "c", "IRIS_NOTIFY_GRAPH_DEFAULT_CHAT_ID", "x"))));
    assertTrue(both.getMessage().startsWith("notify.graph.default_chat_id"), both.getMessage());
    ConfigException noApp = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_NOTIFY_GRAPH_DEFAULT_CHAT_ID", "19:ops@thread.v2"))).validated());
    assertTrue(noApp.getMessage().startsWith("notify.graph.client_id"), noApp.getMessage());
    ConfigException plain = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null, Map.of(
        "IRIS_NOTIFY_GRAPH_CLIENT_ID", "app", "IRIS_NOTIFY_GRAPH_LOGIN_URL", "http://127.0.0.1:9"))).validated());
    assertTrue(plain.getMessage().startsWith("notify.graph.login_url (IRIS_NOTIFY_GRAPH_LOGIN_URL)"), plain.getMessage());
    IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_NOTIFY_GRAPH_CLIENT_ID", "app",
        "IRIS_NOTIFY_GRAPH_LOGIN_URL", "http://127.0.0.1:9", "IRIS_NOTIFY_ALLOW_INSECURE_URLS", "on"))).validated();
    ConfigException tenant = assertThrows(ConfigException.class, () -> IrisConfig.from(ConfigSource.load(null,
        Map.of("IRIS_NOTIFY_GRAPH_TENANT", "../common"))));
    assertTrue(tenant.getMessage().startsWith("notify.graph.tenant"), tenant.getMessage());
  }
}
