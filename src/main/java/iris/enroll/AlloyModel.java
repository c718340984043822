package iris.enroll;

import iris.IrisConfig;
import iris.prometheus.PrometheusInstance;
import java.util.LinkedHashMap;
import java.util.Map;

/** The data Alloy templates see: plain maps and lists only (the FreeMarker sandbox wraps nothing else). */
final class AlloyModel {
  private AlloyModel() {}

  static Map<String, Object> of(HostFacts facts, String hostname, String address, String environment, Map<String, String> labels,
                                PrometheusInstance instance, IrisConfig.Alloy alloy) {
    Map<String, Object> host = new LinkedHashMap<>();
    host.put("hostname", hostname);
    host.put("address", address);
    host.put("environment", environment);
    host.put("os_family", facts.family().label());
    host.put("os_id", facts.osId());
    host.put("os_name", facts.osName());
    host.put("os_version", facts.osVersion());
    host.put("arch", facts.arch());
    host.put("labels", new LinkedHashMap<>(labels));
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("host", host);
    model.put("services", facts.serviceNames());
    model.put("alloy", Map.of("version", alloy.version(), "port", alloy.port()));
    model.put("prometheus", Map.of("name", instance.name(), "url", instance.url(),
        "remote_write_url", instance.hasApi() ? instance.url() + "/api/v1/write" : ""));
    return model;
  }
}
