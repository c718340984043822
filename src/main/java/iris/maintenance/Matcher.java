package iris.maintenance;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher, as Alertmanager's silences have them: {@code =}, {@code !=}, and the regular
 * expressions {@code =~}, {@code !~}, anchored at both ends. A missing label is the empty string.
 */
public record Matcher(String label, String op, String value, Pattern regex) {

  public static Matcher of(String label, String op, String value) {
    Pattern regex = null;
    switch (op) {
      case "=", "!=":
        break;
      case "=~", "!~":
        try {
          regex = Pattern.compile("^(?:" + value + ")$");
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("value '" + value + "' is not a regular expression: " + e.getDescription());
        }
        break;
      default:
        throw new IllegalArgumentException("op must be one of =, !=, =~, !~, got '" + op + "'");
    }
    return new Matcher(label, op, value, regex);
  }

  public boolean matches(JsonObject labels) {
    Object raw = labels.getValue(label);
    String actual = raw == null ? "" : String.valueOf(raw);
    switch (op) {
      case "=":
        return actual.equals(value);
      case "!=":
        return !actual.equals(value);
      case "=~":
        return regex.matcher(actual).matches();
      default:
        return !regex.matcher(actual).matches();
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("label", label).put("op", op).put("value", value);
  }

  @Override
  public String toString() {
    return label + op + "\"" + value + "\"";
  }
}
