package iris.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The shape a Teams Workflows webhook accepts: the message envelope around one Adaptive Card
 * 1.4, elements of known types with their required fields and allowed enum values, only
 * {@code Action.OpenUrl} with an absolute http(s) URL, and the 28 KB message limit. Returns
 * every problem found so a failing test says all that is wrong at once.
 */
public final class AdaptiveCardShape {
  public static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
  public static final String SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
  public static final int MAX_MESSAGE_BYTES = 28 * 1024;

  private static final Set<String> ELEMENTS = Set.of("TextBlock", "FactSet", "Container", "ColumnSet", "Image", "ActionSet", "RichTextBlock");
  private static final Set<String> COLOURS = Set.of("Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention");
  private static final Set<String> SIZES = Set.of("Default", "Small", "Medium", "Large", "ExtraLarge");
  private static final Set<String> WEIGHTS = Set.of("Default", "Lighter", "Bolder");
  private static final Set<String> SPACINGS = Set.of("None", "Small", "Default", "Medium", "Large", "ExtraLarge", "Padding");

  private AdaptiveCardShape() {}

  /** Throws an AssertionError listing every problem, or returns the card inside the envelope. */
  public static JsonObject assertValid(JsonObject message) {
    List<String> problems = problems(message);
    if (!problems.isEmpty()) {
      throw new AssertionError("not a card Teams accepts:\n  " + String.join("\n  ", problems) + "\n" + message.encodePrettily());
    }
    return message.getJsonArray("attachments").getJsonObject(0).getJsonObject("content");
  }

