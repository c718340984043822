package iris.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import iris.api.HttpProblem;
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
}
