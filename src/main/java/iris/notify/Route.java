package iris.notify;

import iris.IrisConfig;
import iris.notify.NotifyStore.Pending;
import iris.registry.Ownership;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who hears of each alert, on which channel ({@link Routing}); alerts nobody can be told of are set apart. */
final class Route {
  private final IrisConfig.Notify config;
  private final Set<String> channels;

  Route(IrisConfig.Notify config, Set<String> channels) {
    this.config = config;
    this.channels = Set.copyOf(channels);
  }

  /** {@code routed}: incidents with at least one destination; {@code unrouted}: the others. */
  record Routed(Map<Pending, List<Routing.Target>> routed, List<Pending> unrouted) {}

  Routed route(List<Pending> incidents, Map<Long, Ownership> owners) {
    Map<Pending, List<Routing.Target>> routed = new LinkedHashMap<>();
    List<Pending> unrouted = new ArrayList<>();
    for (Pending p : incidents) {
      Ownership owner = owners.getOrDefault(p.id(), Ownership.unknown());
      List<Routing.Target> targets = Routing.targets(owner, p.severity(), config, channels);
      if (targets.isEmpty()) {
        unrouted.add(p);
      } else {
        routed.put(p, targets);
      }
    }
    return new Routed(routed, unrouted);
  }
}
