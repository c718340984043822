package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void theGaugeIsOneWithVersionAndJavaLabels() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BuildInfo.register(registry, "1.2.3", "17.0.15");
    List<String> lines = registry.scrape().lines().filter(l -> l.startsWith("iris_build_info")).toList();
    assertEquals(1, lines.size(), registry.scrape());
    String line = lines.get(0);
    assertEquals("iris_build_info{java=\"17.0.15\",version=\"1.2.3\"}", line.substring(0, line.lastIndexOf(' ')));
    assertEquals(1.0, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
  }

  @Test
  void theVersionIsTheProjectsAsMavenFilteredIt() {
    String version = BuildInfo.version();
    assertNotEquals(BuildInfo.FALLBACK, version, "iris/build.properties is filtered at build time");
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
  }
}
