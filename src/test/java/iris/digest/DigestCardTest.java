package iris.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.ConfigSource;
import iris.IrisConfig;
import iris.notify.AdaptiveCard;
import iris.testing.AdaptiveCardShape;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A digest of a noisy day still fits Teams' limit as a valid card; the lists shrink, the report keeps them. */
class DigestCardTest {

  @Test
  void aHugeDigestFitsTeamsLimitAndKeepsItsShape() {
    IrisConfig config = IrisConfig.from(ConfigSource.load(null, Map.of("IRIS_DIGEST_NOISY_RULES", "50")));
    Period period = Period.endingBy("daily", Instant.parse("2026-03-03T07:00:00Z"), ZoneOffset.UTC);
    List<Facts.Incident> incidents = new ArrayList<>();
    long id = 1;
    for (int rule = 0; rule < 60; rule++) {
      String name = "Rule_" + rule + "_" + "x".repeat(150) + "*[odd]*";
      for (int n = 0; n < 5; n++) {
        Instant start = period.start().plusSeconds(rule * 600L + n * 7200L);
        incidents.add(new Facts.Incident(id++, name, "critical", "host-" + rule + "_" + "y".repeat(100) + ":9100", null, start, null,
            start.plusSeconds(6 * 3600), List.of()));
      }
    }
    Estate estate = new Estate(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    JsonObject data = new DigestBuilder(config.digest(), estate, period, incidents, List.of(), List.of(), new HashMap<>())
        .build(new Audience("ops", Audience.DIGEST, List.of("infrastructure"), true, null));
    assertEquals(300, data.getJsonObject("incidents").getJsonObject("sla").getInteger("over_count"));
    JsonObject message = DigestCard.message(data, Narrative.template(data), "https://iris.example.org/api/v1/digests/1/html");
    assertTrue(message.toBuffer().length() <= AdaptiveCard.MAX_MESSAGE_BYTES, message.toBuffer().length() + " bytes");
    assertEquals(List.of(), AdaptiveCardShape.problems(message));
    String card = message.encode();
    assertTrue(card.contains("more in the full report"), "the lists say what they left out");
    assertTrue(card.contains("\\\\*\\\\[odd\\\\]\\\\*"), "names are escaped so Teams shows them as written");
    assertTrue(card.contains("\"url\":\"https://iris.example.org/api/v1/digests/1/html\""));
  }
}
