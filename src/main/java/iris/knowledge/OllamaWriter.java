package iris.knowledge;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short text from Ollama's {@code POST /api/chat} (non-streaming, a JSON schema of one
 * {@code summary} field), for the notices that summarise facts Iris already holds: the end of a
 * maintenance window, a deployment's commits. Small and bounded: the prompt is cut to
 * {@link #PROMPT_CHARS}, the answer to {@link #OUTPUT_TOKENS} tokens and {@link #OUTPUT_CHARS}
 * characters, the call to {@code ollama.timeout_ms}. {@link #orTemplate} falls back to the
 * template's text on any failure and says why.
 */
public final class OllamaWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OllamaWriter.class);
  public static final int PROMPT_CHARS = 8000;
  public static final int OUTPUT_TOKENS = 300;
  public static final int OUTPUT_CHARS = 1500;

  private static final JsonObject SCHEMA = new JsonObject().put("type", "object")
      .put("properties", new JsonObject().put("summary", new JsonObject().put("type", "string")))
      .put("required", new JsonArray().add("summary"));

  /** Who wrote a text: {@code llm} (with its model) or {@code template} (with why, when the LLM failed). */
  public record Written(String text, String generatedBy, String model, String fallbackReason) {
    public static Written template(String text, String fallbackReason) {
      return new Written(text, "template", null, fallbackReason);
    }

    /** "llm (llama3)", "template", "template (LLM failed: …)": for a notice's facts. */
    public String by() {
      if (model != null) {
        return generatedBy + " (" + model + ")";
      }
      return fallbackReason == null ? generatedBy : generatedBy + " (LLM failed: " + fallbackReason + ")";
    }

    public JsonObject toJson() {
      return new JsonObject().put("generated_by", generatedBy).put("model", model).put("fallback_reason", fallbackReason);
    }
  }

  private final OllamaChat chat;

  public OllamaWriter(WebClient client, String url, String model, Duration timeout) {
    this.chat = new OllamaChat(client, url, model, timeout);
  }

  public String model() {
    return chat.model();
  }

  /** The summary the model wrote for {@code prompt}; fails with the reason on a timeout, an HTTP error or unusable output. */
  public Future<String> write(String system, String prompt) {
    String bounded = prompt.length() > PROMPT_CHARS ? prompt.substring(0, PROMPT_CHARS) + "\n[cut]" : prompt;
    JsonObject options = new JsonObject().put("temperature", 0.2).put("num_predict", OUTPUT_TOKENS);
    return chat.content(system, bounded, SCHEMA, options).compose(content -> {
      try {
        Object summary = new JsonObject(content).getValue("summary");
        if (!(summary instanceof String s) || s.isBlank()) {
          return Future.failedFuture("unusable LLM output: no summary");
        }
        String text = s.strip();
        return Future.succeededFuture(text.length() > OUTPUT_CHARS ? text.substring(0, OUTPUT_CHARS - 1) + "…" : text);
      } catch (DecodeException | ClassCastException e) {
        return Future.failedFuture("unusable LLM output: not the asked-for JSON");
      }
    });
  }

  /** The LLM's text when {@code writer} is configured, else (or when it fails) {@code template}, with who wrote it. */
  public static Future<Written> orTemplate(OllamaWriter writer, String what, String system, String prompt, String template) {
    if (writer == null) {
      return Future.succeededFuture(Written.template(template, null));
    }
    return writer.write(system, prompt).map(text -> new Written(text, "llm", writer.model(), null)).recover(e -> {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("LLM {} failed, using the template: {}", what, reason);
      return Future.succeededFuture(Written.template(template, reason));
    });
  }
}
