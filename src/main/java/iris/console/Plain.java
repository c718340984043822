package iris.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON as the sandboxed templates take it: maps, lists, strings, numbers and booleans only. */
final class Plain {
  private Plain() {}

  static Map<String, Object> of(JsonObject json) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (json != null) {
      json.forEach(e -> {
        Object value = value(e.getValue());
        if (value != null) {
          map.put(e.getKey(), value);
        }
      });
    }
    return map;
  }

  static List<Object> of(JsonArray array) {
    List<Object> list = new ArrayList<>();
    if (array != null) {
      array.forEach(v -> {
        Object value = value(v);
        if (value != null) {
          list.add(value);
        }
      });
    }
    return list;
  }

  static Object value(Object v) {
    if (v instanceof JsonObject o) {
      return of(o);
    }
    if (v instanceof JsonArray a) {
      return of(a);
    }
    if (v instanceof Map<?, ?> m) {
      return of(new JsonObject(castMap(m)));
    }
    if (v instanceof List<?> l) {
      return of(new JsonArray(new ArrayList<>(l)));
    }
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    return String.valueOf(v);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
