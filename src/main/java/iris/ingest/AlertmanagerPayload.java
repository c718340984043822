package iris.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import iris.api.HttpProblem;
import iris.incident.Alert;
import iris.incident.AlertGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an Alertmanager webhook (version 4) into a group and its alerts. Unknown fields are
 * ignored, as newer Alertmanagers add some; anything that will never be accepted is a 400
 * naming the field, because Alertmanager does not retry a 4xx.
 */
public final class AlertmanagerPayload {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  public record Parsed(AlertGroup group, List<Alert> alerts) {}

  private AlertmanagerPayload() {}

  public static Parsed parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw HttpProblem.badRequest("body", "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw HttpProblem.badRequest("body", "unreadable body");
    }
    if (root == null || !root.isObject()) {
      throw HttpProblem.badRequest("body", "must be a JSON object (Alertmanager webhook payload)");
    }
    JsonNode version = root.get("version");
    if (version == null || version.isNull()) {
      throw HttpProblem.badRequest("version", "missing; Alertmanager webhook version \"4\" expected");
    }
    if (!"4".equals(version.isTextual() || version.isInt() ? version.asText() : null)) {
      throw HttpProblem.badRequest("version", "unsupported version " + version + "; only \"4\" is accepted");
    }
    String groupStatus = status(root.get("status"), "status");
    JsonNode alerts = root.get("alerts");
    if (alerts == null || alerts.isNull()) {
      throw HttpProblem.badRequest("alerts", "missing");
    }
    if (!alerts.isArray()) {
      throw HttpProblem.badRequest("alerts", "must be an array");
    }
    AlertGroup group = new AlertGroup(
        optionalText(root, "receiver", ""),
        optionalText(root, "groupKey", ""),
        optionalText(root, "externalURL", null),
        groupStatus,
        labelMap(root.get("groupLabels"), "groupLabels"),
        labelMap(root.get("commonLabels"), "commonLabels"),
        labelMap(root.get("commonAnnotations"), "commonAnnotations"),
        truncated(root.get("truncatedAlerts")));
    List<Alert> parsed = new ArrayList<>(alerts.size());
    for (int i = 0; i < alerts.size(); i++) {
      parsed.add(alert(alerts.get(i), "alerts[" + i + "]"));
    }
    return new Parsed(group, parsed);
  }

  private static Alert alert(JsonNode node, String path) {
    if (!node.isObject()) {
      throw HttpProblem.badRequest(path, "must be an object");
    }
    String status = status(node.get("status"), path + ".status");
    JsonNode labels = node.get("labels");
    if (labels == null || labels.isNull()) {
      throw HttpProblem.badRequest(path + ".labels", "missing");
    }
    String labelsJson = labelMap(labels, path + ".labels");
    String annotationsJson = labelMap(node.get("annotations"), path + ".annotations");
    OffsetDateTime startsAt = time(node.get("startsAt"), path + ".startsAt", true);
    OffsetDateTime endsAt = time(node.get("endsAt"), path + ".endsAt", false);
    if ("resolved".equals(status) && endsAt == null) {
      endsAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
    String fingerprint = optionalText(node, "fingerprint", path + ".fingerprint", "");
    if (fingerprint.isEmpty()) {
      fingerprint = fingerprint(labels);
    }
    String service = text(labels, "service");
    return new Alert(
        fingerprint, status, startsAt, endsAt,
        text(labels, "alertname") == null ? "" : text(labels, "alertname"),
        text(labels, "severity"),
        text(labels, "instance"),
        service != null ? service : text(labels, "job"),
        labelsJson, annotationsJson,
        optionalText(node, "generatorURL", path + ".generatorURL", null),
        1, 0);
  }

  private static String status(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      throw HttpProblem.badRequest(path, "missing; \"firing\" or \"resolved\" expected");
    }
    String value = node.isTextual() ? node.asText() : "";
    if (!value.equals("firing") && !value.equals("resolved")) {
      throw HttpProblem.badRequest(path, "must be \"firing\" or \"resolved\", got " + node);
    }
    return value;
  }

  /** Validates a string-to-string map and returns it as JSON text ("{}" when absent). */
  private static String labelMap(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return "{}";
    }
    if (!node.isObject()) {
      throw HttpProblem.badRequest(path, "must be an object of strings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw HttpProblem.badRequest(path + "." + field.getKey(), "must be a string");
      }
    }
    return node.toString();
  }

  private static OffsetDateTime time(JsonNode node, String path, boolean required) {
    if (node == null || node.isNull()) {
      if (required) {
        throw HttpProblem.badRequest(path, "missing; an RFC 3339 timestamp expected");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw HttpProblem.badRequest(path, "must be an RFC 3339 timestamp string");
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(node.asText());
      if (!t.toInstant().isAfter(ZERO_TIME)) {
        if (required) {
          throw HttpProblem.badRequest(path, "must not be the zero time");
        }
        return null;
      }
      // PostgreSQL keeps microseconds; truncating here keeps (fingerprint, startsAt) one key.
      return t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw HttpProblem.badRequest(path, "not an RFC 3339 timestamp: " + node);
    }
  }

  private static int truncated(JsonNode node) {
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 0) {
      throw HttpProblem.badRequest("truncatedAlerts", "must be a non-negative integer");
    }
    return node.asInt();
  }

  private static String optionalText(JsonNode parent, String field, String fallback) {
    return optionalText(parent, field, field, fallback);
  }

  private static String optionalText(JsonNode parent, String field, String path, String fallback) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      throw HttpProblem.badRequest(path, "must be a string");
    }
    return node.asText();
  }

  private static String text(JsonNode labels, String name) {
    JsonNode node = labels.get(name);
    return node == null ? null : node.asText();
  }

  /** Alertmanager's own label-set fingerprint (FNV-1a 64 over sorted names and values). */
  public static String fingerprint(JsonNode labels) {
    TreeMap<String, String> sorted = new TreeMap<>();
    labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    long hash = 0xcbf29ce484222325L;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      hash = fnv(hash, e.getKey());
      hash = fnv(hash, (byte) 0xff);
      hash = fnv(hash, e.getValue());
      hash = fnv(hash, (byte) 0xff);
    }
    return String.format("%016x", hash);
  }

  private static long fnv(long hash, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      hash = fnv(hash, b);
    }
    return hash;
  }

  private static long fnv(long hash, byte b) {
    return (hash ^ (b & 0xff)) * 0x100000001b3L;
  }
}
