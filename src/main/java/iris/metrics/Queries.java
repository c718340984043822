package iris.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * The PromQL of a snapshot: one instant query per metric, each answering for every host of a
 * Prometheus instance at once, series labelled by {@code instance} (the disk's also by
 * {@code mountpoint}). Where node exporter and windows exporter both have a query, Iris asks
 * {@code (node) or (windows)}: still one query, and a host answers through whichever it runs.
 * An empty query leaves its part (or its metric) out.
 */
public record Queries(Map<Metric, String> node, Map<Metric, String> windows, String up) {

  public static final Map<Metric, String> NODE_DEFAULTS = Map.of(
      Metric.CPU, "100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])))",
      Metric.MEMORY, "100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)",
      Metric.DISK, "100 * (1 - node_filesystem_avail_bytes{fstype!~\"tmpfs|devtmpfs|overlay|squashfs|ramfs|nsfs|autofs|fuse.lxcfs\"}"
          + " / node_filesystem_size_bytes)",
      Metric.LOAD, "avg by (instance) (node_load5) / count by (instance) (node_cpu_seconds_total{mode=\"idle\"})");

  /**
   * windows exporter (and Alloy's prometheus.exporter.windows) with its default collectors (cpu,
   * logical_disk, os, system): Windows has no load average, so the processor queue per core
   * stands in; volumes ("C:") are the mountpoints.
   */
  public static final Map<Metric, String> WINDOWS_DEFAULTS = Map.of(
      Metric.CPU, "100 * (1 - avg by (instance) (rate(windows_cpu_time_total{mode=\"idle\"}[5m])))",
      Metric.MEMORY, "100 * (1 - windows_os_physical_memory_free_bytes / windows_os_visible_memory_bytes)",
      Metric.DISK, "label_replace(100 * (1 - windows_logical_disk_free_bytes{volume!~\"HarddiskVolume.*\"}"
          + " / windows_logical_disk_size_bytes), \"mountpoint\", \"$1\", \"volume\", \"(.*)\")",
      Metric.LOAD, "avg by (instance) (windows_system_processor_queue_length)"
          + " / count by (instance) (windows_cpu_time_total{mode=\"idle\"})");

  public static final String UP_DEFAULT = "up";

  public static Queries defaults() {
    return new Queries(NODE_DEFAULTS, WINDOWS_DEFAULTS, UP_DEFAULT);
  }

  public Queries {
    node = new EnumMap<>(node);
    windows = new EnumMap<>(windows);
  }

  /** The query sent for a metric; null when neither exporter has one. */
  public String of(Metric metric) {
    String n = node.getOrDefault(metric, "").strip();
    String w = windows.getOrDefault(metric, "").strip();
    if (n.isEmpty()) {
      return w.isEmpty() ? null : w;
    }
    return w.isEmpty() ? n : "(" + n + ") or (" + w + ")";
  }
}
