package iris.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.registry.Ownership;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeTest {
  private static Ownership owner(String host, String... services) {
    return new Ownership(1L, host, List.of(services), true, List.of(), List.of(), List.of());
  }

  private static JsonObject labels(String alertname) {
    return new JsonObject().put("alertname", alertname).put("instance", "db1:9100").put("severity", "critical");
  }

  @Test
  void hostsAndServicesAreEitherAndMatchersNarrowThem() {
    Scope hostOrService = new Scope(List.of("DB1"), List.of("billing"), List.of());
    assertTrue(hostOrService.covers(labels("HostDown"), "db1", Ownership.unknown()), "by the instance's host part");
    assertTrue(hostOrService.covers(labels("HostDown"), "web7", owner("web7", "billing")), "by the service");
    assertFalse(hostOrService.covers(labels("HostDown"), "web7", owner("web7", "payments")));

    Scope diskOnDb1 = new Scope(List.of("db1"), List.of(), List.of(Matcher.of("alertname", "=~", "HostOutOf.*")));
    assertTrue(diskOnDb1.covers(labels("HostOutOfDiskSpace"), "db1", owner("db1")));
    assertFalse(diskOnDb1.covers(labels("HostDown"), "db1", owner("db1")));
  }

  @Test
  void matchersAloneWorkLikeASilence() {
    Scope critical = new Scope(List.of(), List.of(), List.of(Matcher.of("severity", "=", "critical"),
        Matcher.of("alertname", "!~", "Watchdog|InfoInhibitor")));
    assertTrue(critical.covers(labels("HostDown"), "db1", null));
    assertFalse(critical.covers(labels("Watchdog"), "db1", null));
    assertFalse(critical.covers(labels("HostDown").put("severity", "warning"), "db1", null));
    // a regex is anchored: "Host" does not match "HostDown"
    assertFalse(Matcher.of("alertname", "=~", "Host").matches(labels("HostDown")));
    // a missing label is the empty string
    assertTrue(Matcher.of("team", "!=", "db").matches(labels("HostDown")));
  }

  @Test
  void theHostPartOfAnInstance() {
    assertEquals("db1", MaintenanceMuter.hostPart("db1:9100"));
    assertEquals("db1.example.org", MaintenanceMuter.hostPart("db1.example.org"));
    assertEquals("::1", MaintenanceMuter.hostPart("[::1]:9100"));
  }

  @Test
  void aScopeSurvivesItsStoredForm() {
    Scope s = new Scope(List.of("db1"), List.of("billing"), List.of(Matcher.of("job", "=~", "node|mysql")));
    Scope back = Scope.fromJson(s.toJson());
    assertEquals(s.toJson(), back.toJson());
    assertTrue(back.covers(new JsonObject().put("job", "mysql"), "db1", null));
  }
}
