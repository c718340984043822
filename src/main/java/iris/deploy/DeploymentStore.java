package iris.deploy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import iris.knowledge.OllamaWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The SQL of {@code deployments}. */
public final class DeploymentStore {
  private final Pool pool;

  public DeploymentStore(Pool pool) {
    this.pool = pool;
  }

  /** The deployment a new one is compared with: the latest of the service and environment that did not fail. */
  public Future<JsonObject> previous(String service, String environment) {
    return pool.preparedQuery("""
            SELECT * FROM deployments WHERE service = $1 AND environment = $2 AND status IN ('started', 'succeeded')
            ORDER BY started_at DESC, id DESC LIMIT 1""")
        .execute(Tuple.of(service, environment)).map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  public Future<Boolean> deployedBefore(String service, String environment, String version) {
    return pool.preparedQuery("SELECT 1 FROM deployments WHERE service = $1 AND environment = $2 AND version = $3 AND status = 'succeeded' LIMIT 1")
        .execute(Tuple.of(service, environment, version)).map(rows -> rows.size() > 0);
  }

  public record NewDeployment(String service, String environment, String version, List<String> hosts, String status,
                              Instant startedAt, Instant finishedAt, String deployedBy, String url, JsonArray commits,
                              Change change, Long previousId, String previousVersion, OllamaWriter.Written summary,
                              Long windowId, String createdBy) {}

  public Future<Long> insert(NewDeployment d) {
    return pool.preparedQuery("""
            INSERT INTO deployments (service, environment, version, hosts, status, started_at, finished_at, deployed_by, url, commits,
              change, bump, ordered_by, previous_id, previous_version, change_summary, window_id, created_by,
              summary_generated_by, summary_model, summary_fallback_reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id""")
        .execute(Tuple.tuple().addString(d.service()).addString(d.environment()).addString(d.version())
            .addArrayOfString(d.hosts().toArray(String[]::new)).addString(d.status()).addOffsetDateTime(utc(d.startedAt()))
            .addOffsetDateTime(utc(d.finishedAt())).addString(d.deployedBy()).addString(d.url()).addValue(d.commits())
            .addString(d.change().change()).addString(d.change().bump()).addString(d.change().orderedBy()).addLong(d.previousId())
            .addString(d.previousVersion()).addString(d.summary().text()).addLong(d.windowId()).addString(d.createdBy())
            .addString(d.summary().generatedBy()).addString(d.summary().model()).addString(d.summary().fallbackReason()))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Moves the status if it is still {@code from}; the row after, or null when it was not. */
  public Future<JsonObject> move(long id, List<String> from, String to, Instant finishedAt, Instant now) {
    return pool.preparedQuery("""
            UPDATE deployments SET status = $3, finished_at = COALESCE($4, finished_at), updated_at = $5
            WHERE id = $1 AND status = ANY($2) RETURNING *""")
        .execute(Tuple.tuple().addLong(id).addArrayOfString(from.toArray(String[]::new)).addString(to)
            .addOffsetDateTime(utc(finishedAt)).addOffsetDateTime(utc(now)))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  public Future<JsonObject> find(long id) {
    return pool.preparedQuery("SELECT * FROM deployments WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /** Deployments of {@code host} or of {@code services} that started at or after {@code since}, newest first. */
  public Future<List<JsonObject>> recent(String host, List<String> services, Instant since, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM deployments WHERE started_at >= $3 AND status <> 'failed'
              AND (service = ANY($2) OR ($1::text IS NOT NULL AND hosts @> ARRAY[$1::text]))
            ORDER BY started_at DESC, id DESC LIMIT $4""")
        .execute(Tuple.tuple().addString(host).addArrayOfString(services.toArray(String[]::new)).addOffsetDateTime(utc(since))
            .addInteger(limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  /** The audit trail, newest first. */
  public Future<List<JsonObject>> list(String service, String environment, Instant since, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM deployments WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR environment = $2)
              AND ($3::timestamptz IS NULL OR started_at >= $3)
            ORDER BY started_at DESC, id DESC LIMIT $4""")
        .execute(Tuple.of(service, environment, utc(since), limit)).map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("service", r.getString("service"))
        .put("environment", r.getString("environment")).put("version", r.getString("version"))
        .put("hosts", new JsonArray(List.of(r.getArrayOfStrings("hosts")))).put("status", r.getString("status"))
        .put("started_at", text(r.getOffsetDateTime("started_at"))).put("finished_at", text(r.getOffsetDateTime("finished_at")))
        .put("deployed_by", r.getString("deployed_by")).put("url", r.getString("url")).put("commits", r.getValue("commits"))
        .put("change", r.getString("change")).put("bump", r.getString("bump")).put("ordered_by", r.getString("ordered_by"))
        .put("previous_id", r.getLong("previous_id")).put("previous_version", r.getString("previous_version"))
        .put("change_summary", r.getString("change_summary"))
        .put("summary_generated_by", r.getString("summary_generated_by")).put("summary_model", r.getString("summary_model"))
        .put("summary_fallback_reason", r.getString("summary_fallback_reason")).put("window_id", r.getLong("window_id"))
        .put("created_by", r.getString("created_by")).put("created_at", text(r.getOffsetDateTime("created_at")));
  }

  static OffsetDateTime utc(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static String text(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
