package iris.digest;

import freemarker.template.TemplateException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.Templates;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A digest's email (and the full report the card links to): the subject line and two bodies
 * from {@code digest/email.html.ftl} and {@code digest/email.txt.ftl}. The templates get plain
 * data: every figure already written out, every list in full.
 */
final class DigestEmail {
  static final String HTML = "digest/email.html.ftl";
  static final String TEXT = "digest/email.txt.ftl";

  record Rendered(String subject, String text, String html) {}

  private final Templates templates;

  DigestEmail(Templates templates) {
    this.templates = templates;
  }

  Rendered render(JsonObject data, String narrative, String reportUrl) throws IOException, TemplateException {
    Map<String, Object> model = model(data, narrative, reportUrl);
    return new Rendered((String) model.get("subject"), templates.render(TEXT, model), templates.render(HTML, model));
  }

  static Map<String, Object> model(JsonObject data, String narrative, String reportUrl) {
    JsonObject inc = data.getJsonObject("incidents");
    JsonObject sla = inc.getJsonObject("sla");
    Map<String, Object> m = new HashMap<>();
    m.put("subject", DigestCard.title(data));
    m.put("title", DigestCard.title(data));
    m.put("narrative", narrative);
    m.put("report_url", reportUrl == null ? "" : reportUrl);
    JsonObject scope = data.getJsonObject("scope");
    m.put("scope", scope.getBoolean("everything") ? "every host and service"
        : join(scope.getJsonArray("hosts"), "hosts") + "; " + join(scope.getJsonArray("services"), "services"));
    List<Map<String, String>> facts = new ArrayList<>();
    facts.add(pair("Incidents", inc.getInteger("total") + " (" + inc.getInteger("previous_total") + " the " + Narrative.unit(data.getString("frequency")) + " before)"));
    facts.add(pair("Resolved / still open", inc.getLong("resolved") + " / " + inc.getLong("open")));
    facts.add(pair("Over their time to resolve", sla.getInteger("over_count") + " resolved late, " + sla.getInteger("open_past_count") + " open past it"));
    m.put("facts", facts);
    List<Map<String, String>> severities = new ArrayList<>();
    for (Object o : inc.getJsonArray("by_severity")) {
      JsonObject b = (JsonObject) o;
      Map<String, String> row = new HashMap<>();
      row.put("severity", b.getString("severity"));
      row.put("total", String.valueOf(b.getInteger("total")));
      row.put("resolved", String.valueOf(b.getInteger("resolved")));
      row.put("open", String.valueOf(b.getInteger("open")));
      row.put("previous", String.valueOf(b.getInteger("previous_total")));
      row.put("mtta", mean(inc.getJsonArray("mtta"), b.getString("severity")));
      row.put("mttr", mean(inc.getJsonArray("mttr"), b.getString("severity")));
      row.put("sla", sla.getJsonObject("limits").getLong(b.getString("severity")) == null ? "–"
          : DigestBuilder.human(sla.getJsonObject("limits").getLong(b.getString("severity"))));
      severities.add(row);
    }
    m.put("severities", severities);
    m.put("mtta", mean(inc.getJsonArray("mtta"), "all"));
    m.put("mttr", mean(inc.getJsonArray("mttr"), "all"));
    List<Map<String, Object>> sections = new ArrayList<>();
    List<Map<String, String>> rules = new ArrayList<>();
    for (Object o : data.getJsonArray("noisy_rules")) {
      JsonObject r = (JsonObject) o;
      List<String> texts = r.getJsonArray("suggestions").stream().map(x -> ((JsonObject) x).getString("text")).toList();
      rules.add(pair(r.getString("alertname") + " · " + r.getInteger("count") + " fires (" + r.getLong("previous_count") + " before)",
          String.join(" ", texts)));
    }
    section(sections, "Noisiest alert rules, and what to change", rules);
    List<Map<String, String>> late = new ArrayList<>();
    for (String key : List.of("open_past", "over")) {
      for (Object o : sla.getJsonArray(key)) {
        JsonObject f = (JsonObject) o;
        late.add(pair((key.equals("over") ? "Resolved late: " : "Still open: ") + f.getString("alertname")
            + (f.getString("instance") == null ? "" : " on " + f.getString("instance")),
            f.getString("severity") + ", " + DigestBuilder.human(f.getLong("took_seconds")) + " (limit "
                + DigestBuilder.human(f.getLong("limit_seconds")) + "), incident " + f.getLong("id")));
      }
    }
    int unlisted = sla.getInteger("over_count") + sla.getInteger("open_past_count") - late.size();
    if (unlisted > 0) {
      late.add(pair("and " + unlisted + " more", "GET /api/v1/incidents lists them all"));
    }
    section(sections, "Over their time to resolve", late);
    List<Map<String, String>> hosts = new ArrayList<>();
    for (Object o : data.getJsonArray("hosts")) {
      JsonObject h = (JsonObject) o;
      List<String> detail = new ArrayList<>(h.getJsonArray("breaches", new JsonArray()).stream().map(String::valueOf).toList());
      if (h.getValue("disk_trend_pct_per_day") != null) {
        detail.add(h.getString("fullest_mountpoint") + " " + h.getValue("fullest_disk_pct") + " %, " + String.format(java.util.Locale.ROOT,
            "%+.1f", h.getDouble("disk_trend_pct_per_day")) + " %/day" + (h.getValue("disk_full_in_days") == null ? ""
            : ", full in ~" + Math.round(h.getDouble("disk_full_in_days")) + " days"));
      }
      hosts.add(pair(h.getString("hostname") + " · " + h.getString("state"), String.join(" · ", detail)));
    }
    section(sections, "Hosts over thresholds and disk trends", hosts);
    List<Map<String, String>> windows = new ArrayList<>();
    for (Object o : data.getJsonArray("maintenance")) {
      JsonObject w = (JsonObject) o;
      windows.add(pair(w.getString("title"), w.getString("from") + " – " + w.getString("to") + ", " + w.getString("type") + ", "
          + w.getString("state")));
    }
    section(sections, "Maintenance windows", windows);
    List<Map<String, String>> deployed = new ArrayList<>();
    for (Object o : data.getJsonArray("deployments")) {
      JsonObject d = (JsonObject) o;
      deployed.add(pair(d.getString("service") + " " + d.getString("version") + " to " + d.getString("environment"),
          d.getString("change") + (d.getString("previous_version") == null ? "" : " from " + d.getString("previous_version")) + ", "
              + d.getString("status") + ", " + d.getString("started_at")));
    }
    section(sections, "Deployments", deployed);
    m.put("sections", sections);
    return m;
  }

  private static String mean(JsonArray means, String severity) {
    for (Object o : means) {
      JsonObject x = (JsonObject) o;
      if (severity.equals(x.getString("severity"))) {
        return DigestBuilder.human(x.getLong("seconds")) + " (" + DigestBuilder.human(x.getLong("previous_seconds")) + " before)";
      }
    }
    return "–";
  }

  private static String join(JsonArray names, String what) {
    if (names.isEmpty()) {
      return "no " + what;
    }
    List<String> all = names.stream().map(String::valueOf).toList();
    return what + " " + String.join(", ", all.subList(0, Math.min(20, all.size()))) + (all.size() > 20 ? " and " + (all.size() - 20) + " more" : "");
  }

  private static void section(List<Map<String, Object>> sections, String title, List<Map<String, String>> rows) {
    Map<String, Object> s = new HashMap<>();
    s.put("title", title);
    s.put("rows", rows);
    sections.add(s);
  }

  private static Map<String, String> pair(String name, String value) {
    Map<String, String> p = new HashMap<>();
    p.put("name", name == null ? "" : name);
    p.put("value", value == null ? "" : value);
    return p;
  }
}
