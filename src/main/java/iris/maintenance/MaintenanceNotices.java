package iris.maintenance;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import iris.IrisConfig;
import iris.knowledge.OllamaWriter;
import iris.maintenance.MaintenanceStore.Live;
import iris.maintenance.MaintenanceStore.Occurrence;
import iris.maintenance.MaintenanceStore.Person;
import iris.maintenance.MaintenanceStore.Window;
import iris.notify.GraphChannel;
import iris.notify.Notice;
import iris.notify.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notices of a window, through the outbox (retried, never twice), to the maintainers of its
 * hosts and services (else the default channel): a reminder before it starts, one when it starts,
 * one when it is about to end while alerts it muted still fire, and a summary at its end.
 */
public final class MaintenanceNotices {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm zzz");

  private final MaintenanceStore store;
  private final Outbox outbox;
  private final IrisConfig config;
  private final OllamaWriter writer;

  public MaintenanceNotices(MaintenanceStore store, Outbox outbox, IrisConfig config) {
    this(store, outbox, config, null);
  }

  /** With {@code writer} (null: no LLM configured), the summary is written by the LLM, else by the template. */
  public MaintenanceNotices(MaintenanceStore store, Outbox outbox, IrisConfig config, OllamaWriter writer) {
    this.store = store;
    this.outbox = outbox;
    this.config = config;
    this.writer = writer;
  }

  /** The LLM writer the notices use, or null; deployments use the same one for their change summaries. */
  public OllamaWriter writer() {
    return writer;
  }

  Future<Void> reminder(Live l, Duration before, Instant now) {
    Window w = l.window();
    Occurrence o = l.occurrence();
    Notice notice = new Notice("Maintenance in " + Summary.human(Duration.between(now, o.startsAt())) + ": " + w.title(),
        "Alerts in its scope will be muted from " + local(o.startsAt(), w) + " to " + local(o.endsAt(), w) + ".", true,
        facts(w, o), null);
    return write(l, "reminder-" + before, notice);
  }

  Future<Void> started(Live l, Instant now) {
    return store.noticeOnce(l.occurrence().id(), "started", now).compose(first -> {
      if (!first) {
        return Future.succeededFuture();
      }
      Window w = l.window();
      Notice notice = new Notice("Maintenance started: " + w.title(),
          "Alerts in its scope are muted until " + local(l.occurrence().endsAt(), w) + "; those still firing at its end will be sent then.",
          true, facts(w, l.occurrence()), null);
      return write(l, "started", notice);
    });
  }

  Future<Void> ending(Live l, Instant now) {
    Window w = l.window();
    return store.mutedIncidents(store.pool(), "m.occurrence_id = $1", l.occurrence().id()).compose(muted -> {
      List<JsonObject> firing = muted.stream().filter(m -> "firing".equals(m.getString("status"))).toList();
      Notice notice = new Notice("Maintenance ends in " + Summary.human(Duration.between(now, l.occurrence().endsAt())) + ": "
          + w.title(), firing.size() + " muted alert" + (firing.size() == 1 ? " is" : "s are") + " still firing: "
          + lines(firing) + ". Extend the window, or they are sent to their owners when it ends.", false,
          facts(w, l.occurrence()), null);
      return write(l, "ending", notice);
    });
  }

  static final String SUMMARY_SYSTEM = """
      You are Iris, writing the end-of-maintenance notice for on-call engineers. Using ONLY the facts \
      below, write three to five plain sentences: how the window ended and whether it overran, what \
      fired and was muted, what resolved, what is still firing (now sent to its owners) and what was \
      deployed during it. Name alerts, hosts and versions as given; invent nothing. Answer with one \
      JSON object: {"summary": the text}.""";

  Future<Void> summary(Live l, Instant now) {
    Window w = l.window();
    Occurrence o = l.occurrence();
    Instant from = o.startedAt() == null ? o.startsAt() : o.startedAt();
    Instant to = o.endedAt() == null ? now : o.endedAt();
    return Future.all(store.mutedIncidents(store.pool(), "m.occurrence_id = $1", o.id()),
        store.deploymentsIn(w.scope(), from, to, 50)).compose(all -> {
      List<JsonObject> muted = all.resultAt(0);
      List<JsonObject> deployed = all.resultAt(1);
      Summary s = Summary.of(w, o, muted, deployed);
      Map<String, String> facts = facts(w, o);
      facts.put("Ran", local(from, w) + " – " + local(o.endedAt(), w));
      if (!deployed.isEmpty()) {
        facts.put("Deployments", Summary.deployments(deployed));
      }
      return OllamaWriter.orTemplate(writer, "maintenance summary of window " + w.id(), SUMMARY_SYSTEM,
          summaryPrompt(w, facts, s, muted, deployed), s.text()).compose(written -> {
            facts.put("Written by", written.by());
            return store.event(store.pool(), w.id(), o.id(), "summary", null, null, Maintenance.SCHEDULER, null,
                written.toJson(), now).compose(v -> write(l, "summary",
                    new Notice(s.title(), written.text(), s.stillFiring().isEmpty(), facts, null)));
          });
    });
  }

