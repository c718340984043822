package iris.notify;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns text from alerts and enrichments into Adaptive Card text that Teams shows as written.
 * Teams reads every TextBlock and fact as a subset of Markdown, so a label like
 * {@code disk_used_bytes} would turn italic and {@code [prod]} could become a link.
 */
public final class TeamsMarkdown {
  /** The characters Teams' subset gives a meaning to anywhere in a line. */
  private static final Pattern INLINE = Pattern.compile("[*_\\[\\]]");
  /**
   * A backslash only needs escaping where it would escape the next character, or at the end,
   * where it would escape markup put after the text.
   */
  private static final Pattern BACKSLASH = Pattern.compile("\\\\(?=\\p{Punct}|$)");
  /** A list marker at the start of a line: "- ", "+ ", "1. ", "2) ". */
  private static final Pattern LIST_MARKER = Pattern.compile("^(?:([-+])|(\\d{1,9})([.)]))(?=\\s|$)");

  private TeamsMarkdown() {}

  /** One line of plain text: whitespace runs (newlines too) become one space. */
  public static String inline(String text, int maxChars) {
    if (text == null) {
      return "";
    }
    return escapeLine(truncate(text.strip().replaceAll("\\s+", " "), maxChars));
  }

  /**
   * Plain text that keeps its paragraphs. TextBlocks need a blank line to break a line, so
   * every line break becomes one.
   */
  public static String paragraphs(String text, int maxChars) {
    if (text == null) {
      return "";
    }
    String normalised = truncate(text.strip().replace("\r\n", "\n").replace('\r', '\n'), maxChars);
    StringBuilder out = new StringBuilder();
    for (String line : normalised.split("\n")) {
      String clean = line.strip().replaceAll("\\s+", " ");
      if (!clean.isEmpty()) {
        out.append(out.length() == 0 ? "" : "\n\n").append(escapeLine(clean));
      }
    }
    return out.toString();
  }

  public static String truncate(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never cut an emoji in half
    }
    return text.substring(0, end).stripTrailing() + "…";
  }

  private static String escapeLine(String line) {
    String escaped = INLINE.matcher(BACKSLASH.matcher(line).replaceAll("\\\\\\\\")).replaceAll("\\\\$0");
    Matcher marker = LIST_MARKER.matcher(escaped);
    if (!marker.find()) {
      return escaped;
    }
    String kept = marker.group(1) != null ? "\\" + marker.group(1) : marker.group(2) + "\\" + marker.group(3);
    return kept + escaped.substring(marker.end());
  }
}