  public static List<String> problems(JsonObject message) {
    List<String> problems = new ArrayList<>();
    if (message == null) {
      return List.of("no JSON object");
    }
    int bytes = message.encode().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_MESSAGE_BYTES) {
      problems.add("message is " + bytes + " bytes; Teams refuses more than " + MAX_MESSAGE_BYTES);
    }
    expect(problems, "message", "type", "message", message.getValue("type"));
    if (!(message.getValue("attachments") instanceof JsonArray attachments) || attachments.size() != 1) {
      problems.add("attachments must be an array of exactly one card");
      return problems;
    }
    if (!(attachments.getValue(0) instanceof JsonObject attachment)) {
      problems.add("attachments[0] is not an object");
      return problems;
    }
    expect(problems, "attachment", "contentType", CONTENT_TYPE, attachment.getValue("contentType"));
    if (!attachment.containsKey("contentUrl") || attachment.getValue("contentUrl") != null) {
      problems.add("attachment.contentUrl must be present and null");
    }
    if (!(attachment.getValue("content") instanceof JsonObject card)) {
      problems.add("attachment.content is not an object");
      return problems;
    }
    expect(problems, "card", "type", "AdaptiveCard", card.getValue("type"));
    expect(problems, "card", "version", "1.4", card.getValue("version"));
    expect(problems, "card", "$schema", SCHEMA, card.getValue("$schema"));
    if (!(card.getValue("body") instanceof JsonArray body) || body.isEmpty()) {
      problems.add("card.body must be a non-empty array");
    } else {
      elements(problems, "body", body);
    }
    if (card.containsKey("actions")) {
      actions(problems, "actions", card.getValue("actions"));
    }
    mentions(problems, card);
    return problems;
  }

  private static final java.util.regex.Pattern AT = java.util.regex.Pattern.compile("<at>[^<]*</at>");

  /**
   * Teams turns {@code <at>Name</at>} in a card's text into an @mention only through a mention
   * entity of the same text in {@code msteams.entities}; an entity whose text is nowhere, or a
   * tag without its entity, shows as plain text.
   */
  private static void mentions(List<String> problems, JsonObject card) {
    JsonObject msteams = card.getValue("msteams") instanceof JsonObject m ? m : new JsonObject();
    JsonObject withoutEntities = card.copy();
    withoutEntities.remove("msteams");
    List<String> tags = new ArrayList<>();
    java.util.regex.Matcher m = AT.matcher(withoutEntities.encode());
    while (m.find()) {
      tags.add(m.group());
    }
    List<String> entityTexts = new ArrayList<>();
    if (msteams.getValue("entities") instanceof JsonArray entities) {
      for (int i = 0; i < entities.size(); i++) {
        String at = "msteams.entities[" + i + "]";
        if (!(entities.getValue(i) instanceof JsonObject e)) {
          problems.add(at + " is not an object");
          continue;
        }
        expect(problems, at, "type", "mention", e.getValue("type"));
        String text = e.getValue("text") instanceof String s ? s : "";
        if (!AT.matcher(text).matches()) {
          problems.add(at + ".text must be <at>name</at>, got " + e.getValue("text"));
        }
        JsonObject mentioned = e.getValue("mentioned") instanceof JsonObject o ? o : new JsonObject();
        if (!(mentioned.getValue("id") instanceof String id) || id.isBlank()) {
          problems.add(at + ".mentioned.id must be the user's object id or UPN");
        }
        if (!(mentioned.getValue("name") instanceof String name) || name.isBlank()) {
          problems.add(at + ".mentioned.name must be the name in the tag");
        } else if (!text.equals("<at>" + name + "</at>")) {
          problems.add(at + ": the tag's text and mentioned.name differ");
        }
        if (!tags.contains(text)) {
          problems.add(at + ": no text of the card holds " + text);
        }
        entityTexts.add(text);
      }
    } else if (msteams.containsKey("entities")) {
      problems.add("msteams.entities must be an array");
    }
    tags.stream().filter(t -> !entityTexts.contains(t)).distinct()
        .forEach(t -> problems.add(t + " has no mention entity: Teams shows it as plain text"));
  }

  private static void elements(List<String> problems, String where, JsonArray elements) {
    for (int i = 0; i < elements.size(); i++) {
      String at = where + "[" + i + "]";
      if (!(elements.getValue(i) instanceof JsonObject element)) {
        problems.add(at + " is not an object");
        continue;
      }
      String type = element.getValue("type") instanceof String s ? s : null;
      if (type == null || !ELEMENTS.contains(type)) {
        problems.add(at + " has unknown type " + element.getValue("type"));
        continue;
      }
      oneOf(problems, at, "color", COLOURS, element);
      oneOf(problems, at, "size", SIZES, element);
      oneOf(problems, at, "weight", WEIGHTS, element);
      oneOf(problems, at, "spacing", SPACINGS, element);
      switch (type) {
        case "TextBlock" -> {
          if (!(element.getValue("text") instanceof String text) || text.isBlank()) {
            problems.add(at + " TextBlock needs a non-blank text string");
          }
        }
        case "FactSet" -> facts(problems, at, element.getValue("facts"));
        case "Container" -> {
          if (element.getValue("items") instanceof JsonArray items) {
            elements(problems, at + ".items", items);
          } else {
            problems.add(at + " Container needs an items array");
          }
        }
        case "ColumnSet" -> columns(problems, at, element.getValue("columns"));
        case "ActionSet" -> actions(problems, at + ".actions", element.getValue("actions"));
        default -> { }
      }
    }
  }

  private static void facts(List<String> problems, String at, Object value) {
    if (!(value instanceof JsonArray facts) || facts.isEmpty()) {
      problems.add(at + " FactSet needs a non-empty facts array");
      return;
    }
    for (int i = 0; i < facts.size(); i++) {
      if (!(facts.getValue(i) instanceof JsonObject fact)
          || !(fact.getValue("title") instanceof String) || !(fact.getValue("value") instanceof String)) {
        problems.add(at + ".facts[" + i + "] needs string title and value");
      }
    }
  }

  private static void columns(List<String> problems, String at, Object value) {
    if (!(value instanceof JsonArray columns)) {
      problems.add(at + " ColumnSet needs a columns array");
      return;
    }
    for (int i = 0; i < columns.size(); i++) {
      if (!(columns.getValue(i) instanceof JsonObject column) || !"Column".equals(column.getValue("type"))) {
        problems.add(at + ".columns[" + i + "] is not a Column");
      } else if (column.getValue("items") instanceof JsonArray items) {
        elements(problems, at + ".columns[" + i + "].items", items);
      }
    }
  }

  private static void actions(List<String> problems, String at, Object value) {
    if (!(value instanceof JsonArray actions)) {
      problems.add(at + " must be an array");
      return;
    }
    for (int i = 0; i < actions.size(); i++) {
      String where = at + "[" + i + "]";
      if (!(actions.getValue(i) instanceof JsonObject action)) {
        problems.add(where + " is not an object");
        continue;
      }
      expect(problems, where, "type", "Action.OpenUrl", action.getValue("type"));
      if (!(action.getValue("title") instanceof String title) || title.isBlank()) {
        problems.add(where + " needs a title");
      }
      if (!(action.getValue("url") instanceof String url) || !absoluteWebUrl(url)) {
        problems.add(where + " needs an absolute http(s) url, not " + action.getValue("url"));
      }
    }
  }

  private static boolean absoluteWebUrl(String url) {
    try {
      URI uri = new URI(url);
      return uri.isAbsolute() && uri.getHost() != null
          && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
    } catch (Exception e) {
      return false;
    }
  }

  private static void oneOf(List<String> problems, String at, String key, Set<String> allowed, JsonObject element) {
    Object value = element.getValue(key);
    if (value != null && !allowed.contains(value)) {
      problems.add(at + "." + key + " is " + value + ", not one of " + allowed);
    }
  }

  private static void expect(List<String> problems, String where, String key, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      problems.add(where + "." + key + " must be " + expected + ", was " + actual);
    }
  }
}
