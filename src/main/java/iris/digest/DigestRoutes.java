package iris.digest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.IrisConfig;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Set;

/** {@code /api/v1/digests}: build one now (or a dry run), list those sent, read one as JSON or as its email's HTML. */
final class DigestRoutes {
  private static final String BASE = "/api/v1/digests";
  private static final Set<String> RUN_FIELDS = Set.of("frequency", "maintainer", "period_end", "dry_run");

  private final Digests digests;
  private final Clock clock;
  private final ZoneId zone;

  DigestRoutes(Digests digests, Clock clock, ZoneId zone) {
    this.digests = digests;
    this.clock = clock;
    this.zone = zone;
  }

  void addRoutes(Router router) {
    router.post(BASE + "/run").handler(ApiKeyAuth.require(Scope.WRITE)).handler(this::run);
    router.get(BASE).handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.get(BASE + "/:id").handler(ApiKeyAuth.require(Scope.READ)).handler(this::get);
    router.get(BASE + "/:id/html").handler(ApiKeyAuth.require(Scope.READ)).handler(this::html);
  }

  private void run(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Json.onlyFields(body, RUN_FIELDS);
    String frequency = frequency(Json.requiredString(body, "frequency", 20));
    String maintainer = Json.optionalString(body, "maintainer", 100);
    Object dry = body.getValue("dry_run");
    if (dry != null && !(dry instanceof Boolean)) {
      throw HttpProblem.badRequest("dry_run", "must be true or false");
    }
    Instant now = clock.instant();
    Instant at = periodEnd(Json.optionalString(body, "period_end", 40), now);
    digests.run(frequency, maintainer == null || maintainer.isBlank() ? null : maintainer.strip(), at, Boolean.TRUE.equals(dry))
        .onSuccess(r -> Json.ok(ctx, r)).onFailure(ctx::fail);
  }

  private static String frequency(String raw) {
    if (!IrisConfig.Digest.FREQUENCIES.contains(raw)) {
      throw HttpProblem.badRequest("frequency", "must be daily, weekly or monthly");
    }
    return raw;
  }

  /** An instant or a local date (its midnight in the digest zone); never after now: a period still running has no digest. */
  private Instant periodEnd(String raw, Instant now) {
    if (raw == null || raw.isBlank()) {
      return now;
    }
    Instant at;
    try {
      at = raw.length() == 10 ? LocalDate.parse(raw).atStartOfDay(zone).toInstant() : Instant.parse(raw);
    } catch (DateTimeException e) {
      throw HttpProblem.badRequest("period_end", "must be a date (2026-03-02) or an ISO-8601 instant (2026-03-02T00:00:00Z)");
    }
    if (at.isAfter(now)) {
      throw HttpProblem.badRequest("period_end", "is in the future: a period that has not ended has no digest");
    }
    return at;
  }

  private void list(RoutingContext ctx) {
    String frequency = ctx.queryParams().get("frequency");
    if (frequency != null && !frequency.isBlank()) {
      frequency(frequency);
    }
    String recipient = ctx.queryParams().get("recipient");
    digests.list(recipient == null || recipient.isBlank() ? null : recipient, frequency == null || frequency.isBlank() ? null : frequency,
            Json.intParam(ctx, "limit", 100, 1, 1000))
        .onSuccess(items -> Json.ok(ctx, new JsonObject().put("items", new JsonArray(items)))).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    digests.find(Json.pathId(ctx, "id")).onSuccess(d -> Json.ok(ctx, d)).onFailure(ctx::fail);
  }

  private void html(RoutingContext ctx) {
    digests.html(Json.pathId(ctx, "id")).onSuccess(html -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        // the report is data, never a page that runs anything
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        .end(html)).onFailure(ctx::fail);
  }
}
