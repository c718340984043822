package iris.digest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The short text on top of a digest: the template's (always), and the facts the LLM is given to
 * write its own from when one is configured.
 */
final class Narrative {
  static final String SYSTEM = """
      You are Iris, writing the opening lines of an operations digest for the maintainers named in it. \
      Using ONLY the facts below, write three to five plain sentences: how the period went against the \
      previous one, how fast incidents were acknowledged and resolved, what breached its time to resolve \
      or is still open past it, and the one or two changes to alert rules that would cut the most noise. \
      Name alerts, hosts and figures as given; invent nothing. Answer with one JSON object: {"summary": the text}.""";

  private Narrative() {}

  static String template(JsonObject data) {
    JsonObject inc = data.getJsonObject("incidents");
    String label = data.getJsonObject("period").getString("label");
    int total = inc.getInteger("total");
    int before = inc.getInteger("previous_total");
    StringBuilder s = new StringBuilder();
    s.append(label).append(": ").append(total).append(total == 1 ? " incident" : " incidents");
    List<String> parts = new ArrayList<>();
    for (Object o : inc.getJsonArray("by_severity")) {
      JsonObject b = (JsonObject) o;
      if (b.getInteger("total") > 0) {
        parts.add(b.getInteger("total") + " " + b.getString("severity"));
      }
    }
    if (!parts.isEmpty()) {
      s.append(" (").append(String.join(", ", parts)).append(")");
    }
    s.append(", against ").append(before).append(" the ").append(unit(data.getString("frequency"))).append(" before");
    s.append(total == 0 ? ". " : "; " + inc.getLong("resolved") + " resolved, " + inc.getLong("open") + " still open. ");
    JsonObject mtta = all(inc.getJsonArray("mtta"));
    JsonObject mttr = all(inc.getJsonArray("mttr"));
    if (mtta.getLong("seconds") != null || mttr.getLong("seconds") != null) {
      s.append("Mean time to acknowledge ").append(DigestBuilder.human(mtta.getLong("seconds")))
          .append(", to resolve ").append(DigestBuilder.human(mttr.getLong("seconds"))).append(". ");
    }
    JsonObject sla = inc.getJsonObject("sla");
    int over = sla.getInteger("over_count");
    int open = sla.getInteger("open_past_count");
    if (over + open > 0) {
      s.append(over).append(" resolved over their time to resolve, ").append(open).append(" still open past it. ");
    }
    JsonArray noisy = data.getJsonArray("noisy_rules");
    if (!noisy.isEmpty()) {
      JsonObject top = noisy.getJsonObject(0);
      s.append("Noisiest rule: ").append(top.getString("alertname")).append(" (").append(top.getInteger("count"))
          .append(" fires, ").append(top.getLong("previous_count")).append(" before). ");
    }
    int windows = data.getJsonArray("maintenance").size();
    int deployments = data.getJsonArray("deployments").size();
    if (windows + deployments > 0) {
      s.append(windows).append(windows == 1 ? " maintenance window, " : " maintenance windows, ").append(deployments)
          .append(deployments == 1 ? " deployment." : " deployments.");
    }
    return s.toString().strip();
  }

  static String prompt(JsonObject data, String template) {
    JsonObject facts = data.copy();
    facts.remove("narrative");
    return "DIGEST FACTS (JSON)\n" + facts.encode() + "\n\nTHE TEMPLATE'S SUMMARY\n" + template + "\n";
  }

  static JsonObject all(JsonArray means) {
    for (Object o : means) {
      if ("all".equals(((JsonObject) o).getString("severity"))) {
        return (JsonObject) o;
      }
    }
    return new JsonObject();
  }

  static String unit(String frequency) {
    return switch (frequency) {
      case "daily" -> "day";
      case "weekly" -> "week";
      default -> "month";
    };
  }
}
