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
  void theGraphChannelTakesThoseWithAChannelOrChatThere() {
    Contact channel = new Contact("ama", "ama@example.org", null, List.of("graph"), "info", "team-1", "19:c@thread.tacv2", null, true, null);
    Contact chat = new Contact("bo", null, null, List.of("graph", "teams"), "info", null, null, "19:x@thread.v2", false, null);
    Contact half = new Contact("cy", null, null, List.of("graph"), "info", "team-1", null, null, false, null);
    Ownership o = owned(List.of(channel, chat, half), List.of(), List.of());
    Set<String> all = Set.of("teams", "email", "graph");
    assertEquals(List.of(new Target("ama", "graph"), new Target("bo", "graph")), Routing.targets(o, "critical", config("", ""), all),
        "bo has no webhook for teams; cy names a team without its channel");
    assertEquals(List.of(), Routing.targets(o, "critical", config("", ""), BOTH), "Graph is not configured here");
  }

  @Test
  void theDefaultGraphDestinationHearsOfWhatNobodyOwns() {
    IrisConfig.Graph graph = new IrisConfig.Graph("organizations", "client", "", IrisConfig.Graph.LOGIN_URL, IrisConfig.Graph.API_URL,
        "offline_access", 1, Duration.ofMinutes(5), "", "", "19:ops@thread.v2");
    IrisConfig.Notify withGraph = new IrisConfig.Notify("instance", List.of("service"), "", "", Duration.ofMinutes(10), 6,
        Duration.ofSeconds(5), 4, Duration.ofSeconds(10), false, graph);
    assertEquals(List.of(new Target(Routing.DEFAULT, "graph")),
        Routing.targets(Ownership.unknown(), "warning", withGraph, Set.of("teams", "graph")));
    Recipient fallback = Routing.defaultRecipient(withGraph);
    assertEquals("19:ops@thread.v2", fallback.graphChatId());
    assertTrue(fallback.hasGraphDestination());
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
