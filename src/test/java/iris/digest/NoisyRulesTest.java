package iris.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The noisy-rule patterns on their thresholds, without a database. */
class NoisyRulesTest {
  private static final Period DAY = Period.endingBy("daily", Instant.parse("2026-03-03T07:00:00Z"), ZoneOffset.UTC);
  private static final Estate NOBODY = new Estate(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  private static final NoisyRules.Settings SETTINGS = new NoisyRules.Settings(5, Duration.ofMinutes(5), Duration.ofMinutes(2));
  private long id;

  private Facts.Incident fire(String rule, String instance, Instant start, Duration lasted) {
    return new Facts.Incident(++id, rule, "warning", instance, null, start, null, lasted == null ? null : start.plus(lasted), List.of());
  }

  private static JsonObject rule(JsonArray rules, String name) {
    return rules.stream().map(JsonObject.class::cast).filter(r -> name.equals(r.getString("alertname"))).findFirst().orElseThrow();
  }

  private static List<String> kinds(JsonObject rule) {
    return rule.getJsonArray("suggestions").stream().map(s -> ((JsonObject) s).getString("kind")).toList();
  }

  @Test
  void shortFiresOnManyHostsWantALongerForJustAboveTheirLength() {
    List<Facts.Incident> fires = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // 1 to 4 min 30 s; the 90th percentile is 4 min, so for: 5m (above it)
      fires.add(fire("Blip", "h" + i + ":9100", DAY.start().plus(Duration.ofHours(i)), Duration.ofSeconds(60 + 30 * (i % 8))));
    }
    fires.add(fire("Blip", "h1:9100", DAY.start().plus(Duration.ofHours(20)), Duration.ofHours(1)));
    JsonObject blip = rule(NoisyRules.of(fires, DAY, List.of(), NOBODY, SETTINGS), "Blip");
    assertEquals(List.of("raise_for"), kinds(blip), "10 of 11 short, on many hosts");
    assertEquals("5m", blip.getString("suggested_for"));
  }

  @Test
  void halfOrFewerShortFiresAndFewerThanThreeShowNoPattern() {
    List<Facts.Incident> fires = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      fires.add(fire("Half", "h" + i + ":9100", DAY.start().plus(Duration.ofHours(i)), i < 2 ? Duration.ofMinutes(1) : Duration.ofHours(1)));
    }
    fires.add(fire("Rare", "h1:9100", DAY.start().plus(Duration.ofHours(9)), Duration.ofMinutes(1)));
    JsonArray rules = NoisyRules.of(fires, DAY, List.of(), NOBODY, SETTINGS);
    assertEquals(List.of("review"), kinds(rule(rules, "Half")));
    assertTrue(rule(rules, "Rare").getJsonArray("suggestions").getJsonObject(0).getString("text").contains("Too few"));
  }

  @Test
  void aRuleThatStartsFirstIsTheSourceOfTheInhibitionOfTheOneThatFollows() {
    List<Facts.Incident> fires = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Instant t = DAY.start().plus(Duration.ofHours(i + 1));
      fires.add(fire("NodeDown", "n" + i + ":9100", t, Duration.ofHours(1)));
      fires.add(fire("TargetMissing", "other" + i + ":9100", t.plusSeconds(90), Duration.ofHours(1)));
    }
    // one that fires alone is still within the 70 %
    fires.add(fire("TargetMissing", "x:9100", DAY.start().plus(Duration.ofHours(12)), Duration.ofHours(1)));
    JsonArray rules = NoisyRules.of(fires, DAY, List.of(), NOBODY, SETTINGS);
    JsonObject missing = rule(rules, "TargetMissing");
    assertEquals("source_matchers: [alertname=\"NodeDown\"], target_matchers: [alertname=\"TargetMissing\"]",
        missing.getJsonObject("co_fires_with").getString("inhibit"), "different hosts: no equal: [instance]");
    assertEquals(4, missing.getJsonObject("co_fires_with").getInteger("count"));
    JsonObject down = rule(rules, "NodeDown");
    assertEquals("source_matchers: [alertname=\"NodeDown\"], target_matchers: [alertname=\"TargetMissing\"]",
        down.getJsonObject("co_fires_with").getString("inhibit"), "the same rule from either side");
    assertTrue(down.getJsonArray("suggestions").getJsonObject(0).getString("text").contains("(which followed)"));
  }

  @Test
  void startsFurtherApartThanTheWindowDoNotCoFire() {
    List<Facts.Incident> fires = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Instant t = DAY.start().plus(Duration.ofHours(i + 1));
      fires.add(fire("A", "a" + i + ":9100", t, Duration.ofHours(1)));
      fires.add(fire("B", "b" + i + ":9100", t.plusSeconds(121), Duration.ofHours(1)));
    }
    JsonArray rules = NoisyRules.of(fires, DAY, List.of(), NOBODY, SETTINGS);
    assertFalse(rule(rules, "A").containsKey("co_fires_with"));
    assertEquals(List.of("review"), kinds(rule(rules, "A")));
  }

  @Test
  void theNoisiestComeFirstWithTheirCountBefore() {
    List<Facts.Incident> fires = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      fires.add(fire("Top", "h" + i, DAY.start().plus(Duration.ofMinutes(37L * i)), Duration.ofHours(1)));
      fires.add(fire("Top", "h" + i, DAY.previous().start().plus(Duration.ofMinutes(37L * i)), Duration.ofHours(1)));
    }
    for (int r = 0; r < 8; r++) {
      fires.add(fire("Other" + r, "h", DAY.start().plus(Duration.ofMinutes(r)), Duration.ofHours(1)));
    }
    JsonArray rules = NoisyRules.of(fires, DAY, List.of(), NOBODY, SETTINGS);
    assertEquals(5, rules.size(), "the limit");
    assertEquals("Top", rules.getJsonObject(0).getString("alertname"));
    assertEquals(7, rules.getJsonObject(0).getInteger("count"));
    assertEquals(7L, rules.getJsonObject(0).getLong("previous_count"));
  }
}
