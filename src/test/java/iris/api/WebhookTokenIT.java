package iris.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import iris.testing.Payloads;
import iris.testing.TestIris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The webhook's token: generated when none is configured, open only when set empty, with a warning each start. */
class WebhookTokenIT {
  private static final String PAYLOAD = Payloads.webhook("g-token",
      Payloads.firing("fp-token-1", "HostDown", "h:9100", Instant.parse("2026-05-01T00:00:00Z"))).encode();

  @Test
  void anExplicitlyEmptyTokenOpensTheWebhookAndEveryStartWarns() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(WebhookTokenBootstrap.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      for (int start = 1; start <= 2; start++) {
        try (TestIris iris = TestIris.start(Map.of("IRIS_WEBHOOK_TOKEN", "", "IRIS_ROLES", "ingest"))) {
          assertEquals(200, iris.http.post("/webhooks/alertmanager", PAYLOAD, Map.of("Content-Type", "application/json")).status());
          assertFalse(Files.exists(Path.of(iris.env.get("IRIS_DATA_DIR"), WebhookTokenBootstrap.TOKEN_FILE)));
        }
        long warnings = logged.list.stream().filter(e -> e.getFormattedMessage().contains("webhook is OPEN")).count();
        assertEquals(start, warnings, "one warning per start");
      }
    } finally {
      logger.detachAppender(logged);
    }
  }

  @Test
  void withNoTokenConfiguredAGeneratedOneIsRequired() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("IRIS_WEBHOOK_TOKEN", null); // as if the variable were not set
    env.put("IRIS_ROLES", "ingest");
    try (TestIris iris = TestIris.start(env)) {
      String token = Files.readString(Path.of(iris.env.get("IRIS_DATA_DIR"), WebhookTokenBootstrap.TOKEN_FILE)).strip();
      assertEquals(401, iris.http.post("/webhooks/alertmanager", PAYLOAD, Map.of("Content-Type", "application/json")).status());
      assertEquals(401, iris.webhook(PAYLOAD).status(), "the test token is not it");
      assertEquals(200, iris.http.post("/webhooks/alertmanager", PAYLOAD,
          Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token)).status());
      assertTrue(!iris.app.components().config().toString().contains(token), "the token never appears in the logged config");
    }
  }
}
