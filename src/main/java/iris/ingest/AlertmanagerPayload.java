package iris.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import iris.http.HttpProblem;
import iris.incident.Alert;
import iris.incident.AlertGroup;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an Alertmanager webhook (version 4) into a group and its alerts. Unknown fields are
 * ignored, as newer Alertmanagers add some; anything that will never be accepted is a 400
 * naming the field, because Alertmanager does not retry a 4xx. Every string that is stored
 * (label names too) is made storable first ({@link StorableText}), so what passes here cannot
 * fail the transaction it shares with other requests.
 */
public final class AlertmanagerPayload {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");
  // Go's time cannot write a later year in JSON, and PostgreSQL's timestamp range ends in 294276.
  private static final Instant LAST_TIME = Instant.parse("9999-12-31T23:59:59.999999Z");
  /**
   * Longest value, in UTF-8 bytes, of a string that lands in a btree index (a unique key or a
   * lookup): an index row holds at most about 2,700 bytes, and receiver and group key share one.
   */
  static final int MAX_KEY_BYTES = 2048;
  static final int MAX_RECEIVER_BYTES = 512;

  public record Parsed(AlertGroup group, List<Alert> alerts) {}

  private AlertmanagerPayload() {}

  /** The whole body at once; the webhook itself reads it as a stream ({@link PayloadStream}). */
  public static Parsed parse(byte[] body) {
    return PayloadStream.parse(body);
  }

  /** The group's own fields (the root object without its alerts, which are read one by one). */
  static AlertGroup group(JsonNode root) {
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
    return new AlertGroup(
        bounded(optionalText(root, "receiver", ""), "receiver", MAX_RECEIVER_BYTES),
        bounded(optionalText(root, "groupKey", ""), "groupKey", MAX_KEY_BYTES),
        optionalText(root, "externalURL", null),
        groupStatus,
        labelMap(root.get("groupLabels"), "groupLabels"),
        labelMap(root.get("commonLabels"), "commonLabels"),
        labelMap(root.get("commonAnnotations"), "commonAnnotations"),
        truncated(root.get("truncatedAlerts")));
  }

  static Alert alert(JsonNode node, String path) {
    if (!node.isObject()) {
      throw HttpProblem.badRequest(path, "must be an object");
    }
    String status = status(node.get("status"), path + ".status");
    JsonNode labels = node.get("labels");
    if (labels == null || labels.isNull()) {
      throw HttpProblem.badRequest(path + ".labels", "missing");
    }
    ObjectNode storedLabels = cleanMap(labels, path + ".labels");
    String annotationsJson = labelMap(node.get("annotations"), path + ".annotations");
    OffsetDateTime startsAt = time(node.get("startsAt"), path + ".startsAt", true);
    OffsetDateTime endsAt = time(node.get("endsAt"), path + ".endsAt", false);
    if ("resolved".equals(status) && endsAt == null) {
      endsAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
    String fingerprint = optionalText(node, "fingerprint", path + ".fingerprint", "");
    if (fingerprint.isEmpty()) {
      fingerprint = fingerprint(labels); // from the labels as sent, as Alertmanager computes it
    }
    bounded(fingerprint, path + ".fingerprint", MAX_KEY_BYTES);
    String alertname = label(storedLabels, "alertname", path);
    String service = label(storedLabels, "service", path);
    return new Alert(
        fingerprint, status, startsAt, endsAt,
        alertname == null ? "" : alertname,
        label(storedLabels, "severity", path),
        label(storedLabels, "instance", path),
        service != null ? service : label(storedLabels, "job", path),
        storedLabels.toString(), annotationsJson,
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

  /** Validates a string-to-string map and returns it, made storable, as JSON text ("{}" when absent). */
  private static String labelMap(JsonNode node, String path) {
    return node == null || node.isNull() ? "{}" : cleanMap(node, path).toString();
  }

  /** A string-to-string map with every name and value made storable (the same node when all are). */
  private static ObjectNode cleanMap(JsonNode node, String path) {
    if (!node.isObject()) {
      throw HttpProblem.badRequest(path, "must be an object of strings");
    }
    boolean storable = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw HttpProblem.badRequest(path + "." + StorableText.clean(field.getKey()), "must be a string");
      }
      storable &= StorableText.clean(field.getKey()) == field.getKey()
          && StorableText.clean(field.getValue().textValue()) == field.getValue().textValue();
    }
    if (storable) {
      return (ObjectNode) node; // the usual case: no copy
    }
    ObjectNode clean = JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = StorableText.clean(field.getKey());
      if (clean.has(name)) {
        throw HttpProblem.badRequest(path + "." + name, "two names are the same once NUL and lone surrogates become U+FFFD");
      }
      clean.put(name, StorableText.clean(field.getValue().textValue()));
    }
    return clean;
  }

  /** A label that is also a column with a lookup index (alertname, instance, service...). */
  private static String label(ObjectNode labels, String name, String path) {
    JsonNode node = labels.get(name);
    return node == null ? null : bounded(node.asText(), path + ".labels." + name, MAX_KEY_BYTES);
  }

  private static String bounded(String value, String path, int maxBytes) {
    if (value != null && StorableText.utf8Length(value) > maxBytes) {
      throw HttpProblem.badRequest(path, "longer than " + maxBytes + " bytes (UTF-8); Iris indexes it and cannot store more");
    }
    return value;
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
      if (t.toInstant().isAfter(LAST_TIME)) {
        throw HttpProblem.badRequest(path, "after the year 9999: " + node);
      }
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
    return StorableText.clean(node.asText());
  }

  /**
   * Alertmanager's own label-set fingerprint (FNV-1a 64 over names and values sorted by name,
   * in byte order as Go sorts strings), over the labels as sent: a NUL stays a NUL here.
   */
  public static String fingerprint(JsonNode labels) {
    TreeMap<byte[], byte[]> sorted = new TreeMap<>(Arrays::compareUnsigned);
    labels.fields().forEachRemaining(e ->
        sorted.put(StorableText.alertmanagerUtf8(e.getKey()), StorableText.alertmanagerUtf8(e.getValue().asText())));
    long hash = 0xcbf29ce484222325L;
    for (Map.Entry<byte[], byte[]> e : sorted.entrySet()) {
      hash = fnv(hash, e.getKey());
      hash = fnv(hash, (byte) 0xff);
      hash = fnv(hash, e.getValue());
      hash = fnv(hash, (byte) 0xff);
    }
    return String.format("%016x", hash);
  }

  private static long fnv(long hash, byte[] bytes) {
    for (byte b : bytes) {
      hash = fnv(hash, b);
    }
    return hash;
  }

  private static long fnv(long hash, byte b) {
    return (hash ^ (b & 0xff)) * 0x100000001b3L;
  }
}
