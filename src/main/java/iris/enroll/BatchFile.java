package iris.enroll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Batch enrollment files: CSV (one host per line, a header naming the columns), JSON or YAML (a
 * list of requests, or {@code {hosts: [...]}}). Each row becomes the JSON a single enrollment
 * takes, so one validator serves both; CSV spreads the credential and lists over flat columns.
 */
final class BatchFile {
  private BatchFile() {}

  static final List<String> FORMATS = List.of("csv", "json", "yaml");
  static final int MAX_ROWS = 5_000;

  /** CSV columns; {@code services}, {@code maintainers} hold names split by ';', {@code labels} k=v pairs split by ';'. */
  static final List<String> CSV_COLUMNS = List.of("address", "port", "os", "username", "password", "private_key_path",
      "private_key", "passphrase", "host_key_fingerprint", "trust_on_first_use", "hostname", "environment", "services",
      "maintainers", "labels", "prometheus", "alloy_source");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The format of an upload from its file name or content type; null when neither tells. */
  static String formatOf(String fileName, String contentType) {
    String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv") || type.contains("csv")) {
      return "csv";
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml") || type.contains("yaml")) {
      return "yaml";
    }
    if (name.endsWith(".json") || type.contains("json")) {
      return "json";
    }
    return null;
  }

  static List<JsonObject> parse(byte[] content, String format) {
    List<JsonObject> rows = switch (format) {
      case "csv" -> csv(content);
      case "json" -> tree(content, JSON, "JSON");
      case "yaml" -> tree(content, YAML, "YAML");
      default -> throw HttpProblem.badRequest("format", "must be one of " + FORMATS);
    };
    if (rows.isEmpty()) {
      throw HttpProblem.badRequest("file", "holds no hosts");
    }
    if (rows.size() > MAX_ROWS) {
      throw HttpProblem.badRequest("file", "holds " + rows.size() + " hosts; one batch takes at most " + MAX_ROWS);
    }
    return rows;
  }

  /** The hosts of a JSON body's {@code hosts} list. */
  static List<JsonObject> rows(JsonArray hosts) {
    List<JsonObject> rows = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      if (!(hosts.getValue(i) instanceof JsonObject row)) {
        throw HttpProblem.badRequest("hosts[" + i + "]", "must be an object");
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<JsonObject> tree(byte[] content, ObjectMapper mapper, String what) {
    JsonNode root;
    try {
      root = mapper.readTree(content);
    } catch (IOException e) {
      throw HttpProblem.badRequest("file", "is not valid " + what + ": " + firstLine(e.getMessage()));
    }
    if (root != null && root.isObject() && root.has("hosts")) {
      root = root.get("hosts");
    }
    if (root == null || !root.isArray()) {
      throw HttpProblem.badRequest("file", "must hold a list of hosts (or an object with a 'hosts' list)");
    }
    JsonArray array = new JsonArray(root.toString());
    return rows(array).stream().map(row -> row).toList();
  }

  private static List<JsonObject> csv(byte[] content) {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.TRIM_SPACES).enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    List<JsonObject> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader().withComments()).readValues(content)) {
      int line = 1;
      while (it.hasNext()) {
        line++;
        rows.add(csvRow(it.next(), line));
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof HttpProblem problem) {
        throw problem;
      }
      throw HttpProblem.badRequest("file", "is not valid CSV: " + firstLine(e.getMessage()));
    }
    return rows;
  }

  private static JsonObject csvRow(Map<String, String> columns, int line) {
    for (String column : columns.keySet()) {
      if (!CSV_COLUMNS.contains(column)) {
        throw HttpProblem.badRequest("file", "unknown CSV column '" + column + "'; columns are " + CSV_COLUMNS);
      }
    }
    JsonObject row = new JsonObject();
    JsonObject auth = new JsonObject();
    columns.forEach((column, raw) -> {
      String value = raw == null ? "" : raw.strip();
      if (value.isEmpty()) {
        return;
      }
      switch (column) {
        case "password", "private_key_path", "private_key", "passphrase" -> auth.put(column, value.replace("\\n", "\n"));
        case "labels" -> {
          JsonObject labels = new JsonObject();
          for (String pair : value.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
              throw HttpProblem.badRequest("rows[" + (line - 2) + "].labels", "write labels as name=value;name=value");
            }
            labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
          }
          row.put("labels", labels);
        }
        default -> row.put(column, value);
      }
    });
    if (!auth.isEmpty()) {
      row.put("auth", auth);
    }
    return row;
  }

  /** A filled-in example a user downloads and edits. */
  static String template(String format) {
    return switch (format) {
      case "csv" -> String.join(",", CSV_COLUMNS) + "\n"
          + "10.0.10.21,22,linux,deploy,,deploy_ed25519,,,SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8,false,"
          + "web-01.example.internal,production,shop;payments,alice,team=web;rack=r12,,\n"
          + "10.0.10.22,22,linux,deploy,,deploy_ed25519,,,,true,db-01.example.internal,production,payments,bob,team=db,,mirror\n"
          + "10.0.20.5,5985,windows,Administrator,CHANGE-ME,,,,,,win-app-01,staging,,alice,,,\n";
      case "json" -> new JsonObject().put("strategy", "concurrent").put("concurrency", 10).put("hosts", exampleRows()).encodePrettily() + "\n";
      case "yaml" -> yaml();
      default -> throw HttpProblem.badRequest("format", "must be one of " + FORMATS);
    };
  }

  private static JsonArray exampleRows() {
    return new JsonArray()
        .add(new JsonObject().put("address", "10.0.10.21").put("port", 22).put("os", "linux").put("username", "deploy")
            .put("auth", new JsonObject().put("private_key_path", "deploy_ed25519"))
            .put("host_key_fingerprint", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8")
            .put("hostname", "web-01.example.internal").put("environment", "production")
            .put("services", new JsonArray().add("shop")).put("maintainers", new JsonArray().add("alice"))
            .put("labels", new JsonObject().put("team", "web")))
        .add(new JsonObject().put("address", "10.0.20.5").put("os", "windows").put("username", "Administrator")
            .put("auth", new JsonObject().put("password", "CHANGE-ME")).put("environment", "staging")
            .put("winrm", new JsonObject().put("https", false).put("auth", "ntlm")));
  }

  private static String yaml() {
    try {
      return YAML.writeValueAsString(JSON.readTree(new JsonObject().put("strategy", "concurrent").put("concurrency", 10)
          .put("hosts", exampleRows()).encode()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
