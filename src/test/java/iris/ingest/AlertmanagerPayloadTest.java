package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import iris.http.HttpProblem;
import iris.incident.Alert;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class AlertmanagerPayloadTest {
  private static AlertmanagerPayload.Parsed parse(String json) {
    return AlertmanagerPayload.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsGroupAndAlerts() {
    AlertmanagerPayload.Parsed p = parse("""
        {"version":"4","groupKey":"{}:{alertname=\\"A\\"}","truncatedAlerts":2,"status":"resolved","receiver":"team",
         "groupLabels":{"alertname":"A"},"commonLabels":{"job":"api"},"commonAnnotations":{},"externalURL":"http://am",
         "alerts":[{"status":"resolved","labels":{"alertname":"A","service":"checkout","instance":"h:1"},"annotations":{},
                    "startsAt":"2026-01-01T00:00:00.123456789+02:00","endsAt":"2026-01-01T00:10:00Z","fingerprint":"f1"}]}""");
    assertEquals("team", p.group().receiver());
    assertEquals(2, p.group().truncatedAlerts());
    Alert a = p.alerts().get(0);
    assertEquals("checkout", a.service(), "the service label wins over job");
    assertEquals(OffsetDateTime.parse("2025-12-31T22:00:00.123456Z"), a.startsAt(), "UTC, microseconds as PostgreSQL keeps them");
    assertEquals(OffsetDateTime.parse("2026-01-01T00:10:00Z"), a.endsAt());
    assertNull(a.severity());
  }

  @Test
  void aMissingFingerprintIsComputedAsAlertmanagerDoes() throws Exception {
    // Alertmanager's fingerprint of {alertname="HostDown", instance="h:9100"} (FNV-1a 64 over sorted pairs).
    var labels = new ObjectMapper().readTree("{\"instance\":\"h:9100\",\"alertname\":\"HostDown\"}");
    String fp = AlertmanagerPayload.fingerprint(labels);
    assertEquals(16, fp.length());
    assertEquals(fp, AlertmanagerPayload.fingerprint(new ObjectMapper().readTree("{\"alertname\":\"HostDown\",\"instance\":\"h:9100\"}")),
        "label order does not matter");
    assertEquals("cbf29ce484222325", AlertmanagerPayload.fingerprint(new ObjectMapper().readTree("{}")), "FNV-1a offset basis for no labels");
  }

  @Test
  void resolvedWithoutEndGetsTheReceiptTime() {
    AlertmanagerPayload.Parsed p = parse("""
        {"version":"4","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"A"},
         "startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}""");
    Alert a = p.alerts().get(0);
    assertEquals(true, a.endsAt().isAfter(a.startsAt()));
  }

  @Test
  void errorsNameTheField() {
    HttpProblem e = assertThrows(HttpProblem.class, () -> parse("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{}, {}]}"));
    assertEquals("alerts[0].status", e.toJson().getString("field"));
  }

  /** FNV-1a 64 over exactly these bytes, to check what the fingerprint hashes. */
  private static String fnv(byte[]... parts) {
    long hash = 0xcbf29ce484222325L;
    for (byte[] part : parts) {
      for (byte b : part) {
        hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
      }
    }
    return String.format("%016x", hash);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void nulAndLoneSurrogatesAreStoredAsTheReplacementCharacterInEveryField() {
    String odd = "a\\u0000b\\ud800c\\udc00d\\ud83d\\ude00e"; // NUL, lone high, lone low, then a real pair (U+1F600)
    String clean = "a\ufffdb\ufffdc\ufffdd\ud83d\ude00e";
    AlertmanagerPayload.Parsed p = parse("""
        {"version":"4","status":"firing","receiver":"R","groupKey":"G","externalURL":"U",
         "groupLabels":{"gN":"gV"},"commonLabels":{"cN":"cV"},"commonAnnotations":{"aN":"aV"},
         "alerts":[{"status":"firing","labels":{"alertname":"A","instance":"I","job":"J","severity":"S","lN":"lV"},
                    "annotations":{"nN":"nV"},"generatorURL":"X","fingerprint":"F","startsAt":"2026-01-01T00:00:00Z"}]}"""
        .replaceAll("\"([A-Za-z]{1,2})\"", "\"$1" + java.util.regex.Matcher.quoteReplacement(odd) + "\""));
    String json = p.group().receiver() + p.group().groupKey() + p.group().externalUrl() + p.group().groupLabelsJson()
        + p.group().commonLabelsJson() + p.group().commonAnnotationsJson();
    Alert a = p.alerts().get(0);
    json += a.labelsJson() + a.annotationsJson() + a.generatorUrl() + a.fingerprint() + a.alertname() + a.instance()
        + a.service() + a.severity();
    assertEquals("R" + clean, p.group().receiver());
    assertEquals("G" + clean, p.group().groupKey());
    assertEquals("A" + clean, a.alertname());
    assertEquals("F" + clean, a.fingerprint());
    assertEquals("J" + clean, a.service());
    assertTrue(a.labelsJson().contains("\"lN" + clean + "\":\"lV" + clean + "\""), "label names are cleaned too: " + a.labelsJson());
    assertTrue(p.group().groupLabelsJson().contains("\"gN" + clean + "\""), p.group().groupLabelsJson());
    assertFalse(json.contains("\u0000") || json.contains("\\u0000"), "no NUL, raw or escaped: " + json);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (Character.isHighSurrogate(c)) {
        assertTrue(Character.isLowSurrogate(json.charAt(++i)), "only whole pairs remain");
      } else {
        assertFalse(Character.isLowSurrogate(c), "no lone low surrogate");
      }
    }
  }

  @Test
  void theFingerprintIsComputedFromTheLabelsAsSentNotAsStored() {
    String withNul = parse("""
        {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A\\u0000"},"startsAt":"2026-01-01T00:00:00Z"}]}""")
        .alerts().get(0).fingerprint();
    String withReplacement = parse("""
        {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A\\ufffd"},"startsAt":"2026-01-01T00:00:00Z"}]}""")
        .alerts().get(0).fingerprint();
    byte[] name = "alertname".getBytes(StandardCharsets.UTF_8);
    assertEquals(fnv(name, bytes(0xff), bytes('A', 0x00), bytes(0xff)), withNul, "the NUL byte is hashed, as Alertmanager does");
    assertEquals(fnv(name, bytes(0xff), bytes('A', 0xef, 0xbf, 0xbd), bytes(0xff)), withReplacement);
    assertNotEquals(withNul, withReplacement, "cleaning does not merge two label sets Alertmanager tells apart");
    // Go decodes a lone surrogate escape to U+FFFD before Alertmanager hashes it; so does Iris.
    assertEquals(withReplacement, parse("""
        {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A\\udc00"},"startsAt":"2026-01-01T00:00:00Z"}]}""")
        .alerts().get(0).fingerprint());
  }

  @Test
  void labelNamesAreSortedInByteOrderAsGoSortsThem() throws Exception {
    // U+FF5E sorts before U+1F600 in UTF-16 code units but after it in UTF-8 bytes.
    var labels = new ObjectMapper().readTree("{\"\\uff5e\":\"1\",\"\\ud83d\\ude00\":\"2\"}");
    byte[] smiley = "\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
    byte[] tilde = "\uff5e".getBytes(StandardCharsets.UTF_8);
    assertEquals(fnv(tilde, bytes(0xff), bytes('1'), bytes(0xff), smiley, bytes(0xff), bytes('2'), bytes(0xff)),
        AlertmanagerPayload.fingerprint(labels));
  }

  private static String withAlert(String alertFields) {
    return "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"startsAt\":\"2026-01-01T00:00:00Z\","
        + alertFields + "}]}";
  }

  @Test
  void indexedValuesOverTheBtreeLimitAre400NamingTheField() {
    String atLimit = "x".repeat(AlertmanagerPayload.MAX_KEY_BYTES);
    String over = "x".repeat(AlertmanagerPayload.MAX_KEY_BYTES + 1);
    assertEquals(atLimit, parse(withAlert("\"labels\":{\"alertname\":\"" + atLimit + "\"}")).alerts().get(0).alertname());
    for (String label : new String[] {"alertname", "instance", "service", "job", "severity"}) {
      HttpProblem e = assertThrows(HttpProblem.class, () -> parse(withAlert("\"labels\":{\"" + label + "\":\"" + over + "\"}")));
      assertEquals("alerts[0].labels." + label, e.toJson().getString("field"));
    }
    HttpProblem fp = assertThrows(HttpProblem.class, () -> parse(withAlert("\"labels\":{},\"fingerprint\":\"" + over + "\"")));
    assertEquals("alerts[0].fingerprint", fp.toJson().getString("field"));
    // U+FFFD takes three bytes: a value that fits in characters may not fit in bytes.
    String nuls = "\\u0000".repeat(AlertmanagerPayload.MAX_KEY_BYTES / 3 + 1);
    HttpProblem key = assertThrows(HttpProblem.class, () -> parse("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"groupKey\":\"" + nuls + "\"}"));
    assertEquals("groupKey", key.toJson().getString("field"));
    HttpProblem receiver = assertThrows(HttpProblem.class, () -> parse("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"receiver\":\""
        + "r".repeat(AlertmanagerPayload.MAX_RECEIVER_BYTES + 1) + "\"}"));
    assertEquals("receiver", receiver.toJson().getString("field"));
  }

  @Test
  void aTimeAfterTheYear9999Is400NamingTheField() {
    HttpProblem starts = assertThrows(HttpProblem.class,
        () -> parse(withAlert("\"labels\":{}").replace("2026-01-01T00:00:00Z", "+10000-01-01T00:00:00Z")));
    assertEquals("alerts[0].startsAt", starts.toJson().getString("field"));
    HttpProblem ends = assertThrows(HttpProblem.class, () -> parse(withAlert("\"labels\":{},\"endsAt\":\"+275760-09-13T00:00:00Z\"")));
    assertEquals("alerts[0].endsAt", ends.toJson().getString("field"));
    assertEquals(OffsetDateTime.parse("9999-12-31T23:59:59.999999Z"),
        parse(withAlert("\"labels\":{}").replace("2026-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z")).alerts().get(0).startsAt());
  }

  @Test
  void anEmptyBodyIs400() {
    HttpProblem e = assertThrows(HttpProblem.class, () -> AlertmanagerPayload.parse(new byte[0]));
    assertEquals(400, e.status());
    assertEquals("body", e.toJson().getString("field"));
    assertEquals("body", assertThrows(HttpProblem.class, () -> AlertmanagerPayload.parse(null)).toJson().getString("field"));
  }

  @Test
  void twoLabelNamesThatCleanToTheSameNameAre400() {
    HttpProblem e = assertThrows(HttpProblem.class, () -> parse(withAlert("\"labels\":{\"a\\ufffd\":\"1\",\"a\\u0000\":\"2\"}")));
    assertEquals("alerts[0].labels.a\ufffd", e.toJson().getString("field"));
  }

  @Test
  void storableLabelsAreKeptAsSent() {
    String labels = parse(withAlert("\"labels\":{\"b\":\"2\",\"a\":\"\\ud83d\\ude00\"}")).alerts().get(0).labelsJson();
    assertEquals("{\"b\":\"2\",\"a\":\"\ud83d\ude00\"}", labels, "order and a real surrogate pair untouched");
  }
}
