package iris.schedule;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The registry of every job this node knows, filled once at start-up and read-only after. */
public final class Jobs {
  private final Map<String, ScheduledJob> byName = new LinkedHashMap<>();

  public Jobs add(ScheduledJob job) {
    if (byName.putIfAbsent(job.name(), job) != null) {
      throw new IllegalArgumentException("two jobs are named " + job.name());
    }
    return this;
  }

  public Optional<ScheduledJob> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Collection<ScheduledJob> all() {
    return Collections.unmodifiableCollection(byName.values());
  }

  public java.util.List<String> names() {
    return java.util.List.copyOf(byName.keySet());
  }
}
