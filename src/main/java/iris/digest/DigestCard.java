package iris.digest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.AdaptiveCard;
import iris.notify.TeamsMarkdown;
import java.util.ArrayList;
import java.util.List;

/**
 * A digest as one Adaptive Card 1.4 in the Workflows envelope: the narrative, the headline
 * figures, severities, the noisiest rules with their suggestion, SLA breaches, hosts, windows and
 * deployments, and a button to the full report. Lists shrink until the message fits Teams' limit;
 * the report has everything.
 */
final class DigestCard {
  /** Rows each list shows, tried in turn until the message fits. */
  private static final int[] ROWS = {10, 5, 3, 1, 0};
  private static final int MAX_TEXT = 1500;
  private static final int MAX_LINE = 300;

  private DigestCard() {}

  static String title(JsonObject data) {
    String what = Audience.OVERVIEW.equals(data.getString("kind")) ? "overview" : "digest";
    String freq = data.getString("frequency");
    return Character.toUpperCase(freq.charAt(0)) + freq.substring(1) + " " + what + " for " + data.getString("recipient") + ": "
        + data.getJsonObject("period").getString("label");
  }

  /** @param reportUrl the full report's absolute URL, or null (no button) */
  static JsonObject message(JsonObject data, String narrative, String reportUrl) {
    JsonObject message = null;
    for (int rows : ROWS) {
      message = envelope(card(data, narrative, reportUrl, rows));
      if (message.toBuffer().length() <= AdaptiveCard.MAX_MESSAGE_BYTES) {
        break;
      }
    }
    return message;
  }

  private static JsonObject envelope(JsonObject card) {
    return new JsonObject().put("type", "message").put("attachments", new JsonArray().add(new JsonObject()
        .put("contentType", AdaptiveCard.CONTENT_TYPE).putNull("contentUrl").put("content", card)));
  }

