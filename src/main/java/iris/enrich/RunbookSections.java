package iris.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The parts of a Markdown runbook a notification needs, found by their headings:
 * what it means, probable causes, remediation steps, escalation. Runbooks written
 * without those headings still give their first paragraph as the meaning.
 */
public record RunbookSections(String meaning, List<String> causes, List<String> remediation, String escalation) {
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");
  private static final Pattern ITEM = Pattern.compile("^\\s*(?:[-*+]|\\d+[.)])\\s+(.*)$");

  private enum Part { MEANING, CAUSES, REMEDIATION, ESCALATION, OTHER }

  public static RunbookSections parse(String markdown) {
    StringBuilder meaning = new StringBuilder();
    StringBuilder escalation = new StringBuilder();
    List<String> causes = new ArrayList<>();
    List<String> remediation = new ArrayList<>();
    Part part = Part.MEANING;
    boolean sawHeading = false;
    for (String line : markdown.split("\\R")) {
      var heading = HEADING.matcher(line.strip());
      if (heading.matches()) {
        part = sawHeading || !meaning.isEmpty() ? partOf(heading.group(1)) : Part.MEANING;
        sawHeading = true;
        continue;
      }
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("```")) {
        continue;
      }
      var item = ITEM.matcher(line);
      switch (part) {
        case CAUSES -> addItem(causes, item.matches() ? item.group(1) : text, item.matches());
        case REMEDIATION -> addItem(remediation, item.matches() ? item.group(1) : text, item.matches());
        case MEANING -> append(meaning, text);
        case ESCALATION -> append(escalation, text);
        case OTHER -> { }
      }
    }
    return new RunbookSections(meaning.toString(), causes, remediation, escalation.toString());
  }

  private static Part partOf(String heading) {
    String h = heading.toLowerCase(Locale.ROOT);
    if (h.contains("cause") || h.contains("why")) {
      return Part.CAUSES;
    }
    if (h.contains("remediat") || h.contains("resolution") || h.contains("fix") || h.contains("mitigat")
        || h.contains("steps") || h.contains("action") || h.contains("what to do")) {
      return Part.REMEDIATION;
    }
    if (h.contains("escalat")) {
      return Part.ESCALATION;
    }
    if (h.contains("mean") || h.contains("summary") || h.contains("overview") || h.contains("description")) {
      return Part.MEANING;
    }
    return Part.OTHER;
  }

  /** A line that is not a list item continues the previous item. */
  private static void addItem(List<String> items, String text, boolean newItem) {
    if (newItem || items.isEmpty()) {
      items.add(text);
    } else {
      items.set(items.size() - 1, items.get(items.size() - 1) + " " + text);
    }
  }

  private static void append(StringBuilder out, String text) {
    if (!out.isEmpty()) {
      out.append(' ');
    }
    out.append(text);
  }
}
