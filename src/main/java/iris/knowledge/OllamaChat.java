package iris.knowledge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One non-streaming call to Ollama's {@code POST /api/chat} with a JSON schema for the answer:
 * a system and a user message in, the assistant message's content out. Fails with a reason
 * people can read on a timeout, an HTTP error or an answer without content.
 */
public final class OllamaChat {
  private final WebClient client;
  private final String url;
  private final String model;
  private final Duration timeout;

  public OllamaChat(WebClient client, String url, String model, Duration timeout) {
    this.client = client;
    this.url = url;
    this.model = model;
    this.timeout = timeout;
  }

  public String model() {
    return model;
  }

  /** @param options Ollama's sampling options (temperature, num_predict, …) */
  public Future<String> content(String system, String user, JsonObject schema, JsonObject options) {
    JsonObject request = new JsonObject().put("model", model).put("stream", false).put("format", schema)
        .put("options", options)
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", system))
            .add(new JsonObject().put("role", "user").put("content", user)));
    return client.postAbs(url + "/api/chat").timeout(timeout.toMillis()).sendJsonObject(request)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("Ollama answered " + response.statusCode() + ": " + OllamaErrors.message(response.bodyAsString()));
          }
          JsonObject body;
          try {
            body = response.bodyAsJsonObject();
          } catch (RuntimeException e) {
            return Future.failedFuture("Ollama's answer is not JSON");
          }
          JsonObject message = body == null ? null : body.getJsonObject("message");
          String content = message == null ? null : message.getString("content");
          return content == null ? Future.failedFuture("Ollama's answer has no message content") : Future.succeededFuture(content);
        });
  }
}
