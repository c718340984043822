package iris.prometheus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/** The parts of Prometheus's HTTP API enrollment uses: reload, and the health of active targets. */
public final class PrometheusClient {
  private static final long TIMEOUT_MS = 10_000;

  private final WebClient http;

  public PrometheusClient(WebClient http) {
    this.http = http;
  }

  /** {@code POST /-/reload}; fails with what Prometheus said (403 means the lifecycle API is off). */
  public Future<Void> reload(PrometheusInstance instance) {
    return http.postAbs(instance.url() + "/-/reload").timeout(TIMEOUT_MS).send().compose(response -> {
      if (response.statusCode() / 100 == 2) {
        return Future.succeededFuture();
      }
      String why = response.statusCode() == 403
          ? "Prometheus refused the reload (403): start it with --web.enable-lifecycle, or set reload: false"
          : "Prometheus answered " + response.statusCode() + " to /-/reload: " + excerpt(response);
      return Future.failedFuture(new PrometheusException(why));
    }, failure -> Future.failedFuture(new PrometheusException(
        "cannot reach Prometheus " + instance.name() + " at " + instance.url() + ": " + failure.getMessage())));
  }

  /** The active targets carrying {@code label=value}: their scrape URL, health and last error. */
  public Future<List<TargetHealth>> targets(PrometheusInstance instance, String label, String value) {
    return http.getAbs(instance.url() + "/api/v1/targets").addQueryParam("state", "active").timeout(TIMEOUT_MS).send()
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture(new PrometheusException("Prometheus answered " + response.statusCode()
                + " to /api/v1/targets: " + excerpt(response)));
          }
          JsonObject body = response.bodyAsJsonObject();
          if (!"success".equals(body.getString("status"))) {
            return Future.failedFuture(new PrometheusException("Prometheus reported an error: " + body.getString("error")));
          }
          List<TargetHealth> found = new ArrayList<>();
          JsonArray active = body.getJsonObject("data", new JsonObject()).getJsonArray("activeTargets", new JsonArray());
          for (int i = 0; i < active.size(); i++) {
            JsonObject target = active.getJsonObject(i);
            JsonObject labels = target.getJsonObject("labels", new JsonObject());
            if (value.equals(labels.getString(label))) {
              found.add(new TargetHealth(target.getString("scrapeUrl", ""), labels.getString("job", ""),
                  target.getString("health", "unknown"), target.getString("lastError", "")));
            }
          }
          return Future.succeededFuture(found);
        }, failure -> Future.failedFuture(new PrometheusException(
            "cannot reach Prometheus " + instance.name() + " at " + instance.url() + ": " + failure.getMessage())));
  }

  private static String excerpt(HttpResponse<Buffer> response) {
    String body = response.bodyAsString();
    if (body == null) {
      return "(no body)";
    }
    body = body.strip();
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }

  /** One target as Prometheus sees it. */
  public record TargetHealth(String scrapeUrl, String job, String health, String lastError) {
    public boolean up() {
      return "up".equals(health);
    }
  }

  public static final class PrometheusException extends RuntimeException {
    public PrometheusException(String message) {
      super(message, null, false, false);
    }
  }
}
