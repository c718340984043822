package iris.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of GraphQL that Weaviate's Get queries use, parsed into plain Java values:
 * {@code {Get{Class(arg:value ...){field other{sub}}}}}. Objects become maps, lists become
 * lists, strings strings, numbers doubles and bare names (enum values such as Equal)
 * {@link Symbol}s.
 */
public final class GraphQlQuery {
  /** A bare name used as a value, e.g. {@code operator:Equal}. */
  public record Symbol(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A requested field and its sub-fields. */
  public record Selection(String name, List<Selection> children) {}

  /** One class queried under Get, with its arguments and requested fields. */
  public record ClassQuery(String className, Map<String, Object> arguments, List<Selection> fields) {}

  private final String text;
  private int pos;

  private GraphQlQuery(String text) {
    this.text = text;
  }

  /** The classes queried by a {@code {Get{...}}} document. */
  public static List<ClassQuery> parseGet(String query) {
    GraphQlQuery p = new GraphQlQuery(query);
    p.expect('{');
    String root = p.name();
    if (!root.equals("Get")) {
      throw new IllegalArgumentException("only Get queries are understood, got " + root);
    }
    p.expect('{');
    List<ClassQuery> classes = new ArrayList<>();
    while (!p.peekIs('}')) {
      String className = p.name();
      Map<String, Object> arguments = p.peekIs('(') ? p.arguments() : Map.of();
      List<Selection> fields = p.peekIs('{') ? p.selections() : List.of();
      classes.add(new ClassQuery(className, arguments, fields));
    }
    p.expect('}');
    p.expect('}');
    return classes;
  }

  private Map<String, Object> arguments() {
    expect('(');
    Map<String, Object> arguments = new LinkedHashMap<>();
    while (!peekIs(')')) {
      String name = name();
      expect(':');
      arguments.put(name, value());
    }
    expect(')');
    return arguments;
  }

  private List<Selection> selections() {
    expect('{');
    List<Selection> fields = new ArrayList<>();
    while (!peekIs('}')) {
      String name = name();
      fields.add(new Selection(name, peekIs('{') ? selections() : List.of()));
    }
    expect('}');
    return fields;
  }

  private Object value() {
    skipSeparators();
    char c = text.charAt(pos);
    if (c == '{') {
      pos++;
      Map<String, Object> object = new LinkedHashMap<>();
      while (!peekIs('}')) {
        String name = name();
        expect(':');
        object.put(name, value());
      }
      expect('}');
      return object;
    }
    if (c == '[') {
      pos++;
      List<Object> list = new ArrayList<>();
      while (!peekIs(']')) {
        list.add(value());
      }
      expect(']');
      return list;
    }
    if (c == '"') {
      return string();
    }
    if (c == '-' || Character.isDigit(c)) {
      int start = pos;
      while (pos < text.length() && "0123456789.eE+-".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      return Double.parseDouble(text.substring(start, pos));
    }
    String name = name();
    return switch (name) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      case "null" -> null;
      default -> new Symbol(name);
    };
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (text.charAt(pos) != '"') {
      char c = text.charAt(pos++);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = text.charAt(pos++);
      switch (escaped) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'u' -> {
          out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> out.append(escaped);
      }
    }
    pos++;
    return out.toString();
  }

  private String name() {
    skipSeparators();
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos) {
      throw error("a name");
    }
    return text.substring(start, pos);
  }

  private boolean peekIs(char c) {
    skipSeparators();
    if (pos >= text.length()) {
      throw error("'" + c + "'");
    }
    return text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peekIs(c)) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  // GraphQL treats commas as whitespace.
  private void skipSeparators() {
    while (pos < text.length() && (Character.isWhitespace(text.charAt(pos)) || text.charAt(pos) == ',')) {
      pos++;
    }
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("expected " + expected + " at " + pos + " in " + text);
  }
}
