package iris.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Small helpers every REST resource uses to read requests and write JSON answers. */
public final class Json {
  private Json() {}

  public static void ok(RoutingContext ctx, JsonObject body) {
    send(ctx, 200, body);
  }

  public static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** The request body as a JSON object, or a 400 that says why not. */
  public static JsonObject body(RoutingContext ctx) {
    if (!hasBody(ctx)) {
      throw HttpProblem.badRequest("body", "a JSON object is required");
    }
    try {
      Object parsed = ctx.body().buffer().toJsonValue();
      if (parsed instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw HttpProblem.badRequest("body", "malformed JSON");
    }
    throw HttpProblem.badRequest("body", "must be a JSON object");
  }

  /** The body as a JSON object, or an empty object when the request has none. */
  public static JsonObject optionalBody(RoutingContext ctx) {
    return hasBody(ctx) ? body(ctx) : new JsonObject();
  }

  private static boolean hasBody(RoutingContext ctx) {
    return ctx.body() != null && ctx.body().buffer() != null && ctx.body().buffer().length() > 0;
  }

  /** Rejects fields the resource does not know, so a typo is not silently ignored. */
  public static void onlyFields(JsonObject body, Set<String> allowed) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw HttpProblem.badRequest(field, "unknown field; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  public static String requiredString(JsonObject body, String field, int maxLength) {
    String value = optionalString(body, field, maxLength);
    if (value == null || value.isBlank()) {
      throw HttpProblem.badRequest(field, "required");
    }
    return value;
  }

  public static String optionalString(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw HttpProblem.badRequest(field, "must be a string");
    }
    if (s.length() > maxLength) {
      throw HttpProblem.badRequest(field, "longer than " + maxLength + " characters");
    }
    return s;
  }

  public static long pathId(RoutingContext ctx, String name) {
    try {
      long id = Long.parseLong(ctx.pathParam(name));
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw HttpProblem.badRequest(name, "must be a positive integer id");
  }

  /** An optional whole-number query parameter within bounds; a 400 naming it otherwise. */
  public static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw HttpProblem.badRequest(name, "must be a whole number from " + min + " to " + max);
  }
}
