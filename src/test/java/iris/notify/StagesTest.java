package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import iris.IrisConfig;
import iris.notify.NotifyStore.Pending;
import iris.notify.Outbox.Told;
import iris.registry.Ownership;
import iris.registry.Ownership.ActiveTag;
import iris.registry.Ownership.Contact;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The notify stages one by one, on a fixed clock and hand-made incidents. */
class StagesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final IrisConfig.Notify CONFIG = new IrisConfig.Notify("instance", List.of("service"), "", "",
      Duration.ofMinutes(10), 3, Duration.ofSeconds(2), 4, Duration.ofSeconds(5));

  private static Pending incident(long id, String alertname, String severity, Instant startsAt) {
    return new Pending(id, 7, "firing", alertname, severity, "node-1:9100", new JsonObject().put("instance", "node-1:9100"),
        new JsonObject(), OffsetDateTime.ofInstant(startsAt, ZoneOffset.UTC), null, null, null,
        new JsonObject().put("summary", alertname + " summary").put("probable_cause", alertname + " cause"));
  }

  private static Contact person(String name) {
    return new Contact(name, name + "@example.org", "https://teams.example/" + name, List.of("teams", "email"), "info");
  }

  private static Ownership owned(List<ActiveTag> tags, Contact... people) {
    return new Ownership(1L, "node-1", List.of("billing"), true, tags, List.of(people), List.of());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void holdKeepsAFlakyHostsAlertUntilItHasFiredLongEnough() {
    Hold hold = new Hold(Duration.ofMinutes(10), CLOCK);
    Ownership flaky = owned(List.of(new ActiveTag(1, "flaky", null, null, "alice")), person("alice"));
    Pending young = incident(1, "HostDown", "critical", NOW.minusSeconds(60));
    Pending old = incident(2, "HostDown", "critical", NOW.minusSeconds(601));
    assertEquals(Optional.of(OffsetDateTime.ofInstant(NOW.plusSeconds(540), ZoneOffset.UTC)), hold.until(young, flaky));
    assertEquals(Optional.empty(), hold.until(old, flaky));
    assertEquals(Optional.empty(), hold.until(young, owned(List.of(), person("alice"))), "only flaky hosts are held");
  }

  @Test
  void retryBacksOffExponentiallyHonoursALongerRetryAfterAndGivesUp() {
    Retry retry = new Retry(4, Duration.ofSeconds(2));
    DeliveryFailure busy = DeliveryFailure.retryable("503");
    assertEquals(Optional.of(Duration.ofSeconds(2)), retry.after(busy, 1));
    assertEquals(Optional.of(Duration.ofSeconds(8)), retry.after(busy, 3));
    assertEquals(Optional.empty(), retry.after(busy, 4), "the last attempt failed");
    assertEquals(Optional.of(Duration.ofSeconds(30)),
        retry.after(new DeliveryFailure("429", true, Duration.ofSeconds(30)), 1));
    assertEquals(Optional.empty(), retry.after(DeliveryFailure.permanent("404"), 1));
    assertEquals(Optional.of(Duration.ofHours(1)), new Retry(100, Duration.ofSeconds(2)).after(busy, 40), "at most an hour");
  }

  @Test
  void routeAndGroupMakeOneMessagePerRecipientAndChannelWhateverTheAlertNames() {
    Ownership alice = owned(List.of(), person("alice"));
    Pending memory = incident(1, "HostOutOfMemory", "critical", NOW);
    Pending disk = incident(2, "HostOutOfDiskSpace", "warning", NOW);
    Pending cpu = incident(3, "HostHighCpuLoad", "warning", NOW);
    Route.Routed routed = new Route(CONFIG, Set.of("teams", "email"))
        .route(List.of(memory, disk, cpu), Map.of(1L, alice, 2L, alice, 3L, alice));
    assertEquals(List.of(), routed.unrouted());
    List<Group.Batch> batches = Group.byTarget(routed.routed());
    assertEquals(2, batches.size(), "teams and email, one each: " + batches);
    assertTrue(batches.stream().allMatch(b -> b.incidents().size() == 3));
    Notification n = Composer.compose(7, "firing", batches.get(0).incidents());
    assertEquals("HostOutOfMemory summary", n.summary(), "the most severe alert leads");
    assertEquals(List.of("HostOutOfDiskSpace", "HostHighCpuLoad"), n.others().stream().map(Notification.Finding::alertname).toList());
    assertEquals("HostOutOfDiskSpace cause", n.others().get(0).probableCause());
  }

  @Test
  void routeSetsApartAlertsNobodyCanBeToldOf() {
    Pending orphan = incident(1, "HostDown", "critical", NOW);
    Route.Routed routed = new Route(CONFIG, Set.of("teams")).route(List.of(orphan), Map.of(1L, Ownership.unknown()));
    assertEquals(List.of(orphan), routed.unrouted());
  }

  @Test
  void suppressTakesTheFirstMutersReason() throws Exception {
    Pending a = incident(1, "HostDown", "critical", NOW);
    Pending b = incident(2, "HostDown", "critical", NOW);
    Muter none = (p, o) -> Future.succeededFuture(Optional.empty());
    Muter window = (p, o) -> Future.succeededFuture(p.id() == 1 ? Optional.of("maintenance window 4") : Optional.empty());
    Muter tags = (p, o) -> Future.succeededFuture(Optional.of("host tagged ignore_alerts"));
    Map<Long, String> muted = await(new Suppress(List.of(none, window, tags)).muted(List.of(a, b), Map.of()));
    assertEquals(Map.of(1L, "maintenance window 4", 2L, "host tagged ignore_alerts"), muted);
    assertEquals(Map.of(), await(new Suppress(List.of(none)).muted(List.of(a, b), Map.of())));
  }

  @Test
  void aResolutionWaitsForItsUnsettledFiringMessageAndFollowsTheSentOnes() {
    Pending waiting = incident(1, "HostDown", "critical", NOW);
    Pending told = incident(2, "HostDown", "critical", NOW);
    Pending cancelled = incident(3, "HostDown", "critical", NOW);
    Pending unseen = incident(4, "HostDown", "critical", NOW);
    List<Told> firing = List.of(
        new Told(10, "queued", "alice", "teams", List.of(1L)),
        new Told(11, "sent", "alice", "teams", List.of(1L, 2L)),
        new Told(12, "sent", "bob", "email", List.of(2L)),
        new Told(13, "cancelled", "alice", "teams", List.of(3L)));
    Resolve.Decision d = Resolve.decide(List.of(waiting, told, cancelled, unseen), firing);
    assertEquals(List.of(waiting), d.waiting(), "never a resolution before its firing message is settled");
    Map<Routing.Target, List<Pending>> expected = new LinkedHashMap<>();
    expected.put(new Routing.Target("alice", "teams"), List.of(told));
    expected.put(new Routing.Target("bob", "email"), List.of(told));
    assertEquals(expected, d.tell());
    assertEquals("resolved before its firing message was sent", d.silent().get(cancelled));
    assertTrue(d.silent().get(unseen).startsWith("its firing message was never sent"));
  }
}
