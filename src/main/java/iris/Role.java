package iris;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a node runs; a Swarm stack splits API nodes from worker nodes with these. */
public enum Role {
  INGEST, ENRICH, NOTIFY, ENROLL, SCHEDULE;

  /** Parses "ingest,enrich"; names the bad role when there is one. */
  public static Set<Role> parse(String list, String source) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : list.split(",")) {
      String name = part.strip();
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": unknown role '" + name + "' (roles: ingest, enrich, notify, enroll, schedule)");
      }
    }
    if (roles.isEmpty()) {
      throw new ConfigException(source + ": at least one role is needed");
    }
    return roles;
  }
}
