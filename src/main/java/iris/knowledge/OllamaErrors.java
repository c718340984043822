package iris.knowledge;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** Ollama answers errors as {@code {"error": "…"}}; this pulls the message out for logs and results. */
public final class OllamaErrors {
  private OllamaErrors() {}

  public static String message(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    try {
      String error = new JsonObject(body).getString("error");
      if (error != null) {
        return error;
      }
    } catch (DecodeException | ClassCastException e) {
      // not JSON: fall through to the raw text
    }
    return body.length() > 200 ? body.substring(0, 200) + "…" : body;
  }
}
