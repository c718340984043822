package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.http.HttpProblem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The webhook body read chunk by chunk, as it arrives, gives what reading it whole gives. */
class PayloadStreamTest {
  // Alertmanager's own order: the alerts come before version and groupKey.
  private static final String PAYLOAD = """
      {"receiver":"team-a","status":"firing","alerts":[
        {"status":"firing","labels":{"alertname":"NodeDown","instance":"h1:9100","severity":"critical"},
         "annotations":{"summary":"h1 is down","nested":"ignored"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z",
         "generatorURL":"http://p/graph","fingerprint":"f1","extra":{"deep":[1,2,{"x":null}]}},
        {"status":"resolved","labels":{"alertname":"NodeDown","instance":"h2:9100"},"annotations":{},
         "startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T00:05:00Z","fingerprint":"f2"}],
       "groupLabels":{"alertname":"NodeDown"},"commonLabels":{"alertname":"NodeDown"},"commonAnnotations":{},
       "externalURL":"http://am:9093","version":"4","groupKey":"{}:{alertname=\\"NodeDown\\"}","truncatedAlerts":7}""";

  private static AlertmanagerPayload.Parsed inChunks(String json, int size, long limit) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    PayloadStream stream = new PayloadStream(limit);
    for (int from = 0; from < bytes.length; from += size) {
      stream.feed(bytes, from, Math.min(bytes.length, from + size));
    }
    return stream.end();
  }

  @Test
  void chunksOfAnySizeGiveTheSamePayload() {
    AlertmanagerPayload.Parsed whole = AlertmanagerPayload.parse(PAYLOAD.getBytes(StandardCharsets.UTF_8));
    assertEquals(2, whole.alerts().size());
    assertEquals("team-a", whole.group().receiver());
    assertEquals("{}:{alertname=\"NodeDown\"}", whole.group().groupKey());
    assertEquals(7, whole.group().truncatedAlerts());
    assertEquals("f1", whole.alerts().get(0).fingerprint());
    assertEquals("resolved", whole.alerts().get(1).status());
    for (int size : new int[] {1, 2, 3, 7, 64, 4096}) {
      AlertmanagerPayload.Parsed chunked = inChunks(PAYLOAD, size, Long.MAX_VALUE);
      assertEquals(whole.group(), chunked.group(), "chunks of " + size);
      assertEquals(whole.alerts(), chunked.alerts(), "chunks of " + size);
    }
  }

  @Test
  void theGroupsOwnFieldsAreJudgedBeforeTheFirstBadAlertWhereverTheyAre() {
    String badAlertAndVersion = "{\"status\":\"firing\",\"alerts\":[{\"status\":\"nope\"}],\"version\":\"3\"}";
    HttpProblem version = assertThrows(HttpProblem.class, () -> inChunks(badAlertAndVersion, 5, Long.MAX_VALUE));
    assertTrue(version.getMessage().contains("version"), version.getMessage());
    String badSecondAlert = "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},"
        + "\"startsAt\":\"2026-01-01T00:00:00Z\"}, 5]}";
    HttpProblem alert = assertThrows(HttpProblem.class, () -> inChunks(badSecondAlert, 3, Long.MAX_VALUE));
    assertTrue(alert.getMessage().startsWith("alerts[1]"), alert.getMessage());
  }

  @Test
  void brokenOrTrailingJsonIsMalformed() {
    assertTrue(assertThrows(HttpProblem.class, () -> inChunks(PAYLOAD.substring(0, 300), 50, Long.MAX_VALUE))
        .getMessage().contains("malformed JSON"));
    assertTrue(assertThrows(HttpProblem.class, () -> inChunks(PAYLOAD + " {}", 50, Long.MAX_VALUE))
        .getMessage().contains("malformed JSON"));
    assertTrue(assertThrows(HttpProblem.class, () -> inChunks("[1,2]", 1, Long.MAX_VALUE))
        .getMessage().contains("must be a JSON object"));
    assertTrue(assertThrows(HttpProblem.class, () -> inChunks("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":{}}", 4,
        Long.MAX_VALUE)).getMessage().contains("alerts: must be an array"));
  }

  @Test
  void overTheLimitItKeepsNoAlertsButStillNamesTheGroup() {
    byte[] bytes = PAYLOAD.getBytes(StandardCharsets.UTF_8);
    PayloadStream stream = new PayloadStream(100);
    for (int from = 0; from < bytes.length; from += 10) {
      stream.feed(bytes, from, Math.min(bytes.length, from + 10));
    }
    assertTrue(stream.tooLarge());
    assertEquals(bytes.length, stream.bytes());
    assertEquals("team-a", stream.receiver());
    assertEquals("{}:{alertname=\"NodeDown\"}", stream.groupKey(), "read after the alerts, as Alertmanager writes it");
  }
}
