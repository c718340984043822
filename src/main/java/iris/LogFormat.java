package iris;

import java.util.Locale;
import java.util.Map;

/**
 * IRIS_LOG_FORMAT: {@code text} (the default, logback.xml) or {@code json} (logback-json.xml).
 * Read from the environment, not iris.yaml: logging starts before the configuration is loaded.
 */
public final class LogFormat {
  public static final String VARIABLE = "IRIS_LOG_FORMAT";
  public static final String JSON_CONFIG = "logback-json.xml";
  private static final String LOGBACK_CONFIG = "logback.configurationFile";

  private LogFormat() {
  }

  /** "text" or "json"; anything else names the variable, so a typo does not go unnoticed. */
  public static String select(Map<String, String> env) {
    String value = env.getOrDefault(VARIABLE, "").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "", "text" -> "text";
      case "json" -> "json";
      default -> throw new ConfigException(VARIABLE + " must be text or json, not '" + env.get(VARIABLE) + "'");
    };
  }

  /** Before the first logger is made. An explicit -Dlogback.configurationFile wins. */
  static void apply(Map<String, String> env) {
    if (select(env).equals("json") && System.getProperty(LOGBACK_CONFIG) == null) {
      System.setProperty(LOGBACK_CONFIG, JSON_CONFIG);
    }
  }
}
