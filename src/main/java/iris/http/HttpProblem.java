package iris.http;

import io.vertx.core.json.JsonObject;

/**
 * A failure with an HTTP status the client should see. Rendered as
 * {@code {"error": code, "message": …, "field": …}} by {@link ErrorHandler}.
 */
public final class HttpProblem extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  public HttpProblem(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public static HttpProblem badRequest(String field, String message) {
    return new HttpProblem(400, "invalid_request", field == null ? message : field + ": " + message, field);
  }

  public static HttpProblem notFound(String what) {
    return new HttpProblem(404, "not_found", what + " not found", null);
  }

  public int status() {
    return status;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("error", code).put("message", getMessage());
    if (field != null) {
      json.put("field", field);
    }
    return json;
  }
}
