package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.enroll.EnrollmentFinished;
import iris.enroll.EnrollmentProgress;
import iris.enroll.EnrollmentQueued;
import iris.incident.IncidentAnnotated;
import iris.incident.IncidentsChanged;
import iris.incident.PipelineWake;
import iris.knowledge.KnowledgeChanged;
import iris.maintenance.MaintenanceChanged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalogue: each address named once, owned by a capability that holds its body, and its JSON as on the wire. */
class EventAddressTest {
  /** One body per address, as its sender makes it. */
  private static final Map<EventAddress<?>, EventAddress.Body> SAMPLES = Map.of(
      EventAddress.PIPELINE_WAKE, new PipelineWake("enrich"),
      EventAddress.INCIDENT_ANNOTATED, new IncidentAnnotated(42),
      EventAddress.KNOWLEDGE_CHANGED, new KnowledgeChanged(7, "node-a"),
      EventAddress.ENROLL_JOB, EnrollmentQueued.jobs(List.of(1L, 2L)),
      EventAddress.ENROLL_FINISHED, new EnrollmentFinished(3, "enroll", "failed", null, null, "10.0.0.5", "connect: refused",
          List.of("db-team")),
      EventAddress.LIVE_ENROLLMENT, new EnrollmentProgress(3, 9L, "10.0.0.5", "connect", "running", 10, null),
      EventAddress.LIVE_INCIDENTS, new IncidentsChanged(List.of(5L, 6L), null, "created"),
      EventAddress.MAINTENANCE_CHANGED, new MaintenanceChanged(12));

  @Test
  void everyAddressIsNamedOnceAndOwnedByACapabilityThatHoldsItsBody() {
    Set<String> names = new HashSet<>();
    for (EventAddress<?> address : EventAddress.all()) {
      assertTrue(names.add(address.address()), "two entries use " + address);
      assertTrue(address.address().matches("iris\\.[a-z]+\\.[a-z.]+"), address.address());
      assertTrue(Files.isDirectory(Path.of("src/main/java/iris", address.owner())), address + ": no package " + address.owner());
      assertEquals("iris." + address.owner(), address.body().getPackageName(), address + ": its owner holds its body");
      assertTrue(address.body().isRecord(), address + ": the body is a record");
    }
  }

  @Test
  void bodiesComeBackFromTheirJson() {
    assertEquals(EventAddress.all().size(), SAMPLES.size(), "a sample for every address");
    SAMPLES.forEach((address, body) -> assertEquals(body, roundTrip(address, body), address.address()));
    assertEquals(EnrollmentQueued.batch(5), roundTrip(EventAddress.ENROLL_JOB, EnrollmentQueued.batch(5)));
  }

  @SuppressWarnings("unchecked")
  private static <T extends EventAddress.Body> T roundTrip(EventAddress<T> address, EventAddress.Body body) {
    // Through the text, as a message crossing the cluster would.
    return address.decode(new JsonObject(address.encode((T) body).encode()));
  }

  /** What nodes of the previous version send and read, and what the console's progress bars read. */
  @Test
  void theJsonOnTheWireIsUnchanged() {
    assertEquals(new JsonObject().put("stage", "enrich"), EventAddress.PIPELINE_WAKE.encode(new PipelineWake("enrich")));
    assertEquals(new JsonObject().put("batch_id", 5L), EventAddress.ENROLL_JOB.encode(EnrollmentQueued.batch(5)));
    assertEquals(Set.of("job_id", "batch_id", "target", "step", "state", "percent", "error"),
        SAMPLES.get(EventAddress.LIVE_ENROLLMENT).toJson().fieldNames());
    assertEquals(Set.of("job_id", "kind", "state", "host_id", "hostname", "target", "error", "maintainers"),
        SAMPLES.get(EventAddress.ENROLL_FINISHED).toJson().fieldNames());
    assertEquals(new JsonObject().put("document_id", 7L).put("origin", "node-a"),
        SAMPLES.get(EventAddress.KNOWLEDGE_CHANGED).toJson());
  }

  @Test
  void onlyLiveUpdatesMayReachABrowser() {
    assertEquals(List.of("iris.live.enrollment", "iris.live.incidents"), EventAddress.browserAddresses());
    assertEquals(new JsonObject().put("ids", new io.vertx.core.json.JsonArray().add(5L).add(6L)).putNull("group_id")
        .put("change", "created"), SAMPLES.get(EventAddress.LIVE_INCIDENTS).toJson());
  }
}
