package iris.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import java.util.ArrayList;
import java.util.List;

/** Request-body helpers shared by the registry's resources. */
final class Registry {
  private Registry() {}

  /** An optional array of non-blank strings (at most {@code max}); null when absent. */
  static List<String> strings(JsonObject body, String field, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.size() > max) {
      throw HttpProblem.badRequest(field, "must be an array of at most " + max + " strings");
    }
    List<String> out = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank() || s.length() > 200) {
        throw HttpProblem.badRequest(field, "every entry must be a non-empty string of at most 200 characters");
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  static boolean flag(JsonObject body, String field, boolean fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean b)) {
      throw HttpProblem.badRequest(field, "must be true or false");
    }
    return b;
  }

  /** An optional object whose values are strings (labels). */
  static JsonObject stringMap(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject map) || map.size() > 100) {
      throw HttpProblem.badRequest(field, "must be an object of at most 100 string values");
    }
    for (String key : map.fieldNames()) {
      if (!(map.getValue(key) instanceof String s) || s.length() > 500) {
        throw HttpProblem.badRequest(field, "value of '" + key + "' must be a string of at most 500 characters");
      }
    }
    return map;
  }
}
