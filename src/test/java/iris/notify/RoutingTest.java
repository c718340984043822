package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.IrisConfig;
import iris.notify.Routing.Target;
import iris.registry.Ownership;
import iris.registry.Ownership.ActiveTag;
import iris.registry.Ownership.Contact;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTest {
  static final Set<String> BOTH = Set.of("teams", "email");
  static final Contact ALICE = new Contact("alice", "alice@example.org", "https://teams/alice", List.of("teams", "email"), "info");
  static final Contact BOB = new Contact("bob", "bob@example.org", null, List.of("email"), "critical");
  static final Contact ESCALATE = new Contact("erin", "erin@example.org", "https://teams/erin", List.of("teams"), "warning");

  static IrisConfig.Notify config(String defaultTeams, String defaultEmail) {
    return new IrisConfig.Notify("instance", List.of("service", "job"), defaultTeams, defaultEmail, Duration.ofMinutes(10), 6,
        Duration.ofSeconds(5), 4, Duration.ofSeconds(10));
  }

  static Ownership owned(List<Contact> maintainers, List<Contact> escalation, List<ActiveTag> tags) {
    return new Ownership(1L, "node-1", List.of("billing"), true, tags, maintainers, escalation);
  }

  @Test
  void maintainersGetTheirChannelsFilteredBySeverity() {
    Ownership o = owned(List.of(ALICE, BOB), List.of(ESCALATE), List.of());
    assertEquals(List.of(new Target("alice", "teams"), new Target("alice", "email")),
        Routing.targets(o, "warning", config("", ""), BOTH), "bob wants critical only; no escalation below critical");
    assertEquals(List.of(new Target("alice", "teams"), new Target("alice", "email"), new Target("bob", "email"),
        new Target("erin", "teams")), Routing.targets(o, "critical", config("", ""), BOTH));
  }

  @Test
  void channelsThisInstallationLacksAreSkipped() {
    assertEquals(List.of(new Target("alice", "teams")),
        Routing.targets(owned(List.of(ALICE), List.of(), List.of()), "info", config("", ""), Set.of("teams")));
  }

  @Test
  void nobodyOwnsItSoTheDefaultChannelHearsOfIt() {
    Ownership nobody = Ownership.unknown();
    assertEquals(List.of(new Target("default", "teams"), new Target("default", "email")),
        Routing.targets(nobody, "warning", config("https://teams/ops", "ops@example.org"), BOTH));
    assertEquals(List.of(), Routing.targets(nobody, "warning", config("", ""), BOTH));
  }

  @Test
  void anUnknownSeverityCountsAsAWarning() {
    assertTrue(Routing.severe(null, "warning"));
    assertFalse(Routing.severe("", "critical"));
    assertTrue(Routing.severe("critical", "info"));
    assertFalse(Routing.severe("info", "warning"));
  }

  @Test
  void suppressingTagsSayWhoAndWhy() {
    ActiveTag maintenance = new ActiveTag(1, "under_maintenance", null, "disk swap", "ops-key");
    ActiveTag custom = new ActiveTag(2, "custom", "pci", null, "ops-key");
    ActiveTag flaky = new ActiveTag(3, "flaky", null, null, "ops-key");
    assertEquals("host node-1 is tagged under_maintenance (disk swap) by ops-key",
        Routing.suppressedBecause(owned(List.of(ALICE), List.of(), List.of(custom, maintenance))).orElseThrow());
    assertTrue(Routing.suppressedBecause(owned(List.of(ALICE), List.of(), List.of(custom, flaky))).isEmpty());
    assertTrue(Routing.flaky(owned(List.of(ALICE), List.of(), List.of(flaky))));
    Ownership off = new Ownership(1L, "node-1", List.of(), false, List.of(), List.of(ALICE), List.of());
    assertTrue(Routing.suppressedBecause(off).orElseThrow().contains("notifications are off"));
  }
}
