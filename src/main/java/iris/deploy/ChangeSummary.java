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
 * rest. This template writes it when no LLM is configured or the LLM fails; {@link #prompt} gives
 * the LLM the same commits.
 */
final class ChangeSummary {
  private static final Pattern HEADER = Pattern.compile("^(\\w+)(\\([^)]*\\))?(!)?:\\s*(.+)$");
  /** Commits and characters of each message the LLM is shown; the prompt as a whole is bounded by OllamaWriter. */
  static final int PROMPT_COMMITS = 100;
  static final int MESSAGE_CHARS = 500;

  static final String SYSTEM = """
      You are Iris, telling the maintainers of a service what a deployment changed. Using ONLY the \
      commit messages below, write two to four plain sentences: breaking changes first, then \
      features, then fixes; leave out chores. Invent nothing. Answer with one JSON object: \
      {"summary": the text}.""";

  private ChangeSummary() {}

  /** The user message: the deployment and its commits, each message cut to {@link #MESSAGE_CHARS}. */
  static String prompt(String service, String version, String previousVersion, JsonArray commits) {
    StringBuilder p = new StringBuilder("DEPLOYMENT\n").append(service).append(' ')
        .append(previousVersion == null ? "" : previousVersion + " -> ").append(version).append("\n\nCOMMITS (")
        .append(commits.size()).append(")\n");
    for (int i = 0; i < Math.min(PROMPT_COMMITS, commits.size()); i++) {
      String message = commits.getJsonObject(i).getString("message", "").strip();
      p.append("- ").append(message.length() > MESSAGE_CHARS ? message.substring(0, MESSAGE_CHARS) : message).append('\n');
    }
    return p.toString();
  }

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
