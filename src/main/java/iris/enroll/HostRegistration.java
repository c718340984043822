package iris.enroll;

import io.vertx.core.json.JsonObject;
import iris.prometheus.PrometheusClient;
import iris.prometheus.PrometheusClient.TargetHealth;
import iris.prometheus.PrometheusInstance;
import iris.prometheus.TargetFiles;
import iris.registry.HostStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus side of enrollment: the host's row in the registry, its file_sd file with one
 * target per Alloy exporter, a reload when the instance wants one, and the check that Prometheus
 * scrapes every target successfully. Blocking: runs on the job's worker thread.
 */
final class HostRegistration {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofSeconds(1);

  private final HostStore hosts;
  private final PrometheusClient prometheus;
  private final Clock clock;

  HostRegistration(HostStore hosts, PrometheusClient prometheus, Clock clock) {
    this.hosts = hosts;
    this.prometheus = prometheus;
    this.clock = clock;
  }

  long recordHost(HostStore.Enrolled enrolled, boolean replace) throws StepFailure {
    return Await.result(hosts.recordEnrollment(enrolled, replace), CALL_TIMEOUT);
  }

  /** Writes the file and reloads; returns what was done, for the step's record. */
  String register(PrometheusInstance instance, long hostId, String hostname, String address, int port, String environment,
                  Map<String, String> extraLabels, AlloyConfig config) throws StepFailure {
    List<TargetFiles.Group> groups = new ArrayList<>();
    String target = (address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address) + ":" + port;
    for (AlloyConfig.Exporter exporter : config.exporters()) {
      Map<String, String> labels = new LinkedHashMap<>(extraLabels);
      labels.put("hostname", hostname);
      labels.put("job", exporter.serviceType());
      labels.put("environment", environment);
      labels.put("service_type", exporter.serviceType());
      labels.put("host_id", String.valueOf(hostId));
      labels.put("__metrics_path__", exporter.metricsPath());
      groups.add(new TargetFiles.Group(target, labels));
    }
    Path file;
    try {
      file = TargetFiles.write(instance.targetsDir(), hostId, groups);
    } catch (java.io.IOException e) {
      throw new StepFailure("cannot write the file_sd file in " + instance.targetsDir() + ": " + e.getMessage());
    }
    String done = groups.size() + " target(s) written to " + file;
    if (instance.reload() && instance.hasApi()) {
      Await.result(prometheus.reload(instance), CALL_TIMEOUT);
      done += "; Prometheus " + instance.name() + " reloaded";
    }
    return done;
  }

  /** Polls {@code /api/v1/targets} until every target of the host is up, or says which is not and why. */
  String verify(PrometheusInstance instance, long hostId, int expected, Duration deadline) throws StepFailure {
    Instant end = clock.instant().plus(deadline);
    List<TargetHealth> last = List.of();
    while (true) {
      try {
        last = Await.result(prometheus.targets(instance, "host_id", String.valueOf(hostId)), CALL_TIMEOUT);
      } catch (StepFailure e) {
        if (clock.instant().isAfter(end)) {
          throw e;
        }
      }
      long up = last.stream().filter(TargetHealth::up).count();
      if (last.size() >= expected && up == last.size()) {
        return up + " of " + expected + " target(s) up in Prometheus " + instance.name();
      }
      if (clock.instant().isAfter(end)) {
        break;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StepFailure("interrupted: Iris is stopping");
      }
    }
    if (last.size() < expected) {
      throw new StepFailure("Prometheus " + instance.name() + " shows " + last.size() + " of " + expected + " target(s) after "
          + deadline.toSeconds() + " s: check that its file_sd_configs read " + instance.targetsDir() + "/*.json");
    }
    List<String> down = new ArrayList<>();
    for (TargetHealth t : last) {
      if (!t.up()) {
        down.add(t.job() + " (" + t.scrapeUrl() + ") is " + t.health() + (t.lastError().isEmpty() ? "" : ": " + t.lastError()));
      }
    }
    throw new StepFailure("not up after " + deadline.toSeconds() + " s: " + String.join("; ", down));
  }

  static JsonObject labelsJson(Map<String, String> labels) {
    return new JsonObject(new LinkedHashMap<>(labels));
  }
}