  private static JsonObject card(JsonObject data, String narrative, String reportUrl, int rows) {
    JsonObject inc = data.getJsonObject("incidents");
    JsonObject sla = inc.getJsonObject("sla");
    boolean trouble = sla.getInteger("open_past_count") > 0 || sla.getInteger("over_count") > 0;
    JsonArray body = new JsonArray()
        .add(text(TeamsMarkdown.inline(title(data), 200)).put("size", "Large").put("weight", "Bolder")
            .put("color", trouble ? "Warning" : "Good"))
        .add(text(TeamsMarkdown.paragraphs(narrative, rows == 0 ? 400 : MAX_TEXT)));
    JsonObject mtta = Narrative.all(inc.getJsonArray("mtta"));
    JsonObject mttr = Narrative.all(inc.getJsonArray("mttr"));
    JsonArray facts = new JsonArray()
        .add(fact("Incidents", inc.getInteger("total") + " (" + inc.getInteger("previous_total") + " before)"))
        .add(fact("Resolved / open", inc.getLong("resolved") + " / " + inc.getLong("open")))
        .add(fact("MTTA", DigestBuilder.human(mtta.getLong("seconds")) + " (" + DigestBuilder.human(mtta.getLong("previous_seconds")) + " before)"))
        .add(fact("MTTR", DigestBuilder.human(mttr.getLong("seconds")) + " (" + DigestBuilder.human(mttr.getLong("previous_seconds")) + " before)"))
        .add(fact("Over SLA", sla.getInteger("over_count") + " resolved late, " + sla.getInteger("open_past_count") + " open past it"));
    body.add(new JsonObject().put("type", "FactSet").put("facts", facts));
    JsonArray severities = new JsonArray();
    for (Object o : inc.getJsonArray("by_severity")) {
      JsonObject b = (JsonObject) o;
      severities.add(fact(TeamsMarkdown.inline(b.getString("severity"), 40), b.getInteger("total") + " (" + b.getInteger("resolved")
          + " resolved, " + b.getInteger("open") + " open; " + b.getInteger("previous_total") + " before)"));
    }
    if (!severities.isEmpty()) {
      body.add(heading("By severity")).add(new JsonObject().put("type", "FactSet").put("facts", severities).put("spacing", "Small"));
    }
    List<String> rules = new ArrayList<>();
    for (Object o : data.getJsonArray("noisy_rules")) {
      JsonObject r = (JsonObject) o;
      String suggestion = r.getJsonArray("suggestions").getJsonObject(0).getString("text");
      rules.add("**" + TeamsMarkdown.inline(r.getString("alertname"), 120) + "** · " + r.getInteger("count") + " fires ("
          + r.getLong("previous_count") + " before): " + TeamsMarkdown.inline(suggestion, MAX_LINE));
    }
    section(body, "Noisiest rules", rules, rows);
    List<String> late = new ArrayList<>();
    for (String key : List.of("open_past", "over")) {
      for (Object o : sla.getJsonArray(key)) {
        JsonObject f = (JsonObject) o;
        late.add((key.equals("over") ? "Resolved late: " : "Still open: ") + "**" + TeamsMarkdown.inline(f.getString("alertname"), 120)
            + "**" + (f.getString("instance") == null ? "" : " on " + TeamsMarkdown.inline(f.getString("instance"), 120)) + " · "
            + TeamsMarkdown.inline(f.getString("severity"), 40) + " · " + DigestBuilder.human(f.getLong("took_seconds")) + " (limit "
            + DigestBuilder.human(f.getLong("limit_seconds")) + ")");
      }
    }
    section(body, "Over their time to resolve", late, rows);
    List<String> hosts = new ArrayList<>();
    for (Object o : data.getJsonArray("hosts")) {
      hosts.add(hostLine((JsonObject) o));
    }
    section(body, "Hosts over thresholds", hosts, rows);
    List<String> windows = new ArrayList<>();
    for (Object o : data.getJsonArray("maintenance")) {
      JsonObject w = (JsonObject) o;
      windows.add("**" + TeamsMarkdown.inline(w.getString("title"), 120) + "** · " + w.getString("from") + " – " + w.getString("to")
          + " · " + w.getString("state"));
    }
    section(body, "Maintenance windows", windows, rows);
    List<String> deployed = new ArrayList<>();
    for (Object o : data.getJsonArray("deployments")) {
      JsonObject d = (JsonObject) o;
      deployed.add("**" + TeamsMarkdown.inline(d.getString("service"), 120) + "** " + TeamsMarkdown.inline(d.getString("version"), 60)
          + " to " + TeamsMarkdown.inline(d.getString("environment"), 60) + " · " + d.getString("change") + " · " + d.getString("status"));
    }
    section(body, "Deployments", deployed, rows);
    JsonObject card = new JsonObject().put("$schema", AdaptiveCard.SCHEMA).put("type", "AdaptiveCard").put("version", AdaptiveCard.VERSION)
        .put("msteams", new JsonObject().put("width", "Full")).put("body", body);
    if (reportUrl != null) {
      card.put("actions", new JsonArray().add(new JsonObject().put("type", "Action.OpenUrl").put("title", "Full report").put("url", reportUrl)));
    }
    return card;
  }

  static String hostLine(JsonObject h) {
    StringBuilder s = new StringBuilder("**" + TeamsMarkdown.inline(h.getString("hostname"), 120) + "** · "
        + TeamsMarkdown.inline(h.getString("state"), 20));
    for (Object b : h.getJsonArray("breaches", new JsonArray())) {
      s.append(" · ").append(TeamsMarkdown.inline(String.valueOf(b), 80));
    }
    if (h.getValue("disk_full_in_days") != null) {
      s.append(" · ").append(TeamsMarkdown.inline(String.valueOf(h.getString("fullest_mountpoint")), 60)).append(" full in ~")
          .append(Math.round(h.getDouble("disk_full_in_days"))).append(" days");
    }
    return s.toString();
  }

  private static void section(JsonArray body, String heading, List<String> lines, int rows) {
    if (lines.isEmpty()) {
      return;
    }
    JsonArray items = new JsonArray();
    lines.stream().limit(rows).forEach(l -> items.add(text(l).put("spacing", "None")));
    if (lines.size() > rows) {
      items.add(text((rows == 0 ? lines.size() + "" : "and " + (lines.size() - rows) + " more") + " in the full report")
          .put("isSubtle", true).put("spacing", "Small"));
    }
    body.add(heading(heading)).add(new JsonObject().put("type", "Container").put("spacing", "Small").put("items", items));
  }

  private static JsonObject heading(String text) {
    return text(text).put("weight", "Bolder").put("spacing", "Medium");
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("type", "TextBlock").put("text", text).put("wrap", true);
  }

  private static JsonObject fact(String title, String value) {
    return new JsonObject().put("title", title).put("value", value);
  }
}
