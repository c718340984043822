package iris.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeTeams;
import iris.testing.Http;
import iris.testing.Knowledge;
import iris.testing.Ports;
import iris.testing.Sql;
import iris.testing.TestIris;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Digests end to end on two Iris nodes sharing one PostgreSQL, sent through the outbox to
 * GreenMail (a real SMTP server) and a Teams receiver: the API refuses bad input naming the
 * field; a dry run stores and sends nothing; both nodes building the same period at the same
 * moment, then again, then the scheduled job on both, still give one digest per maintainer and
 * period, one email each with an HTML and a plain-text part, and one card.
 */
class DigestDeliveryIT {
  private static GreenMail smtp;
  private static FakeTeams teams;
  private static TestIris a;
  private static TestIris b;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    smtp = new GreenMail(new ServerSetup(Ports.free(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    teams = new FakeTeams();
    Map<String, String> env = new HashMap<>(Map.of("IRIS_EMAIL_TRANSPORT", "smtp", "IRIS_EMAIL_SMTP_HOST", "127.0.0.1",
        "IRIS_EMAIL_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()), "IRIS_EMAIL_SMTP_STARTTLS", "none",
        "IRIS_EMAIL_FROM", "iris@example.org", "IRIS_PIPELINE_POLL_MS", "200", "IRIS_NOTIFY_RETRY_BASE_SECONDS", "1",
        "IRIS_DIGEST_INFRASTRUCTURE_STAKEHOLDERS", "ops", "IRIS_DIGEST_PUBLIC_URL", "https://iris.example.org"));
    a = TestIris.start(env);
    db = a.env.get("IRIS_DB_URL");
    env.put("IRIS_DB_URL", db);
    b = TestIris.start(env);
    DigestIT.seed(db);
    Sql.execute(db, "UPDATE maintainers SET teams_webhook_url = '" + teams.webhookUrl("alice") + "' WHERE name = 'alice'");
  }

  @AfterAll
  static void stop() throws Exception {
    b.close();
    a.close();
    teams.close();
    smtp.stop();
  }

  private static void assertProblem(Http.Response r, int status, String field, String mentions) {
    assertEquals(status, r.status(), r.body());
    assertEquals(field, r.json().getString("field"), r.body());
    assertTrue(r.json().getString("message").contains(mentions), r.body());
  }

  private static List<MimeMessage> digestMails() {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      try {
        if (m.getSubject().startsWith("Daily digest for ")) {
          out.add(m);
        }
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  private static Http.Response run(TestIris node, JsonObject body) {
    return node.api("POST", "/api/v1/digests/run", body.encode());
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    assertProblem(run(a, new JsonObject()), 400, "frequency", "required");
    assertProblem(run(a, new JsonObject().put("frequency", "hourly")), 400, "frequency", "daily, weekly or monthly");
    assertProblem(run(a, new JsonObject().put("frequency", "daily").put("period_end", "yesterday")), 400, "period_end", "date");
    assertProblem(run(a, new JsonObject().put("frequency", "daily").put("period_end", "2999-01-01")), 400, "period_end", "future");
    assertProblem(run(a, new JsonObject().put("frequency", "daily").put("maintainer", "zed")), 400, "maintainer", "zed");
    assertProblem(run(a, new JsonObject().put("frequency", "daily").put("dry_run", "yes")), 400, "dry_run", "true or false");
    assertProblem(run(a, new JsonObject().put("frequency", "daily").put("colour", "red")), 400, "colour", "unknown field");
    assertProblem(a.api("GET", "/api/v1/digests?frequency=hourly", null), 400, "frequency", "daily");
    assertProblem(a.api("GET", "/api/v1/digests/abc", null), 400, "id", "positive integer");
    assertEquals(404, a.api("GET", "/api/v1/digests/999999", null).status());
    assertEquals(404, a.api("GET", "/api/v1/digests/999999/html", null).status());
  }

  @Test
  void oneDigestPerMaintainerAndPeriodOnTwoNodesWithOneEmailEachAndOneCard() throws Exception {
    Http.Response dryRun = run(a, new JsonObject().put("frequency", "daily").put("maintainer", "alice").put("period_end", "2026-03-03")
        .put("dry_run", true));
    assertEquals(200, dryRun.status(), dryRun.body());
    JsonObject preview = dryRun.json().getJsonArray("digests").getJsonObject(0);
    assertEquals(8, preview.getJsonObject("data").getJsonObject("incidents").getInteger("total"));
    assertTrue(preview.getString("html").contains("Flappy"));
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM digests"), "a dry run stores nothing");
    assertEquals(0, Sql.count(db, "SELECT count(*) FROM deliveries WHERE topic LIKE 'digest:%'"), "and sends nothing");

    // both nodes build the same period at the same moment
    JsonObject body = new JsonObject().put("frequency", "daily").put("period_end", "2026-03-03T07:00:00Z");
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Http.Response>> runs = new ArrayList<>();
    for (TestIris node : List.of(a, b)) {
      runs.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return run(node, body);
      }));
    }
    go.countDown();
    int created = 0;
    for (CompletableFuture<Http.Response> r : runs) {
      Http.Response response = r.get();
      assertEquals(200, response.status(), response.body());
      assertEquals(4, response.json().getJsonArray("digests").size(), response.body());
      created += response.json().getInteger("created");
    }
    assertEquals(4, created, "alice, bob, carol and ops, each once between the two nodes");
    assertEquals(0, run(b, body).json().getInteger("created"), "and not again");
    assertEquals(4, Sql.count(db, "SELECT count(*) FROM digests WHERE period_start = '2026-03-02T00:00:00Z'"));

    Knowledge.await("four emails", 30_000, () -> digestMails().size() >= 4);
    Knowledge.await("alice's card", 30_000, () -> teams.posts().stream().anyMatch(p -> p.raw().contains("Daily digest for alice")));
    Thread.sleep(1500); // a second send would follow within the outbox's next passes (200 ms)
    // the seeded incidents and the window also went through the pipeline: their messages are not digests
    List<MimeMessage> mails = digestMails();
    assertEquals(4, mails.size());
    List<String> to = new ArrayList<>();
    MimeMessage alice = null;
    for (MimeMessage m : mails) {
      String address = m.getAllRecipients()[0].toString();
      to.add(address);
      if (address.equals("alice@example.org")) {
        alice = m;
      }
    }
    assertEquals(List.of("alice@example.org", "bob@example.org", "carol@example.org", "ops@example.org"), to.stream().sorted().toList());
    assertEquals("Daily digest for alice: Mon 2 Mar 2026", alice.getSubject());
    assertTrue(alice.getContentType().startsWith("multipart/alternative"), alice.getContentType());
    MimeMultipart parts = (MimeMultipart) alice.getContent();
    assertEquals(2, parts.getCount());
    assertTrue(parts.getBodyPart(0).isMimeType("text/plain") && parts.getBodyPart(1).isMimeType("text/html"));
    String text = ((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n");
    String html = (String) parts.getBodyPart(1).getContent();
    assertTrue(text.contains("Incidents: 8 (1 the day before)"), text);
    assertTrue(text.contains("- Flappy · 4 fires (0 before): 4 of 4 fires resolved within 5 min"), text);
    assertTrue(html.contains("<h2>Daily digest for alice: Mon 2 Mar 2026</h2>"), html);
    assertTrue(!html.contains("ApiErrors") && !text.contains("web1"), "nothing of bob's");

    List<FakeTeams.Post> cards = teams.posts().stream().filter(p -> p.raw().contains("Daily digest for alice")).toList();
    assertEquals(1, cards.size());
    assertEquals(List.of(), cards.get(0).shapeProblems());
    assertTrue(teams.posts().stream().allMatch(p -> p.path().contains("alice")), "only alice takes Teams");
    assertEquals(1, teams.posts().stream().filter(p -> p.raw().contains("digest for")).count());

    JsonObject listed = a.api("GET", "/api/v1/digests?recipient=alice", null).json();
    assertEquals(1, listed.getJsonArray("items").size(), listed.encode());
    JsonObject item = listed.getJsonArray("items").getJsonObject(0);
    long id = item.getLong("id");
    assertTrue(cards.get(0).raw().contains("https://iris.example.org/api/v1/digests/" + id + "/html"), "the card links to the report");
    Knowledge.await("both sent", 10_000, () -> a.api("GET", "/api/v1/digests/" + id, null).json().getJsonArray("deliveries").stream()
        .allMatch(d -> "sent".equals(((JsonObject) d).getString("state"))));
    JsonObject one = b.api("GET", "/api/v1/digests/" + id, null).json();
    assertEquals(8, one.getJsonObject("data").getJsonObject("incidents").getInteger("total"));
    assertEquals(2, one.getJsonArray("deliveries").size());
    Http.Response page = b.api("GET", "/api/v1/digests/" + id + "/html", null);
    assertEquals(200, page.status());
    assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
    assertTrue(page.body().contains("<h2>Daily digest for alice"), page.body());

    // the scheduled job, started on both nodes: yesterday's digests, still once each
    String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
    for (TestIris node : List.of(a, b)) {
      Http.Response started = node.api("POST", "/api/v1/jobs/digest-daily/run", null);
      assertTrue(started.status() == 202 || started.status() == 409, started.body());
    }
    Knowledge.await("the job's digests", 30_000, () -> Sql.count(db, "SELECT count(*) FROM digests WHERE period_start = ?::timestamptz",
        yesterday) == 4);
    Knowledge.await("both runs finished", 30_000, () -> Sql.count(db,
        "SELECT count(*) FROM job_runs WHERE job = 'digest-daily' AND outcome = 'running'") == 0);
    assertEquals(4, Sql.count(db, "SELECT count(*) FROM digests WHERE period_start = ?::timestamptz", yesterday));
  }
}
