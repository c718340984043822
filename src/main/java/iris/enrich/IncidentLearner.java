package iris.enrich;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import iris.incident.IncidentStore;
import iris.knowledge.KnowledgeBase;
import iris.knowledge.KnowledgeCollection;
import iris.knowledge.KnowledgeStore.Document;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes resolved incidents that carry a root cause or resolution notes into the
 * {@code incidents} collection (one document per incident, rewritten when the notes change),
 * so the next similar alert finds how this one ended.
 */
public final class IncidentLearner {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentLearner.class);

  private final IncidentStore incidents;
  private final EnrichmentStore store;
  private final KnowledgeBase knowledge;

  public IncidentLearner(IncidentStore incidents, EnrichmentStore store, KnowledgeBase knowledge) {
    this.incidents = incidents;
    this.store = store;
    this.knowledge = knowledge;
  }

  /** True when the incident was written into the knowledge base. */
  public Future<Boolean> learn(long id) {
    return incidents.find(id).compose(incident -> {
      if (incident == null || !"resolved".equals(incident.getString("status"))
          || (blank(incident.getString("root_cause")) && blank(incident.getString("resolution_notes")))) {
        return Future.succeededFuture(false);
      }
      return knowledge.learn(id, document(incident)).compose(indexed -> store.markLearned(id)).map(true);
    });
  }

  /** Catches up on incidents whose learning event was missed (a node down, no enrich role running). */
  public Future<Integer> learnPending(int limit) {
    return store.toLearn(limit).compose(ids -> {
      Future<Integer> done = Future.succeededFuture(0);
      for (long id : ids) {
        done = done.compose(n -> learn(id).map(learned -> learned ? n + 1 : n));
      }
      return done;
    }).onSuccess(n -> {
      if (n > 0) {
        LOG.info("Learned {} resolved incidents into the knowledge base", n);
      }
    });
  }

  static Document document(JsonObject incident) {
    String alertname = incident.getString("alertname");
    String instance = incident.getString("instance");
    JsonObject annotations = incident.getJsonObject("annotations", new JsonObject());
    StringBuilder md = new StringBuilder("# Past incident #").append(incident.getLong("id")).append(": ")
        .append(alertname).append(instance == null ? "" : " on " + instance).append("\n\n");
    md.append("Alert `").append(alertname).append("`");
    line(md, " · severity ", incident.getString("severity"));
    line(md, " · service ", incident.getString("service"));
    line(md, " · instance ", instance);
    md.append("\n\nStarted ").append(incident.getString("starts_at"));
    line(md, ", resolved ", incident.getString("ends_at"));
    Double seconds = incident.getDouble("duration_seconds");
    if (seconds != null) {
      md.append(" (").append(Math.round(seconds / 60)).append(" min)");
    }
    md.append("\n\n## What happened\n");
    md.append(annotations.getString("summary", "")).append(' ')
        .append(AlertContext.cleanDescription(annotations.getString("description", ""))).append("\n\n");
    String rootCause = incident.getString("root_cause");
    if (!blank(rootCause)) {
      md.append("## Root cause\n").append(rootCause.strip()).append("\n\n");
    }
    String notes = incident.getString("resolution_notes");
    if (!blank(notes)) {
      md.append("## Resolution\n").append(notes.strip()).append("\n");
    }
    List<String> tags = new ArrayList<>(List.of(alertname));
    if (!blank(rootCause)) {
      tags.add("root_cause");
    }
    String title = "Past incident #" + incident.getLong("id") + ": " + alertname + (instance == null ? "" : " on " + instance);
    return new Document(KnowledgeCollection.INCIDENTS, title, md.toString(), tags, incident.getString("service"),
        "incident/" + incident.getLong("id"));
  }

  private static void line(StringBuilder md, String prefix, String value) {
    if (!blank(value)) {
      md.append(prefix).append(value);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
