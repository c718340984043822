package iris.knowledge;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words for full-text search. Alert names are CamelCase identifiers
 * ({@code HostOutOfMemory}); they are kept whole, so a runbook that names the alert matches
 * it exactly, and also spelled out ("host out of memory"), so prose matches too.
 */
public final class Keywords {
  // Letters and digits (and underscores) with at least one lower-to-upper case step.
  private static final Pattern IDENTIFIER = Pattern.compile("\\b[A-Za-z][A-Za-z0-9_]*?[a-z0-9][A-Z][A-Za-z0-9_]*\\b");
  private static final Pattern CAMEL_BOUNDARY = Pattern.compile("_+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])");

  private Keywords() {}

  /** The CamelCase identifiers of {@code text}, spelled out: "HostOutOfMemory" → "host out of memory". */
  public static String spelledOut(String text) {
    StringBuilder out = new StringBuilder();
    Matcher m = IDENTIFIER.matcher(text);
    while (m.find()) {
      out.append(String.join(" ", CAMEL_BOUNDARY.split(m.group())).toLowerCase(Locale.ROOT)).append(". ");
    }
    return out.toString().strip();
  }

  /** The CamelCase identifiers (alert names) of {@code text}, as written. */
  public static List<String> identifiers(String text) {
    Set<String> found = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(text);
    while (m.find()) {
      found.add(m.group());
    }
    return List.copyOf(found);
  }
}
