package iris.maintenance;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import iris.EventAddress;
import iris.IrisConfig;
import iris.http.HttpProblem;
import iris.incident.Pipeline;
import iris.incident.Stage;
import iris.incident.StageLoop;
import iris.maintenance.MaintenanceStore.Live;
import iris.maintenance.MaintenanceStore.Occurrence;
import iris.maintenance.MaintenanceStore.Release;
import iris.maintenance.MaintenanceStore.Window;
import iris.registry.HostStore;
import iris.registry.Ownership;
import iris.registry.OwnershipStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance windows: creation (checked against the registry), the lifecycle of each window and
 * its occurrences (planned → active → completed, or cancelled; each move recorded with who, when
 * and why), the scheduler's passes that start and end them on time and send on what they muted,
 * and the reminders. The muter in the pipeline is {@link MaintenanceMuter}.
 */
public final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  public static final String SCHEDULER = "scheduler";
  /** A recurring window's occurrences exist this far ahead; the transitions job makes more. */
  static final Duration HORIZON = Duration.ofDays(62);
  static final int MAX_OCCURRENCES = 200;
  static final Set<String> LIVE = Set.of("planned", "active");

  private final MaintenanceStore store;
  private final HostStore hosts;
  private final OwnershipStore owners;
  private final Pipeline pipeline;
  private final MaintenanceNotices notices;
  private final IrisConfig config;
  private final Clock clock;
  private final EventBus eventBus;

  public Maintenance(MaintenanceStore store, HostStore hosts, OwnershipStore owners, Pipeline pipeline, MaintenanceNotices notices,
      IrisConfig config, Clock clock, EventBus eventBus) {
    this.store = store;
    this.hosts = hosts;
    this.owners = owners;
    this.pipeline = pipeline;
    this.notices = notices;
    this.config = config;
    this.clock = clock;
    this.eventBus = eventBus;
  }

  public MaintenanceStore store() {
    return store;
  }

  Instant now() {
    return clock.instant();
  }

  // ---- creation and reading ----------------------------------------------------------------

  /** Creates a window from a request body; its first occurrence starts at once when its time has come. */
  public Future<JsonObject> create(JsonObject body, String actor) {
    Instant now = now();
    WindowDraft draft = WindowDraft.parse(body, now, config.maintenance().maxDuration());
    return checkScope(draft.scope()).compose(v -> {
      List<Recurrence.Slot> starts = firstSlots(draft, now);
      if (starts.isEmpty()) {
        throw HttpProblem.badRequest("recurrence", "every occurrence of the rule has ended already");
      }
      List<Recurrence.Slot> due = starts.stream().filter(s -> !s.start().isAfter(now)).toList();
      List<Recurrence.Slot> later = starts.stream().filter(s -> s.start().isAfter(now)).toList();
      String state = due.isEmpty() ? "planned" : "active";
      Instant plannedUntil = draft.recurrence() == null ? null : now.plus(HORIZON);
      return store.pool().withTransaction(c -> store.insert(c, draft, state, plannedUntil, actor, now).compose(id ->
          store.addOccurrences(c, id, due, "active", now)
              .compose(x -> store.addOccurrences(c, id, later, "planned", now))
              .compose(x -> store.event(c, id, null, "created", null, "planned", actor, draft.reason(),
                  new JsonObject().put("occurrences", starts.size()), now))
              .compose(x -> due.isEmpty() ? Future.succeededFuture()
                  : store.event(c, id, null, "started", "planned", "active", actor,
                      draft.type().equals("emergency") ? "an emergency window starts at once" : "its start time had come", null, now))
              .map(x -> id)));
    }).compose(id -> {
      changed(id);
      return afterChange(id, now).compose(x -> find(id));
    });
  }

  /** The occurrences to make now: the window itself, or its rule's occurrences that end after now, within the horizon. */
  static List<Recurrence.Slot> firstSlots(WindowDraft d, Instant now) {
    if (d.recurrence() == null) {
      return List.of(new Recurrence.Slot(d.startsAt(), d.endsAt()));
    }
    return d.recurrence().slots(d.localStart(), LocalDateTime.ofInstant(d.endsAt(), d.zone()), now, now.plus(HORIZON),
        MAX_OCCURRENCES);
  }

  /** Unknown hosts, services and never-seen labels, all named in one 400. */
  Future<Void> checkScope(Scope scope) {
    List<String> labels = new ArrayList<>(new LinkedHashSet<>(scope.matchers().stream().map(Matcher::label).toList()));
    labels.removeAll(knownLabels());
    return Future.all(store.unknownHosts(scope.hosts()), hosts.unknownNames("services", scope.services()),
        store.unseenLabels(labels)).map(all -> {
          List<String> badHosts = all.resultAt(0);
          List<String> badServices = all.resultAt(1);
          List<String> badLabels = all.resultAt(2);
          if (!badHosts.isEmpty()) {
            throw HttpProblem.badRequest("scope.hosts", "not in the registry: " + String.join(", ", badHosts)
                + unknownToo(badServices, badLabels));
          }
          if (!badServices.isEmpty()) {
            throw HttpProblem.badRequest("scope.services", "not in the registry: " + String.join(", ", badServices)
                + unknownToo(List.of(), badLabels));
          }
          if (!badLabels.isEmpty()) {
            throw HttpProblem.badRequest("scope.matchers", "no alert or host Iris has seen carries the label "
                + String.join(", ", badLabels) + " (a typo would mute nothing)");
          }
          return null;
        });
  }

  private static String unknownToo(List<String> services, List<String> labels) {
    return (services.isEmpty() ? "" : "; unknown services too: " + String.join(", ", services))
        + (labels.isEmpty() ? "" : "; labels never seen: " + String.join(", ", labels));
  }

  /** Labels every alert has, or that Iris itself reads: never refused. */
  private Set<String> knownLabels() {
    Set<String> known = new LinkedHashSet<>(List.of("alertname", "severity", "instance", "job", "service"));
    known.add(config.notifications().hostLabel());
    known.addAll(config.notifications().serviceLabels());
    return known;
  }

  public Future<JsonObject> find(long id) {
    SqlClient c = store.pool();
    return store.find(c, id).compose(window -> {
      if (window == null) {
        throw HttpProblem.notFound("maintenance window " + id);
      }
      return Future.all(store.history(c, id), store.occurrences(c, id), store.mutedIncidents(c, "o.window_id = $1", id))
          .map(all -> {
            List<Occurrence> occ = all.resultAt(1);
            JsonArray occurrences = new JsonArray();
            occ.forEach(o -> occurrences.add(MaintenanceStore.json(o)));
            occ.stream().filter(o -> LIVE.contains(o.state())).findFirst()
                .ifPresent(o -> window.put("next_occurrence", MaintenanceStore.json(o)));
            return window.put("history", all.resultAt(0)).put("occurrences", occurrences)
                .put("muted_incidents", new JsonArray(all.<List<JsonObject>>resultAt(2)));
          });
    });
  }

  public Future<List<JsonObject>> list(String state, String host, String service, int limit) {
    return store.list(state, host, service, limit);
  }

  /** What a draft would cover: registered hosts and services, and the firing incidents it would mute now. */
  public Future<JsonObject> preview(JsonObject body) {
    Instant now = now();
    WindowDraft draft = WindowDraft.parse(body, now, config.maintenance().maxDuration());
    return checkScope(draft.scope()).compose(v -> Future.all(store.covered(draft.scope()), store.firing(5000))).compose(all -> {
      JsonObject covered = all.resultAt(0);
      List<JsonObject> firing = all.resultAt(1);
      List<OwnershipStore.Lookup> lookups = firing.stream().map(f -> lookup(f.getString("instance"), f.getJsonObject("labels")))
          .toList();
      return owners.ownersOf(lookups).map(found -> {
        JsonArray muted = new JsonArray();
        for (int i = 0; i < firing.size(); i++) {
          JsonObject f = firing.get(i);
          if (draft.scope().covers(f.getJsonObject("labels"), MaintenanceMuter.hostPart(f.getString("instance")), found.get(i))) {
            muted.add(f.copy().put("labels", (Object) null));
          }
        }
        JsonArray occ = new JsonArray();
        firstSlots(draft, now).stream().limit(10).forEach(s -> occ.add(new JsonObject().put("starts_at", s.start().toString())
            .put("ends_at", s.end().toString())));
        return new JsonObject().put("hosts", covered.getJsonArray("hosts")).put("services", covered.getJsonArray("services"))
            .put("would_mute_now", muted).put("occurrences", occ);
      });
    });
  }

  private OwnershipStore.Lookup lookup(String instance, JsonObject labels) {
    String host = labels.getString(config.notifications().hostLabel(), instance);
    List<String> services = config.notifications().serviceLabels().stream().map(labels::getString)
        .filter(v -> v != null && !v.isBlank()).toList();
    return new OwnershipStore.Lookup(host, services);
  }

  // ---- lifecycle by hand ---------------------------------------------------------------------

  /** Starts the next planned occurrence now. */
  public Future<JsonObject> start(long id, String actor, String reason) {
    Instant now = now();
    return act(id, actor, (c, w, occ) -> {
      requireLive(w, "start");
      if (occ.stream().anyMatch(o -> o.state().equals("active"))) {
        throw conflict("window " + id + " is active already");
      }
      Occurrence next = occ.stream().filter(o -> o.state().equals("planned")).findFirst()
          .orElseThrow(() -> conflict("window " + id + " has no planned occurrence to start"));
      Instant ends = next.endsAt().isAfter(now) ? null : now.plus(w.length());
      return store.move(c, next.id(), List.of("planned"), "active", now, ends, now, null)
          .compose(o -> store.event(c, id, o.id(), "started", "planned", "active", actor, reason == null ? "started early" : reason,
              new JsonObject().put("planned_start", next.startsAt().toString()), now));
    }).compose(v -> afterChange(id, now)).compose(v -> find(id));
  }

  /** Moves the end of the active (else the next) occurrence: to {@code ends_at}, or later {@code by} a duration. */
  public Future<JsonObject> extend(long id, JsonObject body, String actor) {
    Instant now = now();
    Object endsAtRaw = body.getValue("ends_at");
    Object byRaw = body.getValue("by");
    if ((endsAtRaw == null) == (byRaw == null)) {
      throw HttpProblem.badRequest("ends_at", "give either ends_at or by (a duration such as PT30M)");
    }
    String reason = body.getValue("reason") instanceof String s ? s : null;
    return act(id, actor, (c, w, occ) -> {
      requireLive(w, "extend");
      Occurrence target = occ.stream().filter(o -> o.state().equals("active")).findFirst()
          .or(() -> occ.stream().filter(o -> o.state().equals("planned")).findFirst())
          .orElseThrow(() -> conflict("window " + id + " has no occurrence to extend"));
      Instant newEnd = endsAtRaw != null ? WindowDraft.time(body, "ends_at", w.zone())
          : target.endsAt().plus(WindowDraft.duration(byRaw, "by"));
      if (!newEnd.isAfter(target.startsAt()) || !newEnd.isAfter(now)) {
        throw HttpProblem.badRequest(endsAtRaw != null ? "ends_at" : "by", "the new end " + newEnd + " is not after now and the start");
      }
      Duration length = Duration.between(target.startsAt(), newEnd);
      if (length.compareTo(config.maintenance().maxDuration()) > 0 && (reason == null || reason.isBlank())) {
        throw HttpProblem.badRequest(endsAtRaw != null ? "ends_at" : "by", "the window would be longer than the maximum of "
            + config.maintenance().maxDuration() + " (maintenance.max_duration); give a reason to allow it");
      }
      Occurrence after = occ.stream().filter(o -> o.startsAt().isAfter(target.startsAt()) && LIVE.contains(o.state()))
          .findFirst().orElse(null);
      if (after != null && newEnd.isAfter(after.startsAt())) {
        throw HttpProblem.badRequest(endsAtRaw != null ? "ends_at" : "by", "would run into the next occurrence at " + after.startsAt());
      }
      return store.move(c, target.id(), List.of(target.state()), target.state(), null, newEnd, null, null)
          .compose(o -> store.event(c, id, o.id(), "extended", o.state(), o.state(), actor, reason,
              new JsonObject().put("from", target.endsAt().toString()).put("to", newEnd.toString()), now));
    }).compose(v -> afterChange(id, now)).compose(v -> find(id));
  }

  /** Ends the active occurrence now. */
  public Future<JsonObject> end(long id, String actor, String reason) {
    Instant now = now();
    return act(id, actor, (c, w, occ) -> {
      requireLive(w, "end");
      Occurrence active = occ.stream().filter(o -> o.state().equals("active")).findFirst()
          .orElseThrow(() -> conflict("window " + id + " is not active (use cancel for a window that has not started)"));
      return store.move(c, active.id(), List.of("active"), "completed", null, now, null, now)
          .compose(o -> store.event(c, id, o.id(), "ended", "active", "completed", actor, reason == null ? "ended early" : reason,
              new JsonObject().put("planned_end", active.endsAt().toString()), now));
    }).compose(v -> afterChange(id, now)).compose(v -> find(id));
  }

  /** Cancels the whole window: every planned or active occurrence. */
  public Future<JsonObject> cancel(long id, String actor, String reason) {
    Instant now = now();
    return act(id, actor, (c, w, occ) -> cancelIn(c, w, occ, actor, reason, now)).compose(v -> afterChange(id, now))
        .compose(v -> find(id));
  }

  private Future<Void> cancelIn(SqlClient c, Window w, List<Occurrence> occ, String actor, String reason, Instant now) {
    requireLive(w, "cancel");
    Future<Void> chain = Future.succeededFuture();
    for (Occurrence o : occ) {
      if (LIVE.contains(o.state())) {
        boolean active = o.state().equals("active");
        chain = chain.compose(v -> store.move(c, o.id(), List.of(o.state()), "cancelled", null, active ? now : null, null,
            active ? now : null)).mapEmpty();
      }
    }
    return chain.compose(v -> store.cancelWindow(c, w.id(), now))
        .compose(v -> store.event(c, w.id(), null, "cancelled", w.state(), "cancelled", actor, reason, null, now));
  }

  /** Cancels one occurrence of a (recurring) window; the others stay. */
  public Future<JsonObject> cancelOccurrence(long id, long occurrenceId, String actor, String reason) {
    Instant now = now();
    return act(id, actor, (c, w, occ) -> {
      requireLive(w, "cancel an occurrence of");
      Occurrence o = occ.stream().filter(x -> x.id() == occurrenceId).findFirst()
          .orElseThrow(() -> HttpProblem.notFound("occurrence " + occurrenceId + " of maintenance window " + id));
      if (!LIVE.contains(o.state())) {
        throw conflict("occurrence " + occurrenceId + " is " + o.state() + " already");
      }
      boolean active = o.state().equals("active");
      return store.move(c, o.id(), List.of(o.state()), "cancelled", null, active ? now : null, null, active ? now : null)
          .compose(x -> store.event(c, id, o.id(), "occurrence_cancelled", o.state(), "cancelled", actor, reason, null, now));
    }).compose(v -> afterChange(id, now)).compose(v -> find(id));
  }

  /** Cancels many windows in one transaction: all of them, or (on any conflict) none. */
  public Future<JsonObject> cancelAll(List<Long> ids, String actor, String reason) {
    Instant now = now();
    if (ids.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("cancelled", new JsonArray()));
    }
    return store.pool().withTransaction(c -> {
      Future<Void> chain = Future.succeededFuture();
      for (long id : ids) {
        chain = chain.compose(v -> store.window(c, id, true)).compose(w -> {
          if (w == null) {
            throw HttpProblem.badRequest("ids", "no maintenance window " + id);
          }
          return store.occurrences(c, id).compose(occ -> cancelIn(c, w, occ, actor, reason, now))
              .compose(v -> store.refreshState(c, id, now)).mapEmpty();
        });
      }
      return chain;
    }).compose(v -> {
      ids.forEach(this::changed);
      return release(now);
    }).map(v -> new JsonObject().put("cancelled", new JsonArray(ids)));
  }

  public Future<List<Long>> idsWhere(String state, String host, String service, String category) {
    return store.idsWhere(state, host, service, category);
  }

  @FunctionalInterface
  private interface Action {
    Future<Void> apply(SqlClient c, Window w, List<Occurrence> occurrences);
  }

  /** One change under the window's row lock, its state recomputed from its occurrences after. */
  private Future<Void> act(long id, String actor, Action action) {
    Instant now = now();
    return store.pool().withTransaction(c -> store.window(c, id, true).compose(w -> {
      if (w == null) {
        throw HttpProblem.notFound("maintenance window " + id);
      }
      return store.occurrences(c, id).compose(occ -> action.apply(c, w, occ)).compose(v -> store.refreshState(c, id, now));
    })).map(state -> {
      changed(id);
      return null;
    });
  }

  private static void requireLive(Window w, String what) {
    if (!LIVE.contains(w.state())) {
      throw conflict("cannot " + what + " window " + w.id() + ": it is " + w.state());
    }
  }

  static HttpProblem conflict(String message) {
    return new HttpProblem(409, "conflict", message, "state");
  }

  /** After a change by hand: what started is announced, what ended is sent on. */
  private Future<Void> afterChange(long id, Instant now) {
    return announceStarted(now).compose(v -> release(now)).recover(e -> {
      LOG.warn("Maintenance window {}: notices after a change failed ({}); the next scheduler pass retries", id, e.toString());
      return Future.succeededFuture();
    });
  }

  // ---- the scheduler's passes ----------------------------------------------------------------

  /**
   * One pass of the transitions job: starts occurrences whose time has come, ends those whose
   * time is up, sends on what ended occurrences muted (with the summary), and makes recurring
   * windows' next occurrences. A pass that missed a whole occurrence (Iris was down) records it
   * as completed without muting anything.
   */
  public Future<Void> transitions() {
    Instant now = now();
    return store.occurrencesWhere("o.state = 'planned' AND o.starts_at <= $1 AND w.state <> 'cancelled'", now)
        .compose(due -> each(due, l -> {
          boolean missed = !l.occurrence().endsAt().isAfter(now);
          return store.pool().withTransaction(c -> store.move(c, l.occurrence().id(), List.of("planned"), missed ? "completed" : "active",
                  null, null, missed ? null : now, missed ? now : null)
              .compose(o -> o == null ? Future.succeededFuture() : store.event(c, l.window().id(), o.id(), missed ? "missed" : "started",
                  "planned", o.state(), SCHEDULER, missed ? "its whole time passed while no scheduler ran" : "its start time came",
                  null, now))
              .compose(v -> store.refreshState(c, l.window().id(), now)))
              .onSuccess(s -> changed(l.window().id())).mapEmpty();
        }))
        .compose(v -> store.occurrencesWhere("o.state = 'active' AND o.ends_at <= $1", now))
        .compose(ending -> each(ending, l -> store.pool().withTransaction(c -> store.move(c, l.occurrence().id(), List.of("active"),
                "completed", null, null, null, now)
            .compose(o -> o == null ? Future.succeededFuture() : store.event(c, l.window().id(), o.id(), "completed", "active",
                "completed", SCHEDULER, "its end time came", null, now))
            .compose(v -> store.refreshState(c, l.window().id(), now)))
            .onSuccess(s -> changed(l.window().id())).mapEmpty()))
        .compose(v -> announceStarted(now))
        .compose(v -> release(now))
        .compose(v -> planAhead(now));
  }

  /** Makes the next occurrences of recurring windows whose planned horizon is running out. */
  Future<Void> planAhead(Instant now) {
    return store.occurrencesWhere("w.recurrence IS NOT NULL AND w.state IN ('planned', 'active') AND w.planned_until < $1::timestamptz + interval '30 days'"
            + " AND o.id = (SELECT max(x.id) FROM maintenance_occurrences x WHERE x.window_id = w.id)", now)
        .compose(windows -> each(windows, l -> {
          Window w = l.window();
          Recurrence rule = Recurrence.parse(w.recurrence(), w.zone());
          Instant until = now.plus(HORIZON);
          List<Recurrence.Slot> slots = rule.slots(LocalDateTime.ofInstant(w.startsAt(), w.zone()),
              LocalDateTime.ofInstant(w.endsAt(), w.zone()), w.plannedUntil(), until, MAX_OCCURRENCES).stream()
              .filter(x -> x.start().isAfter(w.plannedUntil()) || x.start().equals(w.plannedUntil())).toList();
          return store.pool().withTransaction(c -> store.addOccurrences(c, w.id(), slots, "planned", now)
              .compose(ids -> store.plannedUntil(c, w.id(), until)).compose(v -> store.refreshState(c, w.id(), now))).mapEmpty();
        }));
  }

  /** "Started" notices for active occurrences not announced yet. */
  Future<Void> announceStarted(Instant now) {
    return store.occurrencesWhere("o.state = 'active' AND w.notify AND NOT EXISTS (SELECT 1 FROM maintenance_notices n "
            + "WHERE n.occurrence_id = o.id AND n.kind = 'started') AND $1 IS NOT NULL", now)
        .compose(live -> each(live, l -> notices.started(l, now)));
  }

  /**
   * Sends on the incidents that ended occurrences muted and that still fire (once: each muted row
   * is released once), then writes each ended occurrence's summary. Incidents that resolved during
   * the window stay quiet.
   */
  public Future<Void> release(Instant now) {
    return store.toRelease(5000).compose(rows -> {
      Map<Long, List<Long>> byOccurrence = new LinkedHashMap<>();
      rows.forEach(r -> byOccurrence.computeIfAbsent(r.occurrenceId(), k -> new ArrayList<>()).add(r.incidentId()));
      return store.occurrencesWhere("o.id = ANY(SELECT DISTINCT m.occurrence_id FROM maintenance_muted m WHERE m.released_at IS NULL) "
          + "AND o.state IN ('completed', 'cancelled') AND $1 IS NOT NULL", now).compose(ended -> {
            Map<Long, Window> windows = new LinkedHashMap<>();
            ended.forEach(l -> windows.put(l.occurrence().id(), l.window()));
            List<Future<?>> moves = new ArrayList<>();
            byOccurrence.forEach((occurrenceId, ids) -> {
              Window w = windows.get(occurrenceId);
              String reason = Pipeline.STILL_FIRING + " window " + (w == null ? "?" : w.id() + ": \"" + w.title() + "\"");
              moves.add(pipeline.unmuted(ids, reason));
            });
            return Future.all(moves).compose(v -> store.released(store.pool(), now)).onSuccess(v -> {
              if (!rows.isEmpty()) {
                LOG.info("Maintenance: {} muted alerts still firing after their window ended were sent on", rows.size());
                StageLoop.wake(eventBus, Stage.NOTIFY);
              }
            });
          });
    }).compose(v -> store.occurrencesWhere("o.state IN ('completed', 'cancelled') AND o.released_at IS NULL AND $1 IS NOT NULL", now))
        .compose(ended -> each(ended, l -> {
          Future<Void> summary = l.occurrence().startedAt() != null && l.window().announce() ? notices.summary(l, now)
              : Future.succeededFuture();
          return summary.compose(v -> store.occurrenceReleased(store.pool(), l.occurrence().id(), now));
        }));
  }

  /**
   * One pass of the reminders job: before each planned occurrence the latest reminder that is due
   * (a window made 30 minutes ahead gets its PT1H reminder, not PT24H as well), and near the end of
   * an active occurrence that still mutes firing alerts, one "about to end" notice.
   */
  public Future<Void> reminders() {
    Instant now = now();
    return store.occurrencesWhere("o.state = 'planned' AND w.notify AND o.starts_at > $1 AND o.starts_at <= $1::timestamptz + interval '31 days'", now)
        .compose(planned -> each(planned, l -> {
          Duration due = null;
          for (Duration d : l.window().reminders()) {
            if (!l.occurrence().startsAt().minus(d).isAfter(now) && (due == null || d.compareTo(due) < 0)) {
              due = d;
            }
          }
          if (due == null) {
            return Future.succeededFuture();
          }
          Duration which = due;
          String kind = "reminder-" + which;
          return store.noticeWritten(l.occurrence().id(), kind).compose(done -> done ? Future.succeededFuture()
              : notices.reminder(l, which, now).compose(v -> store.noticeOnce(l.occurrence().id(), kind, now)).mapEmpty());
        }))
        .compose(v -> store.occurrencesWhere("o.state = 'active' AND w.notify AND o.ends_at > $1 AND EXISTS (SELECT 1 FROM maintenance_muted m "
            + "JOIN incidents i ON i.id = m.incident_id WHERE m.occurrence_id = o.id AND i.status = 'firing')", now))
        .compose(active -> each(active, l -> {
          if (l.occurrence().endsAt().minus(config.maintenance().endingReminder()).isAfter(now)) {
            return Future.succeededFuture();
          }
          return store.noticeWritten(l.occurrence().id(), "ending").compose(done -> done ? Future.succeededFuture()
              : notices.ending(l, now).compose(v -> store.noticeOnce(l.occurrence().id(), "ending", now)).mapEmpty());
        }));
  }

  /** Tells every node's muter that windows changed. */
  private void changed(long windowId) {
    EventAddress.MAINTENANCE_CHANGED.publish(eventBus, new MaintenanceChanged(windowId));
  }

  /** Runs {@code step} for each item in turn; one failing item does not stop the others, the pass fails after. */
  private static <T> Future<Void> each(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    List<Throwable> failures = new ArrayList<>();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item).transform(ar -> {
        if (ar.failed()) {
          failures.add(ar.cause());
        }
        return Future.<Void>succeededFuture();
      }));
    }
    return chain.compose(v -> failures.isEmpty() ? Future.succeededFuture() : Future.failedFuture(failures.get(0)));
  }

  /** Ownership of an alert, for tests and the preview. */
  static Ownership unknownOwner() {
    return Ownership.unknown();
  }
}
