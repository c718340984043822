package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import iris.testing.Http;
import iris.testing.Payloads;
import iris.testing.Ports;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The database stops while Alertmanager keeps sending: Iris answers 503 with Retry-After (so
 * Alertmanager retries), readiness goes down, and every alert answered 200 is in the database
 * once it is back.
 */
class DatabaseOutageIT {

  private static EmbeddedPostgres startPostgres(Path dir, int port) throws Exception {
    return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
  }

  @Test
  void nothingAcceptedIsLostWhenTheDatabaseGoesAwayAndComesBack() throws Exception {
    Path dir = Files.createTempDirectory("iris-outage-pg");
    int pgPort = Ports.free();
    EmbeddedPostgres postgres = startPostgres(dir, pgPort);
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE outage");
    }
    String url = "postgresql://postgres@127.0.0.1:" + pgPort + "/outage";
    try (TestIris iris = TestIris.start(Map.of("IRIS_DB_URL", url, "IRIS_DB_CONNECT_TIMEOUT_MS", "500"))) {
      List<String> accepted = new ArrayList<>();
      List<Integer> statuses = new ArrayList<>();
      AtomicBoolean sawRetryAfter = new AtomicBoolean();
      Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
      int[] seq = {0};
      Runnable sendOne = () -> {
        String fp = "fp-outage-" + seq[0]++;
        Http.Response r = iris.webhook(Payloads.webhook("g-outage", Payloads.firing(fp, "DiskFull", "h:9100", start)).encode());
        statuses.add(r.status());
        if (r.status() == 200) {
          accepted.add(fp);
        } else {
          assertEquals(503, r.status(), r.body());
          assertEquals("unavailable", r.json().getString("error"));
          if (r.header("Retry-After") != null) {
            sawRetryAfter.set(true);
          }
        }
      };

      for (int i = 0; i < 20; i++) {
        sendOne.run();
      }
      postgres.close(); // the database goes away mid-test
      for (int i = 0; i < 10; i++) {
        sendOne.run();
      }
      Http.Response ready = iris.http.get("/health/ready", Map.of());
      assertEquals(503, ready.status(), "readiness must say the database is down");
      assertTrue(ready.body().contains("database"));

      postgres = startPostgres(dir, pgPort);
      long deadline = System.currentTimeMillis() + 30_000;
      int before = accepted.size();
      while (accepted.size() < before + 20 && System.currentTimeMillis() < deadline) {
        sendOne.run();
      }

      assertTrue(statuses.contains(503), "some requests were refused while the database was down: " + statuses);
      assertTrue(sawRetryAfter.get(), "503 carries Retry-After");
      long refused = statuses.stream().filter(s -> s == 503).count();
      assertEquals(refused, iris.metric("iris_webhook_refused_total{reason=\"unavailable\"}"), 0.0,
          "every refusal during the outage is counted as unavailable");
      assertEquals(0.0, iris.metric("iris_webhook_refused_total{reason=\"busy\"}"), "an outage is not load shedding");
      assertTrue(accepted.size() >= 40, "requests are accepted again after the outage: " + accepted.size());
      for (String fp : accepted) {
        assertEquals(1, Sql.count(url, "SELECT count(*) FROM incidents WHERE fingerprint = ?", fp), fp + " was answered 200 and must be stored");
      }
      assertEquals(accepted.size(), Sql.count(url, "SELECT count(*) FROM incidents"));
      assertEquals(200, iris.http.get("/health/ready", Map.of()).status());
    } finally {
      postgres.close();
    }
  }
}
