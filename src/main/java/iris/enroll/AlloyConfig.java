package iris.enroll;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rendered {@code config.alloy} and the exporter components in it, each of which Prometheus
 * scrapes at its own path on Alloy's listener.
 */
public record AlloyConfig(String text, List<Exporter> exporters) {

  /** An Alloy-hosted exporter: {@code prometheus.exporter.unix.default} for the service type {@code node}. */
  public record Exporter(String serviceType, String componentId) {
    public String metricsPath() {
      return "/api/v0/component/" + componentId + "/metrics";
    }
  }

  private static final Pattern EXPORTER_BLOCK = Pattern.compile("(?m)^\\s*(prometheus\\.exporter\\.[a-z_]+)\\s+\"([^\"]+)\"\\s*\\{");

  /** The exporter components a rendered template declares, read from its text so overrides stay in charge. */
  static List<Exporter> exportersIn(String serviceType, String rendered) {
    List<Exporter> found = new ArrayList<>();
    Matcher m = EXPORTER_BLOCK.matcher(rendered);
    while (m.find()) {
      found.add(new Exporter(serviceType, m.group(1) + "." + m.group(2)));
    }
    return found;
  }
}
