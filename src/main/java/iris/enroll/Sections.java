package iris.enroll;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Output of one step script that gathers several facts: each fact starts with a line
 * {@code ==> name <==} (as {@code tail} prints several files), so one round trip answers many questions.
 */
final class Sections {
  private Sections() {}

  static Map<String, String> parse(String output) {
    Map<String, String> sections = new LinkedHashMap<>();
    String name = null;
    StringBuilder body = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("==> ") && trimmed.endsWith(" <==")) {
        if (name != null) {
          sections.put(name, body.toString().strip());
        }
        name = trimmed.substring(4, trimmed.length() - 4).strip();
        body.setLength(0);
      } else if (name != null) {
        body.append(line).append('\n');
      }
    }
    if (name != null) {
      sections.put(name, body.toString().strip());
    }
    return sections;
  }

  /** The shell line that starts a section. */
  static String header(String name) {
    return "echo '==> " + name + " <=='";
  }
}
