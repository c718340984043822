package iris.prometheus;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import iris.Capability;
import iris.Components;
import iris.Role;
import java.util.List;
import java.util.Set;

/** The Prometheus instances Iris enrolls hosts into: their readiness, where the API or enrollment uses them. */
public final class PrometheusCapability implements Capability {
  private final Components components;

  public PrometheusCapability(Components components) {
    this.components = components;
  }

  @Override
  public String name() {
    return "prometheus";
  }

  /**
   * Reported, never failing readiness: a Prometheus that does not answer only keeps
   * enrollments from being reloaded and verified (they fail at that step and say so).
   */
  @Override
  public void registerReadinessChecks(HealthCheckHandler ready) {
    Set<Role> roles = components.config().roles();
    if (!roles.contains(Role.INGEST) && !roles.contains(Role.ENROLL)) {
      return;
    }
    ready.register("prometheus", CHECK_TIMEOUT_MS, promise -> {
      List<PrometheusInstance> withApi = components.config().prometheus().stream().filter(PrometheusInstance::hasApi).toList();
      JsonObject data = new JsonObject();
      List<Future<?>> probes = withApi.stream().<Future<?>>map(instance -> components.http().getAbs(instance.url() + "/-/ready")
          .timeout(CHECK_TIMEOUT_MS - 200).send()
          .transform(ar -> {
            boolean up = ar.succeeded() && ar.result().statusCode() == 200;
            data.put(instance.name(), up ? "ready" : ar.succeeded() ? "answered " + ar.result().statusCode()
                : "unreachable: " + ar.cause().getMessage());
            return Future.succeededFuture(up);
          })).toList();
      Future.all(probes).onComplete(ar -> {
        boolean degraded = probes.stream().anyMatch(f -> Boolean.FALSE.equals(f.result()));
        promise.complete(Status.OK(new JsonObject().put("instances", data).put("degraded", degraded)));
      });
    });
  }
}
