package iris.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The change summary of a deployment from its commit messages, by Conventional Commits type:
 * breaking changes ({@code feat!:}, a {@code BREAKING CHANGE:} footer), features, fixes, and the
 * rest. Written by this template (an LLM summary would take its place when configured).
 */
final class ChangeSummary {
  private static final Pattern HEADER = Pattern.compile("^(\\w+)(\\([^)]*\\))?(!)?:\\s*(.+)$");

  private ChangeSummary() {}

  static String of(JsonArray commits) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String g : List.of("Breaking changes", "Features", "Fixes", "Other")) {
      groups.put(g, new ArrayList<>());
    }
    for (Object o : commits) {
      JsonObject c = (JsonObject) o;
      String message = c.getString("message", "").strip();
      String first = message.lines().findFirst().orElse("");
      Matcher m = HEADER.matcher(first);
      boolean breaking = message.contains("BREAKING CHANGE:") || message.contains("BREAKING-CHANGE:");
      String line = first;
      String group = "Other";
      if (m.matches()) {
        line = m.group(4) + (m.group(2) == null ? "" : " " + m.group(2));
        breaking |= m.group(3) != null;
        String type = m.group(1).toLowerCase();
        group = type.equals("feat") ? "Features" : type.equals("fix") ? "Fixes" : "Other";
      }
      groups.get(breaking ? "Breaking changes" : group).add(line);
    }
    List<String> parts = new ArrayList<>();
    groups.forEach((name, lines) -> {
      if (!lines.isEmpty()) {
        parts.add(name + ": " + String.join("; ", lines.subList(0, Math.min(10, lines.size())))
            + (lines.size() > 10 ? " and " + (lines.size() - 10) + " more" : "") + ".");
      }
    });
    return parts.isEmpty() ? "No commits listed." : String.join(" ", parts);
  }
}
