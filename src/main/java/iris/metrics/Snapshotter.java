package iris.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.prometheus.PrometheusClient;
import iris.prometheus.PrometheusClient.Sample;
import iris.prometheus.PrometheusInstance;
import iris.registry.HostStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the {@code metrics-snapshots} job: every registered host is measured through its
 * Prometheus instance (one instant query per metric for all of that instance's hosts), marked
 * against its thresholds, given its disk trend and stored. Instances run side by side and apart:
 * one that is down or slow is recorded as failed and the others are snapshotted all the same;
 * the run then fails, naming it, so the job's record says so too.
 */
public final class Snapshotter {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);
  private static final int HOST_PAGE = 500;

  private final HostStore hosts;
  private final SnapshotStore store;
  private final PrometheusClient prometheus;
  private final List<PrometheusInstance> instances;
  private final MetricsSettings settings;
  private final Clock clock;
  private final MeterRegistry registry;
  /** Hosts by state in this node's latest run: {@code iris_metrics_hosts{state}}. */
  private final Map<Level, AtomicInteger> byState = new EnumMap<>(Level.class);

  public Snapshotter(HostStore hosts, SnapshotStore store, PrometheusClient prometheus, List<PrometheusInstance> instances,
      MetricsSettings settings, Clock clock, MeterRegistry registry) {
    this.hosts = hosts;
    this.store = store;
    this.prometheus = prometheus;
    this.instances = instances;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    for (Level level : Level.values()) {
      AtomicInteger count = new AtomicInteger();
      byState.put(level, count);
      Gauge.builder("iris.metrics.hosts", count, AtomicInteger::get)
          .description("Hosts in each state in the latest metrics-snapshots run on this node").tag("state", level.key())
          .register(registry);
    }
  }

  /** What one instance's part of a run did: hosts snapshotted, and what failed (null: nothing). */
  public record Outcome(String instance, int hosts, String error, Map<Level, Integer> states) {
    Outcome(String instance, int hosts, String error) {
      this(instance, hosts, error, Map.of());
    }
  }

  public Future<Void> run() {
    return runAll().compose(outcomes -> {
      count(outcomes);
      List<String> failed = outcomes.stream().filter(o -> o.error() != null).map(o -> o.instance() + ": " + o.error()).toList();
      int snapshotted = outcomes.stream().mapToInt(Outcome::hosts).sum();
      if (failed.isEmpty()) {
        LOG.info("Snapshotted {} hosts from {} Prometheus instance(s)", snapshotted, outcomes.size());
        return Future.succeededFuture();
      }
      String message = "Prometheus instances failed: " + String.join("; ", failed) + " (" + snapshotted + " hosts snapshotted from "
          + outcomes.stream().filter(o -> o.hosts() > 0).count() + " of " + outcomes.size() + " instances)";
      LOG.warn("Metrics snapshots: {}", message);
      return Future.failedFuture(message);
    });
  }

  private void count(List<Outcome> outcomes) {
    Map<Level, Integer> totals = new EnumMap<>(Level.class);
    for (Outcome o : outcomes) {
      o.states().forEach((level, n) -> totals.merge(level, n, Integer::sum));
      if (o.error() != null) {
        Counter.builder("iris.metrics.snapshot.failures").description("Failed snapshot runs of a Prometheus instance")
            .tag("instance", o.instance()).register(registry).increment();
      }
    }
    byState.forEach((level, count) -> count.set(totals.getOrDefault(level, 0)));
  }

  /** Each instance's outcome; the future fails only when the hosts cannot be read. */
  public Future<List<Outcome>> runAll() {
    Instant now = clock.instant();
    return allHosts(0, new ArrayList<>()).compose(all -> {
      Map<String, List<Readings.Target>> byInstance = new LinkedHashMap<>();
      Map<String, PrometheusInstance> named = new LinkedHashMap<>();
      instances.stream().filter(PrometheusInstance::hasApi).forEach(i -> {
        named.put(i.name(), i);
        byInstance.put(i.name(), new ArrayList<>());
      });
      for (Readings.Target t : all) {
        PrometheusInstance instance = instanceOf(t);
        if (instance != null && instance.hasApi()) {
          byInstance.get(instance.name()).add(t);
        }
      }
      List<Future<Outcome>> runs = new ArrayList<>();
      byInstance.forEach((name, targets) -> runs.add(snapshot(named.get(name), targets, now)));
      return Future.all(runs).map(done -> runs.stream().map(Future::result).toList());
    });
  }

  /** The host's own instance (recorded at enrollment) if it is configured, else the one serving its environment. */
  private PrometheusInstance instanceOf(Readings.Target t) {
    if (t.prometheus() != null) {
      for (PrometheusInstance i : instances) {
        if (i.name().equals(t.prometheus())) {
          return i;
        }
      }
    }
    return PrometheusInstance.forEnvironment(instances, t.environment() == null ? "" : t.environment());
  }

  private Future<List<Readings.Target>> allHosts(long afterId, List<Readings.Target> into) {
    return hosts.list(afterId, HOST_PAGE, null, null).compose(page -> {
      for (JsonObject h : page) {
        List<String> services = new ArrayList<>();
        h.getJsonArray("services", new JsonArray()).forEach(s -> services.add(String.valueOf(s)));
        into.add(new Readings.Target(h.getLong("id"), h.getString("hostname"), h.getString("address"), h.getString("environment"),
            h.getString("prometheus"), services));
      }
      return page.size() < HOST_PAGE ? Future.succeededFuture(into) : allHosts(page.get(page.size() - 1).getLong("id"), into);
    });
  }

  /** One instance: its queries side by side, then its snapshots; never a failed future. */
  private Future<Outcome> snapshot(PrometheusInstance instance, List<Readings.Target> targets, Instant now) {
    Map<Metric, Future<List<Sample>>> asked = new EnumMap<>(Metric.class);
    for (Metric metric : Metric.values()) {
      String promql = settings.queries().of(metric);
      if (promql != null) {
        asked.put(metric, prometheus.query(instance, promql, now, settings.queryTimeout()));
      }
    }
    Future<List<Sample>> up = prometheus.query(instance, settings.queries().up(), now, settings.queryTimeout());
    List<Future<?>> all = new ArrayList<>(asked.values());
    all.add(up);
    return Future.join(all).transform(ignored -> {
      List<String> errors = new ArrayList<>();
      Map<Metric, List<Sample>> answers = new EnumMap<>(Metric.class);
      asked.forEach((metric, f) -> {
        if (f.succeeded()) {
          answers.put(metric, f.result());
        } else {
          errors.add(metric.key() + ": " + reason(instance, f.cause()));
        }
      });
      if (up.failed()) {
        errors.add("up: " + reason(instance, up.cause()));
      }
      if (errors.size() == all.size()) {
        // Nothing answered: most often one cause (down, slow), said once.
        String error = errors.stream().map(e -> e.substring(e.indexOf(": ") + 2)).distinct().reduce((a, b) -> a + "; " + b).orElse("");
        return store.saveRun(instance.name(), now, List.of(), error).map(v -> new Outcome(instance.name(), 0, error));
      }
      String error = errors.isEmpty() ? null : String.join("; ", errors);
      return snapshots(instance, targets, answers, up.succeeded() ? up.result() : List.of(), now)
          .compose(snapshots -> store.saveRun(instance.name(), now, snapshots, error).map(v -> new Outcome(instance.name(),
              snapshots.size(), error, states(snapshots))));
    }).recover(e -> Future.succeededFuture(new Outcome(instance.name(), 0, "cannot store the snapshots: " + e.getMessage())));
  }

  private static Map<Level, Integer> states(List<Snapshot> snapshots) {
    Map<Level, Integer> states = new EnumMap<>(Level.class);
    snapshots.forEach(s -> states.merge(s.state(), 1, Integer::sum));
    return states;
  }

  /** The client's message, without the instance's name where the record says it already. */
  private static String reason(PrometheusInstance instance, Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    String prefix = "Prometheus " + instance.name() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private Future<List<Snapshot>> snapshots(PrometheusInstance instance, List<Readings.Target> targets,
      Map<Metric, List<Sample>> answers, List<Sample> up, Instant now) {
    Map<Long, Reading> readings = Readings.of(targets, answers, up);
    List<Long> ids = targets.stream().map(Readings.Target::id).toList();
    return store.trendSums(ids, now.minus(Duration.ofDays(settings.trendDays())), now).map(sums -> {
      List<Snapshot> out = new ArrayList<>();
      for (Readings.Target t : targets) {
        Reading reading = readings.get(t.id());
        Thresholds.Marking marking = Thresholds.mark(reading, settings.thresholds().forHost(t.hostname(), t.services()));
        Reading.Disk fullest = reading.fullest();
        Double trend = fullest == null ? null : sums.getOrDefault(t.id(), DiskTrend.Sums.NONE).plus(0, fullest.usedPct()).slope();
        out.add(Snapshot.taken(t.id(), t.hostname(), instance.name(), now, reading, marking, trend));
      }
      return out;
    });
  }
}
