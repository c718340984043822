package iris.maintenance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.registry.Ownership;
import java.util.List;
import java.util.Locale;

/**
 * What a window covers. Hosts and services name registry entries: an alert is in scope when it
 * comes from one of the hosts or is about one of the services (either, when both are given).
 * The matchers narrow that (all must match, as in a silence); with no hosts and no services the
 * matchers alone decide.
 */
public record Scope(List<String> hosts, List<String> services, List<Matcher> matchers) {

  public Scope {
    hosts = List.copyOf(hosts);
    services = List.copyOf(services);
    matchers = List.copyOf(matchers);
  }

  public boolean empty() {
    return hosts.isEmpty() && services.isEmpty() && matchers.isEmpty();
  }

  /**
   * Whether an alert with {@code labels}, from the host and services the registry found for it
   * ({@code owner}, may be unknown), is in scope. {@code hostPart} is the host part of its instance.
   */
  public boolean covers(JsonObject labels, String hostPart, Ownership owner) {
    if (!hosts.isEmpty() || !services.isEmpty()) {
      boolean host = owner != null && owner.hostname() != null && containsIgnoreCase(hosts, owner.hostname())
          || hostPart != null && containsIgnoreCase(hosts, hostPart);
      boolean service = owner != null && owner.services().stream().anyMatch(services::contains);
      if (!host && !service) {
        return false;
      }
    }
    for (Matcher m : matchers) {
      if (!m.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsIgnoreCase(List<String> names, String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return names.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(n));
  }

  public JsonObject toJson() {
    JsonArray m = new JsonArray();
    matchers.forEach(x -> m.add(x.toJson()));
    return new JsonObject().put("hosts", new JsonArray(hosts)).put("services", new JsonArray(services)).put("matchers", m);
  }

  /** From the stored (already validated) JSON. */
  public static Scope fromJson(JsonObject json) {
    List<Matcher> matchers = json.getJsonArray("matchers", new JsonArray()).stream().map(o -> (JsonObject) o)
        .map(o -> Matcher.of(o.getString("label"), o.getString("op"), o.getString("value"))).toList();
    return new Scope(strings(json.getJsonArray("hosts")), strings(json.getJsonArray("services")), matchers);
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }
}
