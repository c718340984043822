package iris.metrics;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.ConfigException;
import iris.ConfigSource;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code metrics.*} settings: how often snapshots are taken and how long they are kept, how
 * long Prometheus may take to answer, the PromQL, the thresholds and their overrides, and the
 * days the disk trend looks back.
 *
 * @param pruneBatch snapshots deleted per statement by the pruning job
 */
public record MetricsSettings(Duration snapshotInterval, Duration retention, Duration queryTimeout, int trendDays, int pruneBatch,
                              Queries queries, Thresholds thresholds) {

  @Override
  public String toString() {
    return "Metrics[snapshotInterval=" + snapshotInterval + ", retention=" + retention + ", queryTimeout=" + queryTimeout
        + ", trendDays=" + trendDays + ", pruneBatch=" + pruneBatch + ", overrides=" + thresholds.overrides().size() + "]";
  }

  public static MetricsSettings from(ConfigSource source) {
    Map<Metric, Limits> defaults = new EnumMap<>(Metric.class);
    for (Metric metric : Metric.values()) {
      String key = "metrics.thresholds." + metric.key();
      double warning = number(source, key + ".warning");
      double critical = number(source, key + ".critical");
      if (warning > critical) {
        throw new ConfigException(key + ".warning (" + env(key + ".warning") + "): must not be above the critical level " + critical);
      }
      defaults.put(metric, new Limits(warning, critical));
    }
    Map<Metric, String> node = new EnumMap<>(Metric.class);
    Map<Metric, String> windows = new EnumMap<>(Metric.class);
    for (Metric metric : Metric.values()) {
      node.put(metric, source.string("metrics.queries.node." + metric.key()).strip());
      windows.put(metric, source.string("metrics.queries.windows." + metric.key()).strip());
    }
    String up = source.string("metrics.queries.up").strip();
    return new MetricsSettings(
        duration(source, "metrics.snapshot_interval"),
        duration(source, "metrics.retention"),
        duration(source, "metrics.query_timeout"),
        source.integer("metrics.trend_days", 1, 365),
        source.integer("metrics.prune_batch", 1, 1_000_000),
        new Queries(node, windows, up.isEmpty() ? Queries.UP_DEFAULT : up),
        new Thresholds(defaults, overrides(source.string("metrics.overrides"), "metrics.overrides (IRIS_METRICS_OVERRIDES)")));
  }

  /**
   * The override list (YAML lists arrive as JSON text): each item names one {@code host} or one
   * {@code service} and gives levels for some of cpu, memory, disk, load.
   */
  static List<ThresholdOverride> overrides(String json, String key) {
    JsonArray array;
    try {
      array = new JsonArray(json.isBlank() ? "[]" : json);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(key + ": must be a list of {host or service, cpu|memory|disk|load: {warning, critical}}");
    }
    List<ThresholdOverride> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = key + "[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject item)) {
        throw new ConfigException(where + ": must be a mapping");
      }
      String host = text(item, "host");
      String service = text(item, "service");
      if ((host == null) == (service == null)) {
        throw new ConfigException(where + ": name exactly one of host or service");
      }
      Map<Metric, ThresholdOverride.Bound> bounds = new EnumMap<>(Metric.class);
      for (String field : item.fieldNames()) {
        if (field.equals("host") || field.equals("service")) {
          continue;
        }
        Metric metric = Metric.of(field);
        if (metric == null) {
          throw new ConfigException(where + "." + field + ": unknown metric; use cpu, memory, disk or load");
        }
        if (!(item.getValue(field) instanceof JsonObject levels)) {
          throw new ConfigException(where + "." + field + ": must be a mapping of warning and critical");
        }
        for (String level : levels.fieldNames()) {
          if (!level.equals("warning") && !level.equals("critical")) {
            throw new ConfigException(where + "." + field + "." + level + ": only warning and critical");
          }
        }
        Double warning = level(levels, "warning", where + "." + field);
        Double critical = level(levels, "critical", where + "." + field);
        if (warning != null && critical != null && warning > critical) {
          throw new ConfigException(where + "." + field + ": warning " + warning + " is above critical " + critical);
        }
        bounds.put(metric, new ThresholdOverride.Bound(warning, critical));
      }
      if (bounds.isEmpty()) {
        throw new ConfigException(where + ": give levels for at least one of cpu, memory, disk, load");
      }
      out.add(new ThresholdOverride(host, service, bounds));
    }
    return List.copyOf(out);
  }

  private static String text(JsonObject item, String field) {
    Object value = item.getValue(field);
    if (value == null) {
      return null;
    }
    String s = String.valueOf(value).strip();
    return s.isEmpty() ? null : s;
  }

  private static Double level(JsonObject levels, String name, String where) {
    Object value = levels.getValue(name);
    if (value == null) {
      return null;
    }
    try {
      double d = value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(value));
      if (d >= 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new ConfigException(where + "." + name + ": must be a number of at least 0, got '" + value + "'");
  }

  private static double number(ConfigSource source, String key) {
    String raw = source.string(key).strip();
    try {
      double d = Double.parseDouble(raw);
      if (d >= 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new ConfigException(key + " (" + env(key) + "): must be a number of at least 0, got '" + raw + "'");
  }

  private static Duration duration(ConfigSource source, String key) {
    String raw = source.string(key).strip();
    try {
      Duration d = Duration.parse(raw.toUpperCase(Locale.ROOT));
      if (d.isNegative() || d.isZero()) {
        throw new DateTimeParseException("not positive", raw, 0);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new ConfigException(key + " (" + env(key) + "): must be a positive ISO-8601 duration such as PT15M or P90D, got '" + raw + "'");
    }
  }

  private static String env(String key) {
    return "IRIS_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }
}
