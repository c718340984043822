package iris;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import iris.enroll.EnrollmentFinished;
import iris.enroll.EnrollmentProgress;
import iris.enroll.EnrollmentQueued;
import iris.incident.IncidentAnnotated;
import iris.incident.IncidentsChanged;
import iris.incident.PipelineWake;
import iris.knowledge.KnowledgeChanged;
import iris.maintenance.MaintenanceChanged;
import java.util.List;
import java.util.function.Function;

/**
 * Every event-bus address Iris uses: the capability that owns it (publishes it and documents
 * it), its body as a record, and whether a browser may receive it (the console's event-bus
 * bridge lets out those, and only those). Bodies travel as small JSON objects with ids (the
 * database row is the truth), so they can cross the cluster: a record is encoded at the sender
 * ({@link #publish}, {@link #send}) and decoded at the consumer ({@link #consumer}).
 *
 * @param <T> the body's record
 */
public final class EventAddress<T extends EventAddress.Body> {

  /** A body: a record that says how it is written as JSON; its class reads it back ({@code fromJson}). */
  public interface Body {
    JsonObject toJson();
  }

  /** Who may receive an address's messages. */
  public enum Audience {
    /** Iris's own verticles only. */
    SERVER,
    /** Also browsers, through the console's event-bus bridge (outbound only). */
    BROWSER
  }

  public static final EventAddress<PipelineWake> PIPELINE_WAKE = new EventAddress<>("iris.pipeline.wake", "incident",
      PipelineWake.class, PipelineWake::fromJson, Audience.SERVER,
      "work is ready for a pipeline stage (enrich, notify); published, so every node's stage claims what it can");
  public static final EventAddress<IncidentAnnotated> INCIDENT_ANNOTATED = new EventAddress<>("iris.incident.annotated",
      "incident", IncidentAnnotated.class, IncidentAnnotated::fromJson, Audience.SERVER,
      "an operator changed an incident's resolution notes or root cause; point-to-point, to enrichment, which learns from it");
  public static final EventAddress<KnowledgeChanged> KNOWLEDGE_CHANGED = new EventAddress<>("iris.knowledge.changed",
      "knowledge", KnowledgeChanged.class, KnowledgeChanged::fromJson, Audience.SERVER,
      "a knowledge document's vectors changed; published to every node so in-memory indexes reload it");
  public static final EventAddress<EnrollmentQueued> ENROLL_JOB = new EventAddress<>("iris.enroll.job", "enroll",
      EnrollmentQueued.class, EnrollmentQueued::fromJson, Audience.SERVER,
      "enrollment jobs were queued; published so every enrolling node claims what it can at once");
  public static final EventAddress<EnrollmentFinished> ENROLL_FINISHED = new EventAddress<>("iris.enroll.finished",
      "enroll", EnrollmentFinished.class, EnrollmentFinished::fromJson, Audience.SERVER,
      "an enrollment or unenrollment job ended; point-to-point to the notifier");
  public static final EventAddress<EnrollmentProgress> LIVE_ENROLLMENT = new EventAddress<>("iris.live.enrollment",
      "enroll", EnrollmentProgress.class, EnrollmentProgress::fromJson, Audience.BROWSER,
      "progress of an enrollment step, for the console's progress bars; published");

  public static final EventAddress<IncidentsChanged> LIVE_INCIDENTS = new EventAddress<>("iris.live.incidents",
      "incident", IncidentsChanged.class, IncidentsChanged::fromJson, Audience.BROWSER,
      "incidents were created, changed or resolved (ids only), for the console's live lists; published");

  public static final EventAddress<MaintenanceChanged> MAINTENANCE_CHANGED = new EventAddress<>("iris.maintenance.changed",
      "maintenance", MaintenanceChanged.class, MaintenanceChanged::fromJson, Audience.SERVER,
      "a maintenance window or one of its occurrences changed; published so every node's muter reads the running windows again");

  private static final List<EventAddress<?>> ALL = List.of(PIPELINE_WAKE, INCIDENT_ANNOTATED, KNOWLEDGE_CHANGED,
      ENROLL_JOB, ENROLL_FINISHED, LIVE_ENROLLMENT, LIVE_INCIDENTS, MAINTENANCE_CHANGED);

  private final String address;
  private final String owner;
  private final Class<T> body;
  private final Function<JsonObject, T> decoder;
  private final Audience audience;
  private final String description;

  private EventAddress(String address, String owner, Class<T> body, Function<JsonObject, T> decoder, Audience audience,
      String description) {
    this.address = address;
    this.owner = owner;
    this.body = body;
    this.decoder = decoder;
    this.audience = audience;
    this.description = description;
  }

  /** The catalogue, in the order above. */
  public static List<EventAddress<?>> all() {
    return ALL;
  }

  /** The addresses a browser may receive: what the console's bridge permits outbound. */
  public static List<String> browserAddresses() {
    return ALL.stream().filter(EventAddress::browser).map(EventAddress::address).toList();
  }

  public String address() {
    return address;
  }

  /** The capability (package below {@code iris}) that owns the address. */
  public String owner() {
    return owner;
  }

  public Class<T> body() {
    return body;
  }

  public boolean browser() {
    return audience == Audience.BROWSER;
  }

  public String description() {
    return description;
  }

  public JsonObject encode(T message) {
    return message.toJson();
  }

  public T decode(JsonObject json) {
    return decoder.apply(json);
  }

  /** To every consumer, on every node. */
  public void publish(EventBus bus, T message) {
    bus.publish(address, encode(message));
  }

  /** To one consumer, round-robin across the cluster. */
  public void send(EventBus bus, T message) {
    bus.send(address, encode(message));
  }

  /** A consumer that gets the decoded body. */
  public MessageConsumer<JsonObject> consumer(EventBus bus, Handler<T> handler) {
    return bus.consumer(address, message -> handler.handle(decode(message.body())));
  }

  @Override
  public String toString() {
    return address;
  }
}
