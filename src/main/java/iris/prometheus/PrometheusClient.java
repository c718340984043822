package iris.prometheus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of Prometheus's HTTP API Iris uses: reload and the health of active targets
 * (enrollment), and instant queries (metrics snapshots).
 */
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

  /**
   * An instant query ({@code GET /api/v1/query}) evaluated at {@code time}: the samples of the
   * resulting vector. Fails with what Prometheus said (bad PromQL is a 400 with its reason), or
   * that it could not be reached within {@code timeout}.
   */
  public Future<List<Sample>> query(PrometheusInstance instance, String promql, Instant time, Duration timeout) {
    return http.getAbs(instance.url() + "/api/v1/query").addQueryParam("query", promql)
        .addQueryParam("time", unixSeconds(time)).timeout(timeout.toMillis()).send()
        .compose(response -> {
          JsonObject body;
          try {
            body = response.bodyAsJsonObject();
          } catch (RuntimeException e) {
            body = null;
          }
          if (body == null || (response.statusCode() != 200 && body.getString("error") == null)) {
            return Future.failedFuture(new PrometheusException("Prometheus " + instance.name() + " answered "
                + response.statusCode() + " to /api/v1/query: " + excerpt(response)));
          }
          try {
            return Future.succeededFuture(vector(body));
          } catch (PrometheusException e) {
            return Future.failedFuture(new PrometheusException("Prometheus " + instance.name() + ": " + e.getMessage()));
          }
        }, failure -> Future.failedFuture(new PrometheusException("cannot reach Prometheus " + instance.name() + " at "
            + instance.url() + ": " + (timedOut(failure) ? "no answer within " + timeout.toMillis() + " ms" : failure.getMessage()))));
  }

  /** Vert.x's own message names the whole URL, query and all: too long for a record, and the same for every query. */
  private static boolean timedOut(Throwable failure) {
    return failure instanceof java.util.concurrent.TimeoutException
        || (failure.getMessage() != null && failure.getMessage().startsWith("The timeout period of"));
  }

  /**
   * The samples of a query answer ({@code data.result[]} of a vector); NaN and infinite values are
   * left out, they say nothing about a host. An error envelope or another result type fails.
   */
  public static List<Sample> vector(JsonObject body) {
    if (!"success".equals(body.getString("status"))) {
      throw new PrometheusException("query failed (" + body.getString("errorType", "error") + "): " + body.getString("error", "no reason given"));
    }
    JsonObject data = body.getJsonObject("data", new JsonObject());
    if (!"vector".equals(data.getString("resultType"))) {
      throw new PrometheusException("query returned a " + data.getString("resultType") + ", not an instant vector");
    }
    List<Sample> samples = new ArrayList<>();
    for (Object item : data.getJsonArray("result", new JsonArray())) {
      if (!(item instanceof JsonObject series) || !(series.getValue("value") instanceof JsonArray pair) || pair.size() != 2) {
        continue;
      }
      double value;
      try {
        value = Double.parseDouble(String.valueOf(pair.getValue(1)));
      } catch (NumberFormatException e) {
        continue; // "+Inf", "-Inf"
      }
      if (!Double.isFinite(value)) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      series.getJsonObject("metric", new JsonObject()).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
      samples.add(new Sample(Map.copyOf(labels), value));
    }
    return samples;
  }

  /** Prometheus takes a decimal number of seconds; milliseconds are enough. */
  static String unixSeconds(Instant time) {
    return java.math.BigDecimal.valueOf(time.toEpochMilli(), 3).toPlainString();
  }

  /** One series of an instant vector: its labels and its value. */
  public record Sample(Map<String, String> labels, double value) {
    public String label(String name) {
      return labels.getOrDefault(name, "");
    }
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
