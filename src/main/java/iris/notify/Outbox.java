package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import iris.incident.Pipeline;
import iris.trace.Traces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox: every message Iris sends is a row of {@code deliveries}, whatever it is about.
 * A message's identity is its topic ("group:12", "enrollment:7"), kind, recipient, channel and
 * revision. A sender claims a row (a lease and a new claim token) and, right before posting,
 * proves it still holds that claim ({@link #fence}); a sender that lost it never posts.
 */
public final class Outbox {

  /** A message to write. {@code incidentIds} are the incidents it tells of (none for a notice). */
  public record NewMessage(String topic, Long groupId, List<Long> incidentIds, String kind, String channel, String recipient,
                           Message message) {}

  /** A claimed row, as the sender needs it. */
  public record Delivery(long id, String topic, List<Long> incidentIds, String kind, String channel, String recipient,
                         String sendKey, JsonObject payload, int attempts, long token, String traceParent) {
    Message message() {
      return MessageJson.from(payload);
    }
  }

  /** A firing message that told of some of the given incidents, and where it stands. */
  public record Told(long id, String state, String recipient, String channel, List<Long> incidentIds) {}

  // The next revision of this identity: a group that changes after its message was sent gets a
  // new message, and the one sent is never touched again.
  private static final String APPEND = """
      WITH next AS (SELECT COALESCE(max(revision), 0) + 1 AS revision FROM deliveries
                    WHERE topic = $1 AND kind = $2 AND channel = $3 AND recipient = $4)
      INSERT INTO deliveries (topic, kind, channel, recipient, revision, send_key, group_id, incident_ids, payload)
      SELECT $1, $2, $3, $4, next.revision, $1 || ':' || $2 || ':' || $3 || ':' || $4 || ':' || next.revision, $5, $6, $7
      FROM next RETURNING id""";

  // The same, for many messages at once (a JSON array, parameter %1$s), written only if the move
  // to routed in the same statement (the CTE "moved") moved anything.
  private static final String APPEND_IF_MOVED = """
      INSERT INTO deliveries (topic, kind, channel, recipient, revision, send_key, group_id, incident_ids, payload, trace_parent)
      SELECT m.topic, m.kind, m.channel, m.recipient, r.revision,
             m.topic || ':' || m.kind || ':' || m.channel || ':' || m.recipient || ':' || r.revision,
             m.group_id, m.incident_ids, m.payload, m.trace_parent
      FROM jsonb_to_recordset($%1$s::jsonb)
        AS m(topic text, kind text, channel text, recipient text, group_id bigint, incident_ids bigint[], payload jsonb,
             trace_parent text)
      CROSS JOIN LATERAL (SELECT COALESCE(max(d.revision), 0) + 1 AS revision FROM deliveries d
                          WHERE d.topic = m.topic AND d.kind = m.kind AND d.channel = m.channel AND d.recipient = m.recipient) r
      WHERE EXISTS (SELECT 1 FROM moved)
      RETURNING id""";

  // A message that exists once: a second write of it (a repeated event) adds nothing.
  private static final String ONCE = """
      INSERT INTO deliveries (topic, kind, channel, recipient, revision, send_key, group_id, incident_ids, payload)
      VALUES ($1, $2, $3, $4, 1, $1 || ':' || $2 || ':' || $3 || ':' || $4 || ':1', $5, $6, $7)
      ON CONFLICT (topic, kind, recipient, channel, revision) DO NOTHING RETURNING id""";

  private final Pool pool;
  private final Pool leases;

  public Outbox(Pool pool) {
    this(pool, pool);
  }

  /** @param leases where rows are claimed and fenced (asynchronous commit: see {@code Database.leasePool}) */
  public Outbox(Pool pool, Pool leases) {
    this.pool = pool;
    this.leases = leases;
  }

  /** Writes each message as the next revision of its identity (in {@code client}'s transaction); returns the new ids. */
  public Future<List<Long>> append(SqlClient client, List<NewMessage> messages) {
    return write(client, APPEND, messages);
  }

  /**
   * Writes each message as the next revision of its identity, in the statement that moves its
   * incidents to routed; each row keeps the current span's traceparent, which its send continues ({@link Pipeline#routed(iris.incident.Claim, List, Pipeline.Alongside)}).
   */
  public static Pipeline.Alongside appendIfMoved(List<NewMessage> messages) {
    JsonArray rows = new JsonArray();
    messages.forEach(m -> rows.add(new JsonObject().put("topic", m.topic()).put("kind", m.kind()).put("channel", m.channel())
        .put("recipient", m.recipient()).put("group_id", m.groupId()).put("incident_ids", new JsonArray(new ArrayList<>(m.incidentIds())))
        .put("payload", MessageJson.of(m.message())).put("trace_parent", Traces.currentParent())));
    return new Pipeline.Alongside(first -> APPEND_IF_MOVED.formatted(first), List.of(rows));
  }

  /** Marks a delivery sent, in the statement that settles its incidents ({@link Pipeline#settle(long, List, Pipeline.Alongside)}). */
  public static Pipeline.Alongside markSent(long id) {
    return markSent(List.of(id));
  }

  /** {@link #markSent(long)} for several deliveries, in one settling statement. */
  public static Pipeline.Alongside markSent(List<Long> ids) {
    return new Pipeline.Alongside(first -> "UPDATE deliveries SET state = 'sent', sent_at = now(), last_error = NULL"
        + " WHERE id = ANY($" + first + "::bigint[]) AND state = 'queued' RETURNING id", List.<Object>of((Object) ids.toArray(Long[]::new)));
  }

  /** Writes messages that exist only once (notices); returns the ids of those not written before. */
  public Future<List<Long>> once(List<NewMessage> messages) {
    return write(pool, ONCE, messages);
  }

  /** {@link #once(List)} in {@code client}'s transaction (a digest's row and its messages commit together). */
  public Future<List<Long>> once(SqlClient client, List<NewMessage> messages) {
    return write(client, ONCE, messages);
  }

  private static Future<List<Long>> write(SqlClient client, String sql, List<NewMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Tuple> batch = messages.stream().map(m -> Tuple.of(m.topic(), m.kind(), m.channel(), m.recipient(), m.groupId())
        .addArrayOfLong(m.incidentIds().toArray(Long[]::new)).addValue(MessageJson.of(m.message()))).toList();
    return client.preparedQuery(sql).executeBatch(batch).map(rows -> {
      List<Long> ids = new ArrayList<>();
      for (var r = rows; r != null; r = r.next()) {
        r.forEach(row -> ids.add(row.getLong("id")));
      }
      return ids;
    });
  }

  /** Takes a due row for {@code lease} with a new claim token; null when it is not due, settled, or held elsewhere. */
  public Future<Delivery> claim(long id, Duration lease) {
    return claim(List.of(id), lease).map(claimed -> claimed.get(0));
  }

  /** {@link #claim(long, Duration)} for many rows in one statement; answers in the order of {@code ids}. */
  public Future<List<Delivery>> claim(List<Long> ids, Duration lease) {
    String sql = """
        UPDATE deliveries SET lease_until = now() + $2::bigint * interval '1 millisecond', attempts = attempts + 1,
          claim_token = claim_token + 1
        WHERE id = ANY($1) AND state = 'queued' AND next_attempt_at <= now() AND lease_until <= now()
        RETURNING id, topic, incident_ids, kind, channel, recipient, send_key, payload, attempts, claim_token, trace_parent""";
    return leases.preparedQuery(sql).execute(Tuple.of(ids.toArray(Long[]::new), lease.toMillis())).map(rows -> {
      Map<Long, Delivery> byId = new HashMap<>();
      for (Row r : rows) {
        byId.put(r.getLong("id"), new Delivery(r.getLong("id"), r.getString("topic"), List.of(r.getArrayOfLongs("incident_ids")),
            r.getString("kind"), r.getString("channel"), r.getString("recipient"), r.getString("send_key"),
            r.getValue("payload") instanceof JsonObject o ? o : new JsonObject(), r.getInteger("attempts"), r.getLong("claim_token"),
            r.getString("trace_parent")));
      }
      List<Delivery> out = new ArrayList<>();
      ids.forEach(id -> out.add(byId.remove(id))); // an id asked twice is claimed once: only the first asker sends
      return out;
    });
  }

  /**
   * True when {@code d}'s claim still holds; then it holds for {@code lease} more, longer than
   * one send may take, so nobody else can claim the row while this send is on the wire.
   */
  public Future<Boolean> fence(Delivery d, Duration lease) {
    return leases.preparedQuery("""
            UPDATE deliveries SET lease_until = now() + $3::bigint * interval '1 millisecond'
            WHERE id = $1 AND claim_token = $2 AND state = 'queued' RETURNING id""")
        .execute(Tuple.of(d.id(), d.token(), lease.toMillis())).map(rows -> rows.size() == 1);
  }

  public Future<Void> retryAt(Delivery d, String error, Duration wait) {
    return pool.preparedQuery("""
            UPDATE deliveries SET last_error = $3, next_attempt_at = now() + $4::bigint * interval '1 millisecond',
              lease_until = now() WHERE id = $1 AND claim_token = $2 AND state = 'queued'""")
        .execute(Tuple.of(d.id(), d.token(), error, wait.toMillis())).mapEmpty();
  }

  /** Puts a claimed row back for {@code wait} without counting the attempt (its destination was busy). */
  public Future<Void> later(Delivery d, Duration wait) {
    return leases.preparedQuery("""
            UPDATE deliveries SET next_attempt_at = now() + $3::bigint * interval '1 millisecond', lease_until = now(),
              attempts = attempts - 1 WHERE id = $1 AND claim_token = $2 AND state = 'queued'""")
        .execute(Tuple.of(d.id(), d.token(), wait.toMillis())).mapEmpty();
  }

  public Future<Void> failed(Delivery d, String error) {
    return pool.preparedQuery("UPDATE deliveries SET state = 'failed', last_error = $3 WHERE id = $1 AND claim_token = $2 AND state = 'queued'")
        .execute(Tuple.of(d.id(), d.token(), error)).mapEmpty();
  }

  /** Rows due now and not leased, oldest first. */
  public Future<List<Long>> due(int limit) {
    return pool.preparedQuery("SELECT id FROM deliveries WHERE state = 'queued' AND next_attempt_at <= now() AND lease_until <= now() "
        + "ORDER BY next_attempt_at LIMIT $1").execute(Tuple.of(limit)).map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong("id")));
          return ids;
        });
  }

  /**
   * Cancels the firing messages not sent yet, not on the wire, and about incidents that are all
   * resolved now: nobody needs to hear of an alert that fired and ended unseen.
   */
  public Future<Integer> cancelUnsentFiring(List<Long> resolvedIds) {
    String sql = """
        UPDATE deliveries d SET state = 'cancelled', last_error = 'resolved before it was sent'
        WHERE d.kind = 'firing' AND d.incident_ids && $1 AND d.state = 'queued' AND d.lease_until <= now()
          AND NOT EXISTS (SELECT 1 FROM incidents o WHERE o.id = ANY(d.incident_ids) AND o.status = 'firing')""";
    return pool.preparedQuery(sql).execute(Tuple.tuple().addArrayOfLong(resolvedIds.toArray(Long[]::new))).map(rows -> rows.rowCount());
  }

  /** The firing messages that told (or were to tell) of any of {@code incidentIds}. */
  public Future<List<Told>> firingOf(List<Long> incidentIds) {
    String sql = """
        SELECT id, state, recipient, channel, incident_ids FROM deliveries
        WHERE kind = 'firing' AND incident_ids && $1 ORDER BY id""";
    return pool.preparedQuery(sql).execute(Tuple.tuple().addArrayOfLong(incidentIds.toArray(Long[]::new))).map(rows -> {
      List<Told> told = new ArrayList<>();
      rows.forEach(r -> told.add(new Told(r.getLong("id"), r.getString("state"), r.getString("recipient"),
          r.getString("channel"), List.of(r.getArrayOfLongs("incident_ids")))));
      return told;
    });
  }
}
