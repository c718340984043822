package iris.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.Chromium;
import iris.testing.FakeLinuxHost;
import iris.testing.FakeTeams;
import iris.testing.Http;
import iris.testing.LinuxDistro;
import iris.testing.Payloads;
import iris.testing.Ports;
import iris.testing.SshTestKeys;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's chromium, headless) against a whole Iris: signing in
 * with read and write keys, the live incident list, acting on an incident from its page, an
 * enrollment's live progress against an in-process SSH host, a one-click link from a Teams card,
 * what a read key and a forged form get, and the API called from a page on another origin.
 * Every page it visits is saved under target/console-screenshots/.
 */
class ConsoleBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final SshTestKeys.ClientKey SSH_KEY = SshTestKeys.generate(SshTestKeys.Type.ED25519);

  private static TestIris iris;
  private static FakeTeams teams;
  private static FakeLinuxHost host;
  private static FakeLinuxHost batchHost;
  private static HttpServer allowedOrigin;
  private static HttpServer otherOrigin;
  private static String base;
  private static String readKey;
  private static String writeKey;
  private ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Chromium.installed(), "chromium and chromium-driver must be installed (.ci/run installs them)");
    teams = new FakeTeams();
    host = FakeLinuxHost.builder(LinuxDistro.DEBIAN12).authorizedKey("deploy", SSH_KEY.keyPair().getPublic()).start();
    batchHost = FakeLinuxHost.builder(LinuxDistro.ROCKY9).hostname("batch-01").password("deploy", "s3cret").start();
    allowedOrigin = originServer();
    otherOrigin = originServer();
    int port = Ports.free();
    base = "http://127.0.0.1:" + port;
    Path targets = Files.createTempDirectory("iris-targets");
    iris = TestIris.start(Map.of(
        "IRIS_HTTP_PORT", Integer.toString(port),
        "IRIS_HTTP_PUBLIC_URL", base,
        "IRIS_ROLES", "ingest,enrich,notify,enroll",
        "IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", teams.webhookUrl("default"),
        "IRIS_HTTP_CORS_ALLOWED_ORIGINS", origin(allowedOrigin),
        "IRIS_PROMETHEUS_INSTANCES", new JsonArray().add(new JsonObject().put("name", "main")
            .put("targets_dir", targets.toString())).encode(),
        "IRIS_ENROLL_KNOWN_HOSTS", Files.createTempDirectory("iris-ssh").resolve("known_hosts").toString(),
        "IRIS_ENROLL_ALLOY_READY_TIMEOUT_SECONDS", "5"));
    readKey = newKey("console-read", "read");
    writeKey = newKey("console-write", "write");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
    host.close();
    batchHost.close();
    allowedOrigin.stop(0);
    otherOrigin.stop(0);
  }

  @BeforeEach
  void openBrowser() {
    browser = Chromium.start();
  }

  @AfterEach
  void closeBrowser() {
    browser.quit();
  }

  @Test
  void aWriteKeySeesANewAlertWithinTwoSecondsAndActsOnItFromItsPage() throws Exception {
    signIn(browser, writeKey, "console-write");
    browser.get(base + "/console/incidents?status=firing");
    awaitLive(browser);
    long critical = Long.parseLong(browser.findElement(By.cssSelector("#counts .sev-critical .n")).getText());
    String name = "DiskFull" + suffix();
    long posted = System.nanoTime();
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"" + name + "\"}",
        Payloads.firing(UUID.randomUUID().toString(), name, "web-07:9100", Instant.now())).encode()).status());
    // The row's attributes are read at once: the list may be swapped again by the next live message.
    String[] row = until(browser, Duration.ofSeconds(2), () -> {
      WebElement found = rowOf(browser, name);
      return found == null ? null : new String[] {found.getAttribute("data-id"), found.getAttribute("data-status")};
    });
    long tookMillis = (System.nanoTime() - posted) / 1_000_000;
    System.out.println("The new incident appeared in the open list " + tookMillis + " ms after the webhook was posted");
    assertTrue(tookMillis <= 2000, "the new incident appeared after " + tookMillis + " ms");
    assertEquals("firing", row[1]);
    until(browser, WAIT, () -> Long.parseLong(browser.findElement(By.cssSelector("#counts .sev-critical .n")).getText()) == critical + 1
        ? true : null);
    String id = row[0];
    Chromium.screenshot(browser, "incidents");

    // The list stays open in its tab; the incident is acted on in another.
    String listTab = browser.getWindowHandle();
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(base + "/console/incidents/" + id);
    awaitLive(browser);
    Chromium.screenshot(browser, "incident");
    browser.findElement(By.id("acknowledge")).click();
    until(browser, WAIT, () -> browser.findElement(By.id("incident-ack")).getText().contains("console-write") ? true : null);
    assertEquals("console-write", api("/api/v1/incidents/" + id).getString("acknowledged_by"));
    browser.switchTo().window(listTab);
    until(browser, WAIT, () -> rowOf(browser, name).getText().contains("console-write") ? true : null);

    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(base + "/console/incidents/" + id);
    browser.findElement(By.id("resolve-note")).sendKeys("Cleared old logs");
    browser.findElement(By.id("resolve")).click();
    until(browser, WAIT, () -> browser.findElement(By.id("incident-status")).getText().contains("resolved") ? true : null);
    assertEquals("manual", api("/api/v1/incidents/" + id).getString("resolved_by"));
    assertTrue(browser.findElements(By.id("resolve")).isEmpty(), "a resolved incident offers no resolve button");
    Chromium.screenshot(browser, "incident-resolved");
    browser.switchTo().window(listTab);
    until(browser, WAIT, () -> rowOf(browser, name) == null ? true : null);
  }

  @Test
  void aReadKeySeesNoActionsAndItsForgedPostIsRefused() throws Exception {
    long id = incident("ReadOnly" + suffix());
    signIn(browser, readKey, "console-read");
    browser.get(base + "/console/incidents/" + id);
    assertNotNull(browser.findElement(By.id("incident-status")));
    assertTrue(browser.findElements(By.id("acknowledge")).isEmpty(), "no acknowledge button for a read key");
    assertTrue(browser.findElements(By.id("resolve")).isEmpty(), "no resolve button for a read key");
    assertTrue(browser.findElements(By.id("notes-form")).isEmpty(), "no notes form for a read key");
    Chromium.screenshot(browser, "incident-read-key");

    // The session's own CSRF token, in a post the page never offered.
    String csrf = browser.findElement(By.name("csrf")).getAttribute("value");
    assertEquals(403L, post(browser, "/console/incidents/" + id + "/acknowledge", "csrf=" + csrf));
    assertEquals(403L, post(browser, "/console/incidents/" + id + "/resolve", "csrf=" + csrf + "&note=forged"));
    JsonObject incident = api("/api/v1/incidents/" + id);
    assertEquals(null, incident.getString("acknowledged_by"));
    assertEquals("firing", incident.getString("status"));
  }

  @Test
  void aForgedCsrfTokenIsRefused() throws Exception {
    long id = incident("Forged" + suffix());
    signIn(browser, writeKey, "console-write");
    browser.get(base + "/console/incidents/" + id);
    assertEquals(403L, post(browser, "/console/incidents/" + id + "/acknowledge", "csrf=forged-token"));
    assertEquals(403L, post(browser, "/console/incidents/" + id + "/acknowledge", ""));
    assertEquals(null, api("/api/v1/incidents/" + id).getString("acknowledged_by"));
    // The same post with the page's token goes through: the refusal was the token's.
    String csrf = browser.findElement(By.name("csrf")).getAttribute("value");
    assertEquals(200L, post(browser, "/console/incidents/" + id + "/acknowledge", "csrf=" + csrf));
    assertEquals("console-write", api("/api/v1/incidents/" + id).getString("acknowledged_by"));
  }

  @Test
  void signingInNeedsAKnownKeyAndSigningOutEndsTheSession() throws Exception {
    browser.get(base + "/");
    until(browser, WAIT, () -> browser.getCurrentUrl().contains("/console/sign-in") ? true : null);
    Chromium.screenshot(browser, "sign-in");
    browser.findElement(By.id("api_key")).sendKeys("iris_not-a-key");
    browser.findElement(By.id("sign-in")).submit();
    until(browser, WAIT, () -> browser.findElements(By.id("sign-in-problem")).isEmpty() ? null : true);
    Chromium.screenshot(browser, "sign-in-refused");

    signIn(browser, readKey, "console-read");
    var cookie = browser.manage().getCookieNamed("iris_session");
    assertTrue(cookie.isHttpOnly(), "the session cookie is HttpOnly");
    assertEquals("Strict", cookie.getSameSite());
    assertNotNull(cookie.getExpiry(), "the session cookie expires");
    browser.findElement(By.cssSelector("form[action='/console/sign-out'] button")).click();
    until(browser, WAIT, () -> browser.getCurrentUrl().contains("signed_out") ? true : null);
    browser.get(base + "/console/incidents");
    until(browser, WAIT, () -> browser.getCurrentUrl().contains("/console/sign-in") ? true : null);
  }

  @Test
  void anEnrollmentStartedFromTheConsoleShowsItsProgressLive() throws Exception {
    signIn(browser, writeKey, "console-write");
    browser.get(base + "/console/enrollments");
    Chromium.screenshot(browser, "enrollments");
    browser.findElement(By.id("address")).sendKeys(FakeLinuxHost.ADDRESS);
    browser.findElement(By.id("port")).sendKeys(Integer.toString(host.port()));
    browser.findElement(By.id("username")).sendKeys("deploy");
    ((JavascriptExecutor) browser).executeScript("document.getElementById('private_key').value = arguments[0];",
        SSH_KEY.openSshPrivateKey());
    browser.findElement(By.id("host_key_fingerprint")).sendKeys(host.hostKeyFingerprint());
    browser.findElement(By.id("environment")).sendKeys("production");
    browser.findElement(By.id("os")).sendKeys("linux");
    browser.findElement(By.id("enroll")).click();
    until(browser, WAIT, () -> browser.getCurrentUrl().matches(".*/console/enrollments/\\d+$") ? true : null);
    awaitLive(browser);
    String loaded = browser.findElement(By.tagName("body")).getAttribute("data-refreshed");
    until(browser, Duration.ofSeconds(60), () -> browser.findElement(By.id("job-percent")).getText().equals("100 %") ? true : null);
    assertEquals("100", browser.findElement(By.id("job-progress")).getAttribute("value"));
    until(browser, WAIT, () -> browser.findElement(By.id("job-state")).getText().contains("succeeded") ? true : null);
    assertFalse(String.valueOf(loaded).equals(browser.findElement(By.tagName("body")).getAttribute("data-refreshed")),
        "the steps were fetched again as progress arrived");
    assertTrue(browser.findElement(By.id("steps")).getText().contains("register"), browser.findElement(By.id("steps")).getText());
    Chromium.screenshot(browser, "enrollment");
  }

  @Test
  void aBatchUploadedFromTheConsoleShowsItsProgressAndRetriesItsFailedRow() throws Exception {
    Path file = Files.createTempFile("batch", ".csv");
    Files.writeString(file, "address,port,os,username,password,host_key_fingerprint,environment\n"
        + FakeLinuxHost.ADDRESS + "," + batchHost.port() + ",linux,deploy,s3cret," + batchHost.hostKeyFingerprint() + ",staging\n"
        + FakeLinuxHost.ADDRESS + "," + Ports.free() + ",linux,deploy,s3cret," + batchHost.hostKeyFingerprint() + ",staging\n");
    signIn(browser, writeKey, "console-write");
    browser.get(base + "/console/enrollments");
    browser.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("#batch-form button")).click();
    until(browser, WAIT, () -> browser.getCurrentUrl().matches(".*/console/enrollments/batches/\\d+$") ? true : null);
    String batchId = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
    awaitLive(browser);
    until(browser, Duration.ofSeconds(60), () -> browser.findElement(By.id("batch-percent")).getText().equals("100 %") ? true : null);
    until(browser, WAIT, () -> browser.findElements(By.id("retry")).isEmpty() ? null : true);
    String rows = browser.findElement(By.id("rows")).getText();
    assertTrue(rows.contains("succeeded") && rows.contains("connect"), rows);
    Chromium.screenshot(browser, "enrollment-batch");
    long failedJob = failedJobOf(batchId);
    browser.findElement(By.id("retry")).click();
    until(browser, WAIT, () -> failedJobOf(batchId) != failedJob ? true : null);
  }

  private static long failedJobOf(String batchId) {
    for (Object o : api("/api/v1/hosts/enrollments/batch/" + batchId).getJsonArray("jobs")) {
      JsonObject job = (JsonObject) o;
      if (job.getInteger("row") == 1) { // rows count from 0: the second line, the unreachable port
        return job.getLong("id");
      }
    }
    return -1;
  }

  @Test
  void aSignedLinkFromATeamsCardAcknowledgesItsIncidentOnce() throws Exception {
    String name = "LinkCheck" + suffix();
    long id = incident(name);
    FakeTeams.Post card = awaitCard(name);
    JsonArray actions = card.body().getJsonArray("attachments").getJsonObject(0).getJsonObject("content").getJsonArray("actions");
    String open = actionUrl(actions, "Open in Iris");
    assertEquals(base + "/console/incidents/" + id, open);
    String acknowledge = actionUrl(actions, "Acknowledge");
    String known = actionUrl(actions, "Mark known issue for 4 h");
    assertNotNull(known);

    browser.get(acknowledge);
    WebElement confirm = browser.findElement(By.id("confirm"));
    assertEquals("Acknowledge", confirm.getText());
    assertEquals(null, api("/api/v1/incidents/" + id).getString("acknowledged_by"), "opening the link does nothing yet");
    Chromium.screenshot(browser, "link-confirm");
    confirm.click();
    until(browser, WAIT, () -> browser.findElements(By.id("link-done")).isEmpty() ? null : true);
    Chromium.screenshot(browser, "link-done");
    assertEquals(OneClickLinks.ACTOR, api("/api/v1/incidents/" + id).getString("acknowledged_by"));

    browser.get(acknowledge);
    assertTrue(browser.findElement(By.id("link-used")).getText().contains("incident #" + id));
    assertEquals(410L, post(browser, acknowledge.substring(base.length()), ""));
    Chromium.screenshot(browser, "link-used");

    String forged = acknowledge.substring(0, acknowledge.length() - 3) + (acknowledge.endsWith("AAA") ? "BBB" : "AAA");
    browser.get(forged);
    assertTrue(browser.getPageSource().contains("This link is not valid"));

    // db-03 is no registered host: nothing to mark, it says so, and the link is not spent.
    browser.get(known);
    browser.findElement(By.id("confirm")).click();
    until(browser, WAIT, () -> browser.findElements(By.id("link-problem")).isEmpty() ? null : true);
    assertTrue(browser.findElement(By.id("link-problem")).getText().contains("no registered host matches instance 'db-03:9100'"));
    browser.get(known);
    assertFalse(browser.findElements(By.id("confirm")).isEmpty(), "a link whose action could not be done can be used later");
  }

  @Test
  void aPageOnAnAllowedOriginCallsTheApiAndOneOnAnotherCannot() throws Exception {
    browser.get(origin(allowedOrigin) + "/?iris=" + base + "&key=" + readKey);
    until(browser, WAIT, () -> browser.getTitle().startsWith("done") ? true : null);
    assertEquals("done:200", browser.getTitle(), "the allowed origin read the API");
    Chromium.screenshot(browser, "cors-allowed-origin");

    browser.get(origin(otherOrigin) + "/?iris=" + base + "&key=" + readKey);
    until(browser, WAIT, () -> browser.getTitle().startsWith("done") ? true : null);
    assertEquals("done:blocked", browser.getTitle(), "the browser refused the answer for another origin");
  }

  @Test
  void hostsTagsMaintenanceDeploymentsAndKnowledgeHaveTheirPages() throws Exception {
    assertEquals(201, iris.api("POST", "/api/v1/services", new JsonObject().put("name", "shop").encode()).status());
    Http.Response created = iris.api("POST", "/api/v1/hosts", new JsonObject().put("hostname", "app-11").put("address", "10.0.0.11")
        .put("environment", "production").put("services", new JsonArray().add("shop")).encode());
    assertEquals(201, created.status(), created.body());
    long hostId = created.json().getLong("id");
    // a snapshot as the metrics-snapshots job writes it: the host page shows the latest one
    Sql.rows(iris.env.get("IRIS_DB_URL"), "INSERT INTO metric_snapshots (host_id, hostname, instance, taken_at, cpu_busy_pct,"
        + " mem_used_pct, load_per_core, up, targets_up, targets_total, disk, fullest_mountpoint, fullest_disk_pct, state,"
        + " disk_trend_pct_per_day, disk_full_in_days) VALUES (?, 'app-11', 'default', now() - interval '5 minutes', 37.5, 61.2,"
        + " 0.4, true, 1, 1, '[{\"mountpoint\":\"/var\",\"used_pct\":91.3}]', '/var', 91.3, 'critical', 1.2, 7.2) RETURNING id", hostId);
    assertEquals(201, iris.api("POST", "/api/v1/deployments", new JsonObject().put("service", "shop").put("environment", "production")
        .put("version", "2.4.1").put("hosts", new JsonArray().add("app-11")).put("deployed_by", "ci").encode()).status());
    assertEquals(201, iris.api("POST", "/api/v1/knowledge/runbooks/documents", new JsonObject().put("title", "Disk full on app hosts")
        .put("content", "# Disk full on app hosts\n\nRun `journalctl --vacuum-size=200M`, then <script>alert(1)</script> check again.")
        .encode()).status());

    signIn(browser, writeKey, "console-write");
    browser.get(base + "/console/hosts");
    browser.findElement(By.linkText("app-11")).click();
    until(browser, WAIT, () -> browser.getCurrentUrl().endsWith("/console/hosts/" + hostId) ? true : null);
    String metrics = browser.findElement(By.id("snapshot")).getText();
    assertTrue(metrics.contains("critical") && metrics.contains("/var 91.3 %, +1.2 %/day, full in ~7 days")
        && metrics.contains("37.5 %"), metrics);
    browser.findElement(By.name("reason")).sendKeys("disk replacement pending");
    ((JavascriptExecutor) browser).executeScript("document.querySelector('#tag-form [name=expires_at]').value = arguments[0];",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusHours(6).withSecond(0).withNano(0).toString());
    browser.findElement(By.cssSelector("#tag-form button")).click();
    until(browser, WAIT, () -> browser.findElement(By.id("tags")).getText().contains("disk replacement pending") ? true : null);
    Chromium.screenshot(browser, "host");
    browser.findElement(By.cssSelector("#tags button.danger")).click();
    until(browser, WAIT, () -> browser.findElement(By.id("tags")).getText().contains("No active tags") ? true : null);
    browser.get(base + "/console/hosts");
    Chromium.screenshot(browser, "hosts");

    browser.get(base + "/console/maintenance");
    browser.findElement(By.name("title")).sendKeys("Disk swap");
    browser.findElement(By.name("hosts")).sendKeys("app-11");
    ((JavascriptExecutor) browser).executeScript("document.querySelector('#window-form [name=ends_at]').value = arguments[0];",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusHours(2).withSecond(0).withNano(0).toString());
    browser.findElement(By.id("preview")).click();
    until(browser, WAIT, () -> browser.findElements(By.id("preview-result")).isEmpty() ? null : true);
    assertTrue(browser.findElement(By.id("preview-result")).getText().contains("app-11"), browser.findElement(By.id("preview-result")).getText());
    Chromium.screenshot(browser, "maintenance-preview");
    browser.findElement(By.id("create-window")).click();
    until(browser, WAIT, () -> browser.getCurrentUrl().matches(".*/console/maintenance/\\d+$") ? true : null);
    Chromium.screenshot(browser, "maintenance-window");
    browser.findElement(By.cssSelector("form[action$='/end'] button")).click();
    until(browser, WAIT, () -> browser.getPageSource().contains("completed") ? true : null);
    browser.get(base + "/console/maintenance");
    Chromium.screenshot(browser, "maintenance");

    browser.get(base + "/console/deployments");
    assertTrue(browser.findElement(By.id("deployments")).getText().contains("2.4.1"));
    Chromium.screenshot(browser, "deployments");

    Path runbook = Files.createTempFile("HighLoad", ".md");
    Files.writeString(runbook, "# High load on app hosts\n\nLook at `top` first.\n");
    browser.get(base + "/console/knowledge");
    browser.findElement(By.id("files")).sendKeys(runbook.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("#import-form button")).click();
    until(browser, WAIT, () -> browser.findElement(By.id("documents")).getText().contains("High load on app hosts") ? true : null);

    browser.get(base + "/console/knowledge?q=journalctl");
    until(browser, WAIT, () -> browser.findElements(By.id("results")).isEmpty() ? null : true);
    Chromium.screenshot(browser, "knowledge");
    browser.findElement(By.partialLinkText("Disk full on app hosts")).click();
    String document = browser.findElement(By.id("document")).getText();
    assertTrue(document.contains("journalctl --vacuum-size=200M"), document);
    assertTrue(document.contains("<script>alert(1)</script>"), "raw HTML in a document is shown as text: " + document);
    Chromium.screenshot(browser, "knowledge-document");

    // A one-click "known issue" link tags the incident's host for four hours.
    String name = "KnownIssue" + suffix();
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"" + name + "\"}",
        Payloads.firing(UUID.randomUUID().toString(), name, "app-11:9100", Instant.now())).encode()).status());
    FakeTeams.Post card = awaitCard(name);
    String known = actionUrl(card.body().getJsonArray("attachments").getJsonObject(0).getJsonObject("content").getJsonArray("actions"),
        "Mark known issue for 4 h");
    browser.manage().deleteAllCookies();
    browser.get(known);
    browser.findElement(By.id("confirm")).click();
    until(browser, WAIT, () -> browser.findElements(By.id("link-done")).isEmpty() ? null : true);
    JsonObject tag = iris.api("GET", "/api/v1/hosts/" + hostId + "/tags", null).json().getJsonArray("items").getJsonObject(0);
    assertEquals("known_issue", tag.getString("type"));
    assertEquals(OneClickLinks.ACTOR, tag.getString("created_by"));
    Duration left = Duration.between(Instant.now(), Instant.parse(tag.getString("expires_at")));
    assertTrue(left.compareTo(Duration.ofMinutes(235)) > 0 && left.compareTo(Duration.ofHours(4)) <= 0, "expires in " + left);
  }

  @Test
  void aDigestCardLinksToItsReportInTheConsole() throws Exception {
    assertEquals(201, iris.api("POST", "/api/v1/maintainers", new JsonObject().put("name", "digest-reader")
        .put("email", "digest-reader@example.org").put("digest_frequency", "daily").encode()).status());
    Http.Response run = iris.api("POST", "/api/v1/digests/run", new JsonObject().put("frequency", "daily")
        .put("maintainer", "digest-reader").encode());
    assertTrue(run.status() == 200 || run.status() == 201, run.body());
    JsonObject stored = iris.api("GET", "/api/v1/digests?recipient=digest-reader", null).json().getJsonArray("items").getJsonObject(0);
    String report = iris.api("GET", "/api/v1/digests/" + stored.getLong("id"), null).json().getJsonObject("data").getString("report_url");
    assertEquals(base + "/console/digests/" + stored.getLong("id"), report, "the card's link is the console's page");

    browser.get(report);
    until(browser, WAIT, () -> browser.getCurrentUrl().contains("/console/sign-in") || browser.getCurrentUrl().equals(base + "/") ? true : null);
    signIn(browser, readKey, "console-read");
    browser.get(report);
    until(browser, WAIT, () -> browser.getPageSource().contains("digest-reader") ? true : null);
    Chromium.screenshot(browser, "digest-report");
  }

  @Test
  void aLinkFollowedFromAnotherSiteOpensTheIncidentForASignedInBrowser() throws Exception {
    long id = incident("FromTeams" + suffix());
    signIn(browser, readKey, "console-read");
    // A page on another site (localhost is not 127.0.0.1's site; ports do not make sites), as Teams
    // on the web is, links to the incident: the strict cookie stays behind on that navigation, and
    // the console's reload brings it.
    String elsewhere = "http://localhost:" + otherOrigin.getAddress().getPort();
    browser.get(elsewhere + "/link?to=" + base + "/console/incidents/" + id);
    browser.findElement(By.id("go")).click();
    until(browser, WAIT, () -> browser.getCurrentUrl().equals(base + "/console/incidents/" + id)
        && !browser.findElements(By.id("incident-status")).isEmpty() ? true : null);
    browser.manage().deleteAllCookies();
    browser.get(elsewhere + "/link?to=" + base + "/console/incidents/" + id);
    browser.findElement(By.id("go")).click();
    until(browser, WAIT, () -> browser.getCurrentUrl().contains("/console/sign-in?next=") ? true : null);
  }

  // --- helpers ---

  private static String suffix() {
    return Long.toString(System.nanoTime() % 1_000_000);
  }

  private static String newKey(String name, String scope) {
    Http.Response r = iris.api("POST", "/api/v1/api-keys", new JsonObject().put("name", name).put("scope", scope).encode());
    assertEquals(201, r.status(), r.body());
    return r.json().getString("key");
  }

  private static JsonObject api(String path) {
    Http.Response r = iris.api("GET", path, null);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  /** Posts a firing alert and returns its incident's id. */
  private static long incident(String name) throws InterruptedException {
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"" + name + "\"}",
        Payloads.firing(UUID.randomUUID().toString(), name, "db-03:9100", Instant.now())).encode()).status());
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      JsonArray items = api("/api/v1/incidents?alertname=" + name).getJsonArray("items");
      if (!items.isEmpty()) {
        return items.getJsonObject(0).getLong("id");
      }
      Thread.sleep(50);
    }
    fail("no incident for " + name);
    return 0;
  }

  private static FakeTeams.Post awaitCard(String name) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < end) {
      for (FakeTeams.Post post : teams.posts()) {
        if (post.raw().contains(name)) {
          return post;
        }
      }
      Thread.sleep(50);
    }
    fail("no Teams card about " + name);
    return null;
  }

  private static String actionUrl(JsonArray actions, String title) {
    for (Object o : actions) {
      JsonObject action = (JsonObject) o;
      if (title.equals(action.getString("title"))) {
        return action.getString("url");
      }
    }
    return null;
  }

  private static void signIn(ChromeDriver browser, String key, String name) {
    browser.get(base + "/console/sign-in");
    browser.findElement(By.id("api_key")).sendKeys(key);
    browser.findElement(By.id("sign-in")).submit();
    until(browser, WAIT, () -> browser.getCurrentUrl().contains("/console/incidents") ? true : null);
    assertEquals(name, browser.findElement(By.className("who")).getText());
  }

  private static void awaitLive(ChromeDriver browser) {
    until(browser, WAIT, () -> "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-connected")) ? true : null);
  }

  private static WebElement rowOf(ChromeDriver browser, String alertname) {
    for (WebElement row : browser.findElements(By.cssSelector("#incidents tr.incident"))) {
      if (row.getText().contains(alertname)) {
        return row;
      }
    }
    return null;
  }

  /** A form post made by script from the page, as a forger would; the answer's status. */
  private static Object post(ChromeDriver browser, String path, String form) {
    return ((JavascriptExecutor) browser).executeAsyncScript("""
        var done = arguments[arguments.length - 1];
        fetch(arguments[0], {method: 'POST', credentials: 'same-origin', redirect: 'manual',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1]})
          .then(function (r) { done(r.type === 'opaqueredirect' ? 200 : r.status); })
          .catch(function (e) { done(String(e)); });""", path, form);
  }

  private static <T> T until(ChromeDriver browser, Duration timeout, java.util.function.Supplier<T> condition) {
    try {
      return new WebDriverWait(browser, timeout, Duration.ofMillis(50)).until(d -> {
        try {
          return condition.get();
        } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
          return null;
        }
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      // What the browser showed when the wait gave up, for whoever reads the failure.
      String name = "failed-" + System.nanoTime();
      try {
        Chromium.screenshot(browser, name);
        Files.writeString(Chromium.SCREENSHOTS.resolve(name + ".html"), browser.getCurrentUrl() + "\n" + browser.getPageSource());
      } catch (IOException | RuntimeException ignored) {
        // the timeout is the failure to report
      }
      throw new AssertionError("gave up waiting at " + browser.getCurrentUrl() + " (see " + name + ".png)", e);
    }
  }

  private static String origin(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A page on another origin that calls Iris's API with a key, and writes the outcome into its title. */
  private static HttpServer originServer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page = """
        <!doctype html><html><head><title>waiting</title></head><body><p id="out">calling</p><script>
        var q = new URLSearchParams(location.search);
        fetch(q.get('iris') + '/api/v1/incidents?limit=1', {headers: {'X-API-Key': q.get('key')}})
          .then(function (r) { document.getElementById('out').textContent = 'status ' + r.status; document.title = 'done:' + r.status; })
          .catch(function (e) { document.getElementById('out').textContent = String(e); document.title = 'done:blocked'; });
        </script></body></html>""".getBytes(StandardCharsets.UTF_8);
    byte[] link = """
        <!doctype html><html><head><title>elsewhere</title></head><body><a id="go">the incident</a><script>
        document.getElementById('go').href = new URLSearchParams(location.search).get('to');
        </script></body></html>""".getBytes(StandardCharsets.UTF_8);
    server.createContext("/link", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, link.length);
      exchange.getResponseBody().write(link);
      exchange.close();
    });
    server.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    server.start();
    return server;
  }
}
