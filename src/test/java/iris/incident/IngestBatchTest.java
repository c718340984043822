package iris.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestBatchTest {
  private static final OffsetDateTime T = OffsetDateTime.parse("2026-01-01T00:00:00Z");

  private static AlertGroup group(String key) {
    return new AlertGroup("r", key, null, "firing", "{}", "{}", "{}", 0);
  }

  private static Alert alert(String fp, String status, String severity) {
    return new Alert(fp, status, T, status.equals("resolved") ? T.plusMinutes(5) : null, "A", severity, "h", "s", "{}", "{}", null, 1, 0);
  }

  @Test
  void repeatsOfOneAlertMergeAndAResolutionIsNeverUndone() {
    IngestBatch batch = new IngestBatch();
    batch.add(group("g1"), List.of(alert("b", "firing", "warning"), alert("a", "firing", "warning")));
    batch.add(group("g1"), List.of(alert("a", "resolved", "critical")));
    batch.add(group("g2"), List.of(alert("a", "firing", "critical")));

    assertEquals(4, batch.receivedAlerts());
    assertEquals(2, batch.groups().size(), "same group key and receiver is one group");
    List<Alert> alerts = batch.sortedAlerts();
    assertEquals(List.of("a", "b"), alerts.stream().map(Alert::fingerprint).toList(), "sorted for a stable lock order");
    Alert a = alerts.get(0);
    assertEquals("resolved", a.status());
    assertEquals(T.plusMinutes(5), a.endsAt());
    assertEquals(3, a.deliveries());
    assertEquals(1, a.group(), "the latest delivery's group");
  }
}
