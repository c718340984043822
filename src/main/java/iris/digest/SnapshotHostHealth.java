package iris.digest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host health from the metrics snapshots ({@code metric_snapshots}, owned by iris.metrics): per
 * host, its latest snapshot in the period when that one is not ok or its disk is filling up, or
 * else the worst state it was in. Nothing while the table does not exist.
 */
final class SnapshotHostHealth implements HostHealth {
  private final DigestStore store;

  SnapshotHostHealth(DigestStore store) {
    this.store = store;
  }

  // The latest snapshot of each host in the period, and the worst state any of its snapshots had.
  private static final String LINES = """
      SELECT DISTINCT ON (s.host_id) s.host_id, h.hostname, s.state, s.breaches, s.fullest_mountpoint, s.fullest_disk_pct,
             s.disk_trend_pct_per_day, s.disk_full_in_days,
             max(CASE s.state WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 WHEN 'unknown' THEN 1 ELSE 0 END)
               OVER (PARTITION BY s.host_id) AS worst
      FROM metric_snapshots s JOIN hosts h ON h.id = s.host_id
      WHERE s.host_id = ANY($1) AND s.taken_at >= $2 AND s.taken_at < $3
      ORDER BY s.host_id, s.taken_at DESC""";

  @Override
  public Future<Map<Long, Line>> lines(Collection<Long> hostIds, Instant from, Instant to) {
    return store.counted(store.pool().query("SELECT to_regclass('metric_snapshots') IS NOT NULL AS present").execute()).compose(r -> {
      if (!r.iterator().next().getBoolean("present")) {
        return Future.succeededFuture(Map.of());
      }
      return store.counted(store.pool().preparedQuery(LINES).execute(Tuple.tuple().addArrayOfLong(hostIds.toArray(Long[]::new))
          .addOffsetDateTime(DigestStore.utc(from)).addOffsetDateTime(DigestStore.utc(to)))).map(rows -> {
            Map<Long, Line> out = new HashMap<>();
            for (Row row : rows) {
              String state = row.getString("state");
              int worst = row.getInteger("worst");
              Double fullIn = number(row, "disk_full_in_days");
              if ("ok".equals(state) && worst == 0 && fullIn == null) {
                continue;
              }
              String shown = worst == 3 ? "critical" : worst == 2 ? "warning" : state;
              out.put(row.getLong("host_id"), new Line(row.getLong("host_id"), row.getString("hostname"), shown, breaches(row.getValue("breaches")),
                  row.getString("fullest_mountpoint"), number(row, "fullest_disk_pct"), number(row, "disk_trend_pct_per_day"), fullIn));
            }
            return out;
          });
    });
  }

  /** Breaches as the snapshots store them: objects ({metric, level, value, mountpoint}, worst first), or plain strings. */
  private static List<String> breaches(Object value) {
    List<String> out = new ArrayList<>();
    JsonArray a = value instanceof JsonArray j ? j : value instanceof JsonObject o ? new JsonArray().add(o) : new JsonArray();
    for (Object b : a) {
      if (b instanceof JsonObject o) {
        String metric = o.getString("metric", o.getString("name", "?"));
        String mount = o.getString("mountpoint");
        Object v = o.getValue("value");
        String level = o.getString("level", o.getString("state", ""));
        out.add(metric + (mount == null ? "" : " " + mount) + (v == null ? "" : " " + v + " %") + (level.isEmpty() ? "" : " (" + level + ")"));
      } else if (b != null) {
        out.add(String.valueOf(b));
      }
    }
    return out;
  }

  private static Double number(Row row, String column) {
    Object v = row.getValue(column);
    return v instanceof Number n ? n.doubleValue() : null;
  }
}