  /** The facts of the summary, for the LLM: the window, what it muted and their status, what was deployed. */
  static String summaryPrompt(Window w, Map<String, String> facts, Summary s, List<JsonObject> muted, List<JsonObject> deployed) {
    StringBuilder p = new StringBuilder("WINDOW\n");
    facts.forEach((k, v) -> p.append(k).append(": ").append(v).append('\n'));
    p.append("\nMUTED ALERTS (").append(muted.size()).append(")\n");
    muted.stream().limit(30).forEach(m -> p.append("- ").append(m.getString("alertname"))
        .append(m.getString("instance") == null ? "" : " on " + m.getString("instance")).append(": ").append(m.getString("status"))
        .append('\n'));
    p.append("\nDEPLOYMENTS DURING THE WINDOW (").append(deployed.size()).append(")\n");
    deployed.stream().limit(20).forEach(d -> p.append("- ").append(Summary.deployments(List.of(d))).append('\n'));
    p.append("\nTHE TEMPLATE'S SUMMARY\n").append(s.text()).append('\n');
    return p.toString();
  }

  private Map<String, String> facts(Window w, Occurrence o) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Window", "#" + w.id() + " " + w.title() + " (" + w.type() + ", " + w.category() + ")");
    facts.put("When", local(o.startsAt(), w) + " – " + local(o.endsAt(), w));
    if (!w.scope().hosts().isEmpty()) {
      facts.put("Hosts", String.join(", ", w.scope().hosts()));
    }
    if (!w.scope().services().isEmpty()) {
      facts.put("Services", String.join(", ", w.scope().services()));
    }
    if (!w.scope().matchers().isEmpty()) {
      facts.put("Matching", String.join(", ", w.scope().matchers().stream().map(Matcher::toString).toList()));
    }
    facts.put("Details", "/api/v1/maintenance-windows/" + w.id());
    return facts;
  }

  static String lines(List<JsonObject> incidents) {
    List<String> out = new ArrayList<>();
    for (JsonObject i : incidents.subList(0, Math.min(10, incidents.size()))) {
      out.add(i.getString("alertname") + (i.getString("instance") == null ? "" : " on " + i.getString("instance")));
    }
    return String.join(", ", out) + (incidents.size() > 10 ? " and " + (incidents.size() - 10) + " more" : "");
  }

  static String local(Instant t, Window w) {
    return t == null ? "now" : ZonedDateTime.ofInstant(t, w.zone()).format(WHEN);
  }

  private Future<Void> write(Live l, String kind, Notice notice) {
    return tell(l.window().scope(), "maintenance:" + l.occurrence().id(), kind, notice);
  }

  /**
   * Writes {@code notice} once per maintainer of the scope's hosts and services and channel they
   * take (and can be reached on), else to the default channel; a repeat adds nothing.
   */
  public Future<Void> tell(Scope scope, String topic, String kind, Notice notice) {
    boolean email = !"off".equals(config.email().transport());
    IrisConfig.Graph graph = config.notifications().graph();
    return store.maintainersOf(scope).compose(people -> {
      List<Outbox.NewMessage> messages = new ArrayList<>();
      for (Person p : people) {
        for (String channel : p.channels()) {
          if (channel.equals("teams") && p.teams() || channel.equals("email") && email && p.email() != null && !p.email().isBlank()
              || channel.equals(GraphChannel.NAME) && graph.enabled() && p.graph()) {
            messages.add(new Outbox.NewMessage(topic, null, List.of(), kind, channel, p.name(), notice));
          }
        }
      }
      if (messages.isEmpty()) {
        IrisConfig.Notify n = config.notifications();
        if (!n.defaultTeamsWebhookUrl().isBlank()) {
          messages.add(new Outbox.NewMessage(topic, null, List.of(), kind, "teams", "default", notice));
        }
        if (email && !n.defaultEmail().isBlank()) {
          messages.add(new Outbox.NewMessage(topic, null, List.of(), kind, "email", "default", notice));
        }
        if (graph.hasDefault()) {
          messages.add(new Outbox.NewMessage(topic, null, List.of(), kind, GraphChannel.NAME, "default", notice));
        }
      }
      return outbox.once(messages).mapEmpty();
    });
  }
}
