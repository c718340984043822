package iris.deploy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The deployments an alert may follow: of its host or its services, started within
 * {@code lookback} (maintenance.deployment_lookback), newest first, each with a line an
 * operator reads ("api 2.4.0 deployed 7 min ago by ci, minor upgrade").
 */
public final class RecentDeployments {
  private final DeploymentStore store;
  private final Clock clock;
  private final Duration lookback;

  public RecentDeployments(DeploymentStore store, Clock clock, Duration lookback) {
    this.store = store;
    this.clock = clock;
    this.lookback = lookback;
  }

  public Future<List<JsonObject>> near(String host, List<String> services) {
    if ((host == null || host.isBlank()) && services.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Instant now = clock.instant();
    return store.recent(host, services, now.minus(lookback), 3).map(found -> {
      List<JsonObject> out = new ArrayList<>();
      for (JsonObject d : found) {
        out.add(new JsonObject().put("id", d.getLong("id")).put("service", d.getString("service"))
            .put("version", d.getString("version")).put("environment", d.getString("environment"))
            .put("status", d.getString("status")).put("started_at", d.getString("started_at"))
            .put("text", line(d, now)));
      }
      return out;
    });
  }

  static String line(JsonObject d, Instant now) {
    Change change = new Change(d.getString("change"), d.getString("bump"), d.getString("ordered_by"));
    long minutes = Math.max(0, Duration.between(Instant.parse(d.getString("started_at")), now).toMinutes());
    String who = d.getString("deployed_by") == null ? "" : " by " + d.getString("deployed_by");
    String what = what(change, d);
    String status = d.getString("status").equals("succeeded") || d.getString("status").equals("started") ? ""
        : " (" + d.getString("status").replace('_', ' ') + ")";
    return d.getString("service") + " " + d.getString("version") + " deployed " + minutes + " min ago" + who + ", " + what + status;
  }

  private static String what(Change change, JsonObject d) {
    if (change.change().equals("upgrade") || change.change().equals("rollback")) {
      return (change.bump() == null ? "" : change.bump() + " ") + change.change()
          + (d.getString("previous_version") == null ? "" : " from " + d.getString("previous_version"));
    }
    return change.change().equals("first") ? "first deployment" : "redeploy";
  }
}
