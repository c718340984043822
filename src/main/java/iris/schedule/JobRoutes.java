package iris.schedule;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKeyAuth;
import iris.http.HttpProblem;
import iris.http.Json;
import iris.http.Scope;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code /api/v1/jobs}: every job with its schedule, next and last run; a job's recent runs;
 * and "run now", which claims a run like the scheduler does, so it runs once in the cluster.
 */
public final class JobRoutes {
  private final Scheduling scheduling;
  private final Clock clock;

  public JobRoutes(Scheduling scheduling, Clock clock) {
    this.scheduling = scheduling;
    this.clock = clock;
  }

  public void addRoutes(Router router) {
    router.get("/api/v1/jobs").handler(ApiKeyAuth.require(Scope.READ)).handler(this::list);
    router.get("/api/v1/jobs/:name/runs").handler(ApiKeyAuth.require(Scope.READ)).handler(this::runs);
    router.post("/api/v1/jobs/:name/run").handler(ApiKeyAuth.require(Scope.ADMIN)).handler(this::runNow);
  }

  private void list(RoutingContext ctx) {
    Instant now = clock.instant();
    scheduling.runs().latest(scheduling.jobs().names()).onSuccess(latest -> {
      JsonArray items = new JsonArray();
      for (ScheduledJob job : scheduling.jobs().all()) {
        Schedule schedule = job.schedule();
        JobRun last = latest.get(job.name());
        items.add(new JsonObject()
            .put("name", job.name())
            .put("kind", schedule.kind())
            .put("schedule", schedule.expression())
            .put("time_zone", schedule.zone() == null ? null : schedule.zone().getId())
            .put("timeout_seconds", job.timeout().toSeconds())
            .put("next_run", schedule.nextAfter(now).map(Instant::toString).orElse(null))
            .put("last_run", last == null ? null : last.toJson()));
      }
      Json.ok(ctx, new JsonObject().put("items", items));
    }).onFailure(ctx::fail);
  }

  private void runs(RoutingContext ctx) {
    ScheduledJob job = job(ctx);
    int limit = Json.intParam(ctx, "limit", 20, 1, 500);
    scheduling.runs().recent(job.name(), limit)
        .onSuccess(runs -> Json.ok(ctx, new JsonObject().put("items", new JsonArray(runs.stream().map(JobRun::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void runNow(RoutingContext ctx) {
    ScheduledJob job = job(ctx);
    Instant slot = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    scheduling.runner().start(job, slot, JobRun.MANUAL).onSuccess(started -> {
      if (started == null) {
        ctx.fail(new HttpProblem(409, "conflict", "job " + job.name() + " is running; try again when it has finished", null));
        return;
      }
      Json.send(ctx, 202, new JsonObject().put("id", started.id()).put("job", job.name())
          .put("scheduled_for", slot.toString()).put("outcome", JobRun.RUNNING));
    }).onFailure(ctx::fail);
  }

  private ScheduledJob job(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    return scheduling.jobs().find(name).orElseThrow(() -> HttpProblem.notFound("job " + name));
  }
}
