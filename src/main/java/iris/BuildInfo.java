package iris;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code iris_build_info{version,java} 1}: which Iris and which Java each node runs, for
 * dashboards and for spotting a rolling update that stopped half way.
 */
public final class BuildInfo {
  public static final String FALLBACK = "dev";

  private BuildInfo() {
  }

  /** The version Maven wrote into iris/build.properties, else the jar manifest's, else "dev". */
  public static String version() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/iris/build.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "").trim();
        if (!v.isEmpty() && !v.startsWith("${")) {
          return v;
        }
      }
    } catch (IOException e) {
      // fall through to the manifest
    }
    String manifest = BuildInfo.class.getPackage().getImplementationVersion();
    return manifest == null || manifest.isBlank() ? FALLBACK : manifest;
  }

  public static void register(MeterRegistry registry, String version, String java) {
    Gauge.builder("iris.build.info", () -> 1)
        .description("Always 1; the labels say which Iris version and Java runtime this node runs")
        .tag("version", version).tag("java", java)
        .strongReference(true).register(registry);
  }

  public static void register(MeterRegistry registry) {
    register(registry, version(), System.getProperty("java.version", "unknown"));
  }
}
