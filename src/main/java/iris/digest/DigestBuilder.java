package iris.digest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.IrisConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A digest's data from what one run read for everyone: the audience's incidents (routed the way
 * the registry routes them), its figures, noisy rules, hosts, maintenance windows and
 * deployments. Pure: the same facts give the same digest.
 */
final class DigestBuilder {
  private final IrisConfig.Digest settings;
  private final Estate estate;
  private final List<Facts.Incident> incidents;
  private final List<Facts.Window> windows;
  private final List<Facts.Deployment> deployments;
  private final Map<Long, HostHealth.Line> health;
  private final Period period;
  private final Map<Long, List<Facts.Incident>> byPerson = new java.util.HashMap<>();

  DigestBuilder(IrisConfig.Digest settings, Estate estate, Period period, List<Facts.Incident> incidents, List<Facts.Window> windows,
                List<Facts.Deployment> deployments, Map<Long, HostHealth.Line> health) {
    this.settings = settings;
    this.estate = estate;
    this.period = period;
    this.incidents = incidents;
    this.windows = windows;
    this.deployments = deployments;
    this.health = health;
    // one pass over the incidents for every recipient: each goes to the people it routes to
    for (Facts.Incident i : incidents) {
      Estate.Owners o = estate.owners(i);
      Set<Long> people = new HashSet<>(o.maintainers());
      people.addAll(o.escalation());
      people.forEach(p -> byPerson.computeIfAbsent(p, k -> new ArrayList<>()).add(i));
    }
  }

  JsonObject build(Audience a) {
    Estate.Scope scope = a.everything() ? estate.everything() : estate.scope(a.person().id());
    List<Facts.Incident> mine = a.everything() ? incidents : byPerson.getOrDefault(a.person().id(), List.of());
    boolean overview = Audience.OVERVIEW.equals(a.kind());
    JsonObject figures = Figures.of(mine, period, settings.sla());
    JsonObject data = new JsonObject()
        .put("recipient", a.recipient()).put("kind", a.kind()).put("segments", new JsonArray(new ArrayList<>(a.segments())))
        .put("frequency", period.frequency())
        .put("period", period(period)).put("previous_period", period(period.previous()))
        .put("scope", new JsonObject().put("everything", a.everything())
            .put("hosts", a.everything() ? new JsonArray() : new JsonArray(estate.hostnames(scope.hosts())))
            .put("services", a.everything() ? new JsonArray() : new JsonArray(estate.serviceNames(scope.services()))))
        .put("incidents", figures);
    data.put("noisy_rules", NoisyRules.of(mine, period, windows, estate,
        new NoisyRules.Settings(overview ? Math.min(3, settings.noisyRules()) : settings.noisyRules(), settings.shortFire(),
            settings.coFireWindow())));
    data.put("hosts", overview ? new JsonArray() : hosts(scope.hosts()));
    data.put("maintenance", maintenance(a.everything(), scope, mine));
    data.put("deployments", deployments(a.everything(), scope));
    return data;
  }

  /** The hosts the whole run needs health lines for. */
  static Set<Long> hostsOf(Estate estate, Collection<Audience> audiences) {
    Set<Long> ids = new HashSet<>();
    for (Audience a : audiences) {
      if (Audience.OVERVIEW.equals(a.kind())) {
        continue;
      }
      ids.addAll(a.everything() ? estate.hosts.keySet() : estate.scope(a.person().id()).hosts());
    }
    return ids;
  }

  private JsonArray hosts(Set<Long> hosts) {
    JsonArray out = new JsonArray();
    hosts.stream().map(health::get).filter(java.util.Objects::nonNull)
        .sorted(java.util.Comparator.comparingInt((HostHealth.Line l) -> rank(l.state())).thenComparing(HostHealth.Line::hostname))
        .forEach(l -> out.add(new JsonObject().put("host_id", l.hostId()).put("hostname", l.hostname()).put("state", l.state())
            .put("breaches", new JsonArray(new ArrayList<>(l.breaches()))).put("fullest_mountpoint", l.fullestMountpoint())
            .put("fullest_disk_pct", l.fullestDiskPct()).put("disk_trend_pct_per_day", l.diskTrendPctPerDay())
            .put("disk_full_in_days", l.fullInDays())));
    return out;
  }

  private static int rank(String state) {
    return switch (state == null ? "" : state) {
      case "critical" -> 0;
      case "warning" -> 1;
      case "unknown" -> 2;
      default -> 3;
    };
  }

  private JsonArray maintenance(boolean everything, Estate.Scope scope, List<Facts.Incident> mine) {
    Set<String> hostnames = lower(estate.hostnames(scope.hosts()));
    Set<String> services = new HashSet<>(estate.serviceNames(scope.services()));
    Set<Long> mutedMine = new HashSet<>();
    mine.forEach(i -> mutedMine.addAll(i.mutedBy()));
    JsonArray out = new JsonArray();
    for (Facts.Window w : windows) {
      boolean inPeriod = w.from().isBefore(period.end()) && w.to().isAfter(period.start());
      boolean mineToo = everything || mutedMine.contains(w.occurrenceId())
          || w.hosts().stream().anyMatch(h -> hostnames.contains(h.toLowerCase(Locale.ROOT)))
          || w.services().stream().anyMatch(services::contains);
      if (inPeriod && mineToo) {
        out.add(new JsonObject().put("window_id", w.windowId()).put("occurrence_id", w.occurrenceId()).put("title", w.title())
            .put("type", w.type()).put("category", w.category()).put("from", w.from().toString()).put("to", w.to().toString())
            .put("state", w.state()).put("hosts", new JsonArray(new ArrayList<>(w.hosts())))
            .put("services", new JsonArray(new ArrayList<>(w.services()))));
      }
    }
    return out;
  }

  private JsonArray deployments(boolean everything, Estate.Scope scope) {
    Set<String> hostnames = lower(estate.hostnames(scope.hosts()));
    Set<String> services = new HashSet<>(estate.serviceNames(scope.services()));
    JsonArray out = new JsonArray();
    for (Facts.Deployment d : deployments) {
      if (d.startedAt().isBefore(period.start()) || !d.startedAt().isBefore(period.end())) {
        continue;
      }
      if (everything || services.contains(d.service()) || d.hosts().stream().anyMatch(h -> hostnames.contains(h.toLowerCase(Locale.ROOT)))) {
        out.add(new JsonObject().put("id", d.id()).put("service", d.service()).put("environment", d.environment())
            .put("version", d.version()).put("previous_version", d.previousVersion()).put("change", d.change())
            .put("status", d.status()).put("started_at", d.startedAt().toString()).put("deployed_by", d.deployedBy()));
      }
    }
    return out;
  }

  private static Set<String> lower(List<String> names) {
    Set<String> out = new HashSet<>();
    names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
    return out;
  }

  private static JsonObject period(Period p) {
    return new JsonObject().put("start", p.start().toString()).put("end", p.end().toString()).put("label", p.label())
        .put("zone", p.zone().getId());
  }

  static String human(Long seconds) {
    return seconds == null ? "–" : iris.notify.HumanDuration.of(Duration.ofSeconds(seconds));
  }
}
