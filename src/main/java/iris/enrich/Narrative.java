package iris.enrich;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What the on-call engineer reads: a summary, the probable cause, steps, and the documents
 * it came from; {@code generatedBy} says whether the LLM or the template wrote it, and
 * {@code fallbackReason} why the template did when an LLM was configured.
 */
public record Narrative(String summary, String probableCause, List<String> remediation, List<String> references,
                        String generatedBy, String model, String fallbackReason) {

  /** Reads the JSON the LLM or the template produced; fails naming what is missing. */
  static Narrative parse(String json, String generatedBy, String model) {
    JsonObject o;
    try {
      o = new JsonObject(json.strip());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("output is not a JSON object");
    }
    String summary = o.getValue("summary") instanceof String s ? s.strip() : null;
    if (summary == null || summary.isEmpty()) {
      throw new IllegalArgumentException("output has no summary");
    }
    Object cause = o.getValue("probable_cause");
    if (cause != null && !(cause instanceof String)) {
      throw new IllegalArgumentException("probable_cause is not a string");
    }
    return new Narrative(summary, cause == null ? "" : ((String) cause).strip(), strings(o, "remediation"),
        strings(o, "references"), generatedBy, model, null);
  }

  private static List<String> strings(JsonObject o, String field) {
    Object value = o.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException(field + " is not a list");
    }
    List<String> out = new ArrayList<>();
    for (Object item : array) {
      if (item instanceof String s && !s.isBlank()) {
        out.add(s.strip());
      } else if (item instanceof JsonObject step && step.getValue("step") instanceof String s) {
        out.add(s.strip());  // some models wrap steps as {"step": "..."}
      } else if (item != null) {
        throw new IllegalArgumentException(field + " holds a " + item.getClass().getSimpleName() + ", not text");
      }
    }
    return out;
  }

  Narrative withFallbackReason(String reason) {
    return new Narrative(summary, probableCause, remediation, references, generatedBy, model, reason);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("summary", summary)
        .put("probable_cause", probableCause)
        .put("remediation", new JsonArray(new ArrayList<>(remediation)))
        .put("references", new JsonArray(new ArrayList<>(references)))
        .put("generated_by", generatedBy);
    if (model != null) {
      json.put("model", model);
    }
    if (fallbackReason != null) {
      json.put("fallback_reason", fallbackReason);
    }
    return json;
  }
}
