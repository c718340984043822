package iris.maintenance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import iris.http.Json;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A window as asked for, checked for everything that needs no database: types, times, time
 * zone, recurrence rule, reminders, the maximum duration. Whether its hosts, services and labels
 * exist is {@link Maintenance}'s to check against the registry.
 */
public record WindowDraft(String title, String description, String type, String category, Scope scope, Instant startsAt,
                          Instant endsAt, ZoneId zone, Recurrence recurrence, List<Duration> reminders, boolean announce,
                          String reason) {

  static final Set<String> FIELDS = Set.of("title", "description", "type", "category", "scope", "starts_at", "ends_at",
      "timezone", "recurrence", "reminders", "notify", "reason");
  static final List<String> TYPES = List.of("scheduled", "emergency");
  static final List<String> CATEGORIES = List.of("infrastructure", "application", "network", "database", "security");
  static final List<String> OPS = List.of("=", "!=", "=~", "!~");
  static final Duration LONGEST_REMINDER = Duration.ofDays(30);
  private static final int MAX_NAMES = 500;

  public Duration length() {
    return Duration.between(startsAt, endsAt);
  }

  public LocalDateTime localStart() {
    return LocalDateTime.ofInstant(startsAt, zone);
  }

  /**
   * Reads a request body; a 400 naming the field for anything wrong.
   *
   * @param maxDuration the longest window without a {@code reason}
   */
  public static WindowDraft parse(JsonObject body, Instant now, Duration maxDuration) {
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw HttpProblem.badRequest(key, "unknown field");
      }
    }
    String title = Json.requiredString(body, "title", 200).strip();
    String description = Json.optionalString(body, "description", 10_000);
    String type = oneOf(body, "type", TYPES, "scheduled");
    String category = oneOf(body, "category", CATEGORIES, "infrastructure");
    Scope scope = scope(body.getValue("scope"));
    ZoneId zone = zone(body);
    boolean emergency = type.equals("emergency");
    Instant startsAt;
    if (emergency) {
      if (body.getValue("starts_at") != null && time(body, "starts_at", zone).isAfter(now.plusSeconds(60))) {
        throw HttpProblem.badRequest("starts_at", "an emergency window starts at once: leave starts_at out or use a scheduled window");
      }
      startsAt = now;
    } else {
      if (body.getValue("starts_at") == null) {
        throw HttpProblem.badRequest("starts_at", "is required for a scheduled window");
      }
      startsAt = time(body, "starts_at", zone);
    }
    if (body.getValue("ends_at") == null) {
      throw HttpProblem.badRequest("ends_at", "is required");
    }
    Instant endsAt = time(body, "ends_at", zone);
    if (!endsAt.isAfter(startsAt)) {
      throw HttpProblem.badRequest("ends_at", "must be after starts_at");
    }
    String reason = Json.optionalString(body, "reason", 2000);
    Duration length = Duration.between(startsAt, endsAt);
    if (length.compareTo(maxDuration) > 0 && (reason == null || reason.isBlank())) {
      throw HttpProblem.badRequest("ends_at", "the window is longer than the maximum of " + maxDuration
          + " (maintenance.max_duration); give a reason to allow it");
    }
    Recurrence recurrence = null;
    if (body.getValue("recurrence") != null) {
      if (emergency) {
        throw HttpProblem.badRequest("recurrence", "an emergency window does not recur");
      }
      String rule = Json.requiredString(body, "recurrence", 500).strip();
      try {
        recurrence = Recurrence.parse(rule, zone);
      } catch (IllegalArgumentException e) {
        throw HttpProblem.badRequest("recurrence", e.getMessage());
      }
      LocalDateTime local = LocalDateTime.ofInstant(startsAt, zone);
      if (recurrence.starts(local, Instant.MIN, Instant.MAX, 1).isEmpty()) {
        throw HttpProblem.badRequest("recurrence", "the rule gives no occurrence from starts_at on");
      }
      Duration gap = recurrence.shortestGap(local);
      if (gap != null && gap.compareTo(length) < 0) {
        throw HttpProblem.badRequest("recurrence", "occurrences " + gap + " apart would overlap a window of " + length);
      }
    } else if (!endsAt.isAfter(now)) {
      throw HttpProblem.badRequest("ends_at", "is in the past");
    }
    List<Duration> reminders = reminders(body.getValue("reminders"));
    Object notify = body.getValue("notify");
    if (notify != null && !(notify instanceof Boolean)) {
      throw HttpProblem.badRequest("notify", "must be true or false");
    }
    return new WindowDraft(title, description, type, category, scope, startsAt, endsAt, zone, recurrence, reminders,
        notify == null || (Boolean) notify, reason);
  }

  static Instant time(JsonObject body, String field, ZoneId zone) {
    Object raw = body.getValue(field);
    if (!(raw instanceof String s)) {
      throw HttpProblem.badRequest(field, "must be a time (RFC 3339, or a local time read in the window's timezone)");
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return ZonedDateTime.of(LocalDateTime.parse(s), zone).toInstant();
      } catch (DateTimeParseException e2) {
        throw HttpProblem.badRequest(field, "'" + s + "' is not a time such as 2026-12-06T02:00:00Z or 2026-12-06T02:00");
      }
    }
  }

  static Duration duration(Object raw, String field) {
    if (!(raw instanceof String s)) {
      throw HttpProblem.badRequest(field, "must be an ISO-8601 duration such as PT30M");
    }
    try {
      Duration d = Duration.parse(s);
      if (d.isNegative() || d.isZero()) {
        throw HttpProblem.badRequest(field, "must be positive");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw HttpProblem.badRequest(field, "'" + s + "' is not an ISO-8601 duration such as PT30M or PT24H");
    }
  }

  private static ZoneId zone(JsonObject body) {
    Object raw = body.getValue("timezone");
    if (raw == null) {
      return ZoneId.of("UTC");
    }
    if (!(raw instanceof String s)) {
      throw HttpProblem.badRequest("timezone", "must be an IANA time zone name such as Africa/Accra");
    }
    try {
      return ZoneId.of(s);
    } catch (DateTimeException e) {
      throw HttpProblem.badRequest("timezone", "'" + s + "' is not a time zone (use an IANA name such as Africa/Accra)");
    }
  }

  private static List<Duration> reminders(Object raw) {
    if (raw == null) {
      return List.of(Duration.ofHours(1));
    }
    if (!(raw instanceof JsonArray a) || a.size() > 10) {
      throw HttpProblem.badRequest("reminders", "must be a list of at most 10 ISO-8601 durations");
    }
    Set<Duration> out = new LinkedHashSet<>();
    for (int i = 0; i < a.size(); i++) {
      Duration d = duration(a.getValue(i), "reminders[" + i + "]");
      if (d.compareTo(LONGEST_REMINDER) > 0) {
        throw HttpProblem.badRequest("reminders[" + i + "]", "at most P30D before the start");
      }
      out.add(d);
    }
    List<Duration> sorted = new ArrayList<>(out);
    sorted.sort(Comparator.reverseOrder());
    return sorted;
  }

  private static Scope scope(Object raw) {
    if (!(raw instanceof JsonObject s)) {
      throw HttpProblem.badRequest("scope", "is required: {hosts, services, matchers}");
    }
    for (String key : s.fieldNames()) {
      if (!Set.of("hosts", "services", "matchers").contains(key)) {
        throw HttpProblem.badRequest("scope." + key, "unknown field");
      }
    }
    List<String> hosts = names(s.getValue("hosts"), "scope.hosts");
    List<String> services = names(s.getValue("services"), "scope.services");
    List<Matcher> matchers = new ArrayList<>();
    Object m = s.getValue("matchers");
    if (m != null) {
      if (!(m instanceof JsonArray a) || a.size() > 50) {
        throw HttpProblem.badRequest("scope.matchers", "must be a list of at most 50 {label, op, value}");
      }
      for (int i = 0; i < a.size(); i++) {
        String field = "scope.matchers[" + i + "]";
        if (!(a.getValue(i) instanceof JsonObject o)) {
          throw HttpProblem.badRequest(field, "must be {label, op, value}");
        }
        Object label = o.getValue("label");
        Object op = o.getValue("op", "=");
        Object value = o.getValue("value");
        if (!(label instanceof String l) || !l.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
          throw HttpProblem.badRequest(field + ".label", "must be a Prometheus label name");
        }
        if (!(op instanceof String o2) || !OPS.contains(o2)) {
          throw HttpProblem.badRequest(field + ".op", "must be one of =, !=, =~, !~");
        }
        if (!(value instanceof String v) || v.length() > 1000) {
          throw HttpProblem.badRequest(field + ".value", "must be a string");
        }
        try {
          matchers.add(Matcher.of(l, o2, v));
        } catch (IllegalArgumentException e) {
          throw HttpProblem.badRequest(field + ".value", e.getMessage());
        }
      }
    }
    Scope scope = new Scope(hosts, services, matchers);
    if (scope.empty()) {
      throw HttpProblem.badRequest("scope", "name at least one host, service or matcher (an empty scope would mute nothing)");
    }
    if (hosts.isEmpty() && services.isEmpty() && matchers.stream().allMatch(x -> x.op().startsWith("!"))) {
      throw HttpProblem.badRequest("scope.matchers", "negative matchers alone would mute almost everything: add a host, service or positive matcher");
    }
    return scope;
  }

  private static List<String> names(Object raw, String field) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray a) || a.size() > MAX_NAMES) {
      throw HttpProblem.badRequest(field, "must be a list of at most " + MAX_NAMES + " names");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s) || s.isBlank() || s.length() > 253) {
        throw HttpProblem.badRequest(field + "[" + i + "]", "must be a non-empty name");
      }
      out.add(s.strip());
    }
    return List.copyOf(out);
  }

  private static String oneOf(JsonObject body, String field, List<String> allowed, String fallback) {
    Object raw = body.getValue(field);
    if (raw == null) {
      return fallback;
    }
    if (!(raw instanceof String s) || !allowed.contains(s)) {
      throw HttpProblem.badRequest(field, "must be one of " + String.join(", ", allowed));
    }
    return s;
  }
}
