package iris;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar iris.jar [--cluster] [--roles ingest,enrich,notify,enroll,schedule]}.
 * Configuration: conf/iris.yaml (or IRIS_CONFIG), each key overridable by IRIS_* variables.
 */
public final class Iris {
  // Runs before LOG below is made, i.e. before logback reads logback.xml.
  static {
    try {
      LogFormat.apply(System.getenv());
    } catch (ConfigException e) {
      System.err.println("iris: configuration error: " + e.getMessage());
      System.exit(2);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Iris.class);

  private Iris() {}

  public static void main(String[] args) {
    IrisConfig config;
    try {
      Map<String, String> env = System.getenv();
      config = applyArguments(IrisConfig.from(ConfigSource.load(ConfigSource.configPath(env), env)), args);
    } catch (ConfigException e) {
      System.err.println("iris: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      IrisApp app = IrisApp.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("Stopping Iris");
        try {
          app.close();
        } catch (Exception e) {
          LOG.warn("Unclean stop: {}", e.toString());
        }
      }, "iris-shutdown"));
    } catch (Exception e) {
      LOG.error("Iris could not start: {}", e.toString(), e);
      System.exit(1);
    }
  }

  static IrisConfig applyArguments(IrisConfig config, String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--cluster")) {
        config = config.withClusterEnabled();
      } else if (arg.equals("--roles") && i + 1 < args.length) {
        config = config.withRoles(Role.parse(args[++i], "--roles"));
      } else if (arg.startsWith("--roles=")) {
        config = config.withRoles(Role.parse(arg.substring("--roles=".length()), "--roles"));
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println("usage: java -jar iris.jar [--cluster] [--roles ingest,enrich,notify,enroll,schedule]");
        System.exit(0);
      } else {
        throw new ConfigException("unknown argument '" + arg + "' (try --help)");
      }
    }
    return config;
  }
}
