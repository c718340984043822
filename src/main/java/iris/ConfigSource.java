package iris;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads configuration: the defaults shipped in the jar, then the operator's YAML file, then
 * {@code IRIS_*} environment variables. Every key of the defaults is overridable by the
 * variable named after its path, so the variable names are predictable and documented once.
 */
public final class ConfigSource {
  static final String DEFAULTS = "/iris/iris.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final ObjectNode tree;
  private final Map<String, String> env;

  private ConfigSource(ObjectNode tree, Map<String, String> env) {
    this.tree = tree;
    this.env = env;
  }

  /** Defaults, then {@code file} if it exists, then the environment. */
  public static ConfigSource load(Path file, Map<String, String> env) {
    ObjectNode tree = readDefaults();
    if (file != null && Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        merge(tree, YAML.readTree(in), "");
      } catch (IOException e) {
        throw new ConfigException("cannot read " + file + ": " + e.getMessage());
      }
    }
    ConfigSource source = new ConfigSource(tree, env);
    source.applyEnvironment(tree, "");
    return source;
  }

  /** Path of the config file: IRIS_CONFIG, else conf/iris.yaml. */
  public static Path configPath(Map<String, String> env) {
    return Path.of(env.getOrDefault("IRIS_CONFIG", "conf/iris.yaml"));
  }

  static String envName(String key) {
    return "IRIS_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private static ObjectNode readDefaults() {
    try (InputStream in = ConfigSource.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
      }
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS, e);
    }
  }

  private static void merge(ObjectNode target, JsonNode overlay, String prefix) {
    if (overlay == null || overlay.isNull() || overlay.isMissingNode()) {
      return;
    }
    if (!overlay.isObject()) {
      throw new ConfigException("the config file must hold a mapping of keys" + (prefix.isEmpty() ? "" : " at " + prefix));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new ConfigException("unknown config key " + key);
      }
      if (existing.isObject()) {
        merge((ObjectNode) existing, field.getValue(), key);
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private void applyEnvironment(ObjectNode node, String prefix) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      if (field.getValue().isObject()) {
        applyEnvironment((ObjectNode) field.getValue(), key);
        continue;
      }
      String name = envName(key);
      String value = env.get(name);
      String fromFile = env.get(name + "_FILE");
      if (value == null && fromFile != null) {
        try {
          value = Files.readString(Path.of(fromFile)).strip();
        } catch (IOException e) {
          throw new ConfigException(key + " (" + name + "_FILE): cannot read " + fromFile);
        }
      }
      if (value != null) {
        field.setValue(TextNode.valueOf(value));
      }
    }
  }

  /** The raw value at a dotted path, or "" when absent or null. */
  public String string(String key) {
    JsonNode node = at(key);
    if (node == null || node.isNull()) {
      return "";
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  /** Whether the key has a value at all: an empty string is a value, a YAML null (or no key) is not. */
  public boolean isSet(String key) {
    JsonNode node = at(key);
    return node != null && !node.isNull();
  }

  public int integer(String key, int min, int max) {
    String raw = string(key).strip();
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " (" + envName(key) + "): must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
    }
  }

  public boolean flag(String key) {
    String raw = string(key).strip().toLowerCase(Locale.ROOT);
    switch (raw) {
      case "on", "true", "yes", "1":
        return true;
      case "off", "false", "no", "0":
        return false;
      default:
        throw new ConfigException(key + " (" + envName(key) + "): must be on or off, got '" + raw + "'");
    }
  }

  private JsonNode at(String key) {
    JsonNode node = tree;
    for (String part : key.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node;
  }
}
