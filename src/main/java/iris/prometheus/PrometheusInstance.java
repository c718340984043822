package iris.prometheus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Prometheus server Iris registers hosts with: the directory its {@code file_sd_configs} watch,
 * its URL (to reload and to ask whether a target is up; empty = neither), and the environments
 * whose hosts it scrapes (empty = all).
 */
public record PrometheusInstance(String name, String url, Path targetsDir, List<String> environments, boolean reload) {

  public boolean serves(String environment) {
    return environments.isEmpty() || environments.contains(environment);
  }

  public boolean hasApi() {
    return !url.isEmpty();
  }

  /** The instance for a host's environment: the first that names it, else the first that serves all. */
  public static PrometheusInstance forEnvironment(List<PrometheusInstance> instances, String environment) {
    return instances.stream().filter(i -> i.environments().contains(environment)).findFirst()
        .or(() -> instances.stream().filter(i -> i.environments().isEmpty()).findFirst())
        .orElse(null);
  }

  /** Parses the configured list (JSON text: YAML lists arrive as JSON), naming the key on any mistake. */
  public static List<PrometheusInstance> parseList(String json, String key, Path defaultTargetsRoot) {
    JsonArray array;
    try {
      array = new JsonArray(json.isBlank() ? "[]" : json);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(key + ": must be a list of {name, url, targets_dir, environments, reload}");
    }
    if (array.isEmpty()) {
      throw new ConfigException(key + ": at least one Prometheus instance is needed");
    }
    List<PrometheusInstance> instances = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject item)) {
        throw new ConfigException(key + "[" + i + "]: must be a mapping");
      }
      String where = key + "[" + i + "]";
      String name = item.getString("name", "").strip();
      if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new ConfigException(where + ".name: letters, digits, '_', '.', '-' (1 to 64), got '" + name + "'");
      }
      if (!names.add(name)) {
        throw new ConfigException(where + ".name: '" + name + "' is used twice");
      }
      String url = item.getString("url", "").strip();
      if (!url.isEmpty() && !url.startsWith("http://") && !url.startsWith("https://")) {
        throw new ConfigException(where + ".url: must be an http:// or https:// URL");
      }
      String dir = item.getString("targets_dir", "").strip();
      List<String> environments = new ArrayList<>();
      Object envs = item.getValue("environments");
      if (envs instanceof JsonArray list) {
        list.forEach(e -> environments.add(String.valueOf(e).strip()));
      } else if (envs instanceof String text && !text.isBlank()) {
        for (String e : text.split(",")) {
          environments.add(e.strip());
        }
      }
      Object reload = item.getValue("reload", false);
      instances.add(new PrometheusInstance(name, url.endsWith("/") ? url.substring(0, url.length() - 1) : url,
          dir.isEmpty() ? defaultTargetsRoot.resolve(name) : Path.of(dir), List.copyOf(environments), Boolean.TRUE.equals(reload) || "true".equals(String.valueOf(reload))));
    }
    return List.copyOf(instances);
  }
}
