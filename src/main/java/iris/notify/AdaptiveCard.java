package iris.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.Notification.AlertLine;
import iris.notify.Notification.Link;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The Teams message for a {@link Notification}: one Adaptive Card 1.4 in the envelope Workflows
 * webhooks accept. A firing card says what, how bad, why and what to do; a resolved card only
 * says what ended and how long it lasted. Text from alerts and enrichments is escaped so Teams
 * shows it as written, and every part is capped so the message stays under Teams' 28 KB. A
 * firing critical card can @mention its recipient ({@link Mention}).
 */
public final class AdaptiveCard {
  public static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
  public static final String SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
  public static final String VERSION = "1.4";
  /** Enough to recognise the pattern of a storm; the rest is one line. */
  public static final int MAX_ALERTS = 20;
  /** Teams shows a handful of buttons in a row before it folds them into a menu. */
  public static final int MAX_ACTIONS = 5;

  /** Teams refuses a webhook message over 28 KB; a little is kept for the envelope's own growth. */
  public static final int MAX_MESSAGE_BYTES = 28_000;
  /** Each retry shrinks every text to this share of the previous, until the message fits. */
  private static final double[] SHRINK = {1, 0.5, 0.25, 0.1};

  private static final int MAX_TITLE = 200;
  private static final int MAX_PARAGRAPH = 3000;
  private static final int MAX_STEPS = 15;
  /** Other alert names of the group shown with their own enrichment. */
  private static final int MAX_OTHERS = 8;
  private static final int MAX_STEP = 500;
  private static final int MAX_FIELD = 120;
  /** Longer is almost surely a mistake, and would eat the message's budget. */
  private static final int MAX_URL = 2048;
  private static final DateTimeFormatter SINCE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final double scale;

  private AdaptiveCard(double scale) {
    this.scale = scale;
  }

  /** An @mention of a Teams user: {@code <at>name</at>} in the card's text and the entity that makes it one. */
  public record Mention(String id, String name) {
    public Mention {
      // The tag's text must match the entity's exactly and cannot hold markup of its own.
      name = TeamsMarkdown.truncate(name == null ? "" : name.replaceAll("[<>]", "").strip().replaceAll("\\s+", " "), 100);
    }

    public String text() {
      return "<at>" + name + "</at>";
    }

    JsonObject entity() {
      return new JsonObject().put("type", "mention").put("text", text())
          .put("mentioned", new JsonObject().put("id", id).put("name", name));
    }
  }

  /** A firing critical group is worth an @mention of those who take mentions; nothing else is. */
  public static boolean callsForMention(Message message) {
    return message instanceof Notification n && !n.resolved() && "critical".equalsIgnoreCase(n.severity());
  }

  /**
   * The whole body to POST: {@code {"type":"message","attachments":[card]}}. Escaping can
   * triple the bytes of odd text, so the size is measured, not assumed.
   */
  public static JsonObject message(Notification n) {
    return message(n, null);
  }

  /** {@link #message(Notification)} with {@code mention} (or none, when null) in the card. */
  public static JsonObject message(Notification n, Mention mention) {
    return fitted(n, mention, AdaptiveCard::envelope);
  }

  /**
   * The card for {@code n}, wrapped by {@code wrap} into the body to post (a Workflows envelope,
   * a Graph chatMessage), its texts shrunk until that body is at most {@link #MAX_MESSAGE_BYTES}.
   */
  public static JsonObject fitted(Notification n, Mention mention, UnaryOperator<JsonObject> wrap) {
    JsonObject message = null;
    for (double scale : SHRINK) {
      message = wrap.apply(new AdaptiveCard(scale).card(n, mention));
      if (message.toBuffer().length() <= MAX_MESSAGE_BYTES) {
        break;
      }
    }
    return message;
  }

  /** A small card for a {@link Notice} in the Workflows envelope. */
  public static JsonObject notice(Notice notice) {
    return envelope(noticeCard(notice));
  }

  /** The card of a {@link Notice}: a coloured title, its text, its facts and one link. */
  public static JsonObject noticeCard(Notice notice) {
    AdaptiveCard card = new AdaptiveCard(1.0);
    JsonArray body = new JsonArray()
        .add(textBlock(TeamsMarkdown.inline(notice.title(), card.cap(MAX_TITLE))).put("size", "Large").put("weight", "Bolder")
            .put("color", notice.good() ? "Good" : "Attention"));
    if (!blank(notice.text())) {
      body.add(textBlock(TeamsMarkdown.paragraphs(notice.text(), card.cap(MAX_PARAGRAPH))));
    }
    JsonArray facts = new JsonArray();
    notice.facts().forEach((k, v) -> facts.add(fact(k, TeamsMarkdown.inline(v == null ? "" : v, card.cap(MAX_FIELD)))));
    if (!facts.isEmpty()) {
      body.add(new JsonObject().put("type", "FactSet").put("facts", facts));
    }
    JsonObject content = new JsonObject().put("$schema", SCHEMA).put("type", "AdaptiveCard").put("version", VERSION)
        .put("msteams", new JsonObject().put("width", "Full")).put("body", body);
    JsonArray actions = card.actions(notice.link() == null ? List.of() : List.of(notice.link()));
    if (!actions.isEmpty()) {
      content.put("actions", actions);
    }
    return content;
  }

  /** The envelope Workflows webhooks take around one card. */
  static JsonObject envelope(JsonObject card) {
    JsonObject attachment = new JsonObject()
        .put("contentType", CONTENT_TYPE)
        .putNull("contentUrl")
        .put("content", card);
    return new JsonObject().put("type", "message").put("attachments", new JsonArray().add(attachment));
  }

  private JsonObject card(Notification n, Mention mention) {
    JsonArray body = new JsonArray().add(title(n));
    if (mention != null) {
      body.add(textBlock(mention.text()).put("spacing", "Small"));
    }
    body.add(facts(n));
    if (!n.resolved()) {
      addNarrative(body, n);
    }
    addAlerts(body, n);
    if (!n.resolved()) {
      addSource(body, n.generatedBy());
    }
    // without the width Teams squeezes the card into a narrow bubble
    JsonObject msteams = new JsonObject().put("width", "Full");
    if (mention != null) {
      msteams.put("entities", new JsonArray().add(mention.entity()));
    }
    JsonObject card = new JsonObject()
        .put("$schema", SCHEMA)
        .put("type", "AdaptiveCard")
        .put("version", VERSION)
        .put("msteams", msteams)
        .put("body", body);
    JsonArray actions = actions(n.links() == null ? List.of() : n.links());
    return actions.isEmpty() ? card : card.put("actions", actions);
  }

  /** Attention for a firing critical group, Good once resolved, Warning for anything else firing. */
  static String colour(Notification n) {
    if (n.resolved()) {
      return "Good";
    }
    return "critical".equalsIgnoreCase(n.severity()) ? "Attention" : "Warning";
  }

  /** A text limit, shrunk when the first try did not fit. */
  private int cap(int chars) {
    return Math.max(16, (int) (chars * scale));
  }

  private JsonObject title(Notification n) {
    String title = blank(n.title()) ? "Alert group " + n.groupId() : n.title();
    String text = TeamsMarkdown.inline(n.resolved() ? "Resolved: " + title : title, cap(MAX_TITLE));
    return textBlock(text).put("size", "Large").put("weight", "Bolder").put("color", colour(n));
  }

  private JsonObject facts(Notification n) {
    JsonArray facts = new JsonArray()
        .add(fact("State", n.resolved() ? "Resolved" : "Firing"));
    if (!blank(n.severity())) {
      facts.add(fact("Severity", TeamsMarkdown.inline(n.severity(), cap(MAX_FIELD))));
    }
    facts.add(fact("Alerts", String.valueOf(n.alerts() == null ? 0 : n.alerts().size())));
    if (n.resolved() && n.duration() != null) {
      facts.add(fact("Duration", HumanDuration.of(n.duration())));
    }
    return new JsonObject().put("type", "FactSet").put("facts", facts);
  }

  private void addNarrative(JsonArray body, Notification n) {
    if (!blank(n.summary())) {
      body.add(textBlock(TeamsMarkdown.paragraphs(n.summary(), cap(MAX_PARAGRAPH))));
    }
    if (!blank(n.host())) {
      body.add(textBlock("**Host:** " + TeamsMarkdown.inline(n.host(), cap(MAX_PARAGRAPH))).put("spacing", "Small"));
    }
    if (!blank(n.probableCause())) {
      body.add(heading("Probable cause"));
      body.add(textBlock(TeamsMarkdown.paragraphs(n.probableCause(), cap(MAX_PARAGRAPH))).put("spacing", "Small"));
    }
    List<String> steps = n.remediation() == null ? List.of()
        : n.remediation().stream().filter(s -> !blank(s)).limit(MAX_STEPS).toList();
    if (!steps.isEmpty()) {
      body.add(heading("Remediation"));
      body.add(textBlock(numbered(steps)).put("spacing", "Small"));
    }
    n.others().stream().limit(MAX_OTHERS).forEach(f -> addFinding(body, f));
  }

  /** Another alert name of the group: its own summary, cause and steps under its name. */
  private void addFinding(JsonArray body, Notification.Finding f) {
    body.add(heading(TeamsMarkdown.inline(blank(f.alertname()) ? "(unnamed)" : f.alertname(), cap(MAX_FIELD))));
    if (!blank(f.summary())) {
      body.add(textBlock(TeamsMarkdown.paragraphs(f.summary(), cap(MAX_PARAGRAPH))).put("spacing", "Small"));
    }
    if (!blank(f.probableCause())) {
      body.add(textBlock("**Probable cause:** " + TeamsMarkdown.inline(f.probableCause(), cap(MAX_PARAGRAPH))).put("spacing", "Small"));
    }
    List<String> steps = f.remediation() == null ? List.of()
        : f.remediation().stream().filter(s -> !blank(s)).limit(MAX_STEPS).toList();
    if (!steps.isEmpty()) {
      body.add(textBlock(numbered(steps)).put("spacing", "Small"));
    }
    if (f.runbook() != null && isWebUrl(f.runbook().url())) {
      body.add(textBlock("[Runbook](" + f.runbook().url() + ")").put("spacing", "Small"));
    }
  }

  /** Teams' own numbered list; each step is escaped first so it cannot open a list of its own. */
  private String numbered(List<String> steps) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      lines.add((i + 1) + ". " + TeamsMarkdown.inline(steps.get(i), cap(MAX_STEP)));
    }
    // Teams documents \r as the separator inside a list
    return String.join("\r", lines);
  }

  /** The first alerts as lines; a larger group's rest counted by alert name and severity. */
  private void addAlerts(JsonArray body, Notification n) {
    List<AlertLine> alerts = n.alerts() == null ? List.of() : n.alerts();
    if (alerts.isEmpty()) {
      return;
    }
    JsonArray items = new JsonArray();
    alerts.stream().limit(MAX_ALERTS).forEach(a -> items.add(textBlock(alertLine(a)).put("spacing", "None")));
    int shown = Math.min(alerts.size(), MAX_ALERTS);
    int rest = Math.max(n.extent().alerts(), alerts.size()) - shown;
    if (rest > 0) {
      items.add(textBlock(restLine(rest, n.extent().alerts(), n.extent().alerts() > alerts.size() ? n.extent().counts() : List.of()))
          .put("isSubtle", true).put("wrap", true).put("spacing", "Small"));
    }
    if (n.extent().notSent() > 0) {
      items.add(textBlock("and " + number(n.extent().notSent()) + " more alerts Alertmanager did not send"
              + " (its max_alerts); Alertmanager's UI lists them all").put("color", "Attention").put("wrap", true)
          .put("spacing", "Small"));
    }
    body.add(heading("Alerts"));
    body.add(new JsonObject().put("type", "Container").put("spacing", "Small").put("items", items));
  }

  /** "and 19,980 more; all 20,000 by name: NodeDown (critical) 19,500 · DiskFull (warning) 500". */
  private String restLine(int rest, int total, List<Notification.Count> counts) {
    String line = "and " + number(rest) + " more";
    if (counts.isEmpty()) {
      return line;
    }
    List<String> parts = new ArrayList<>();
    int counted = 0;
    for (Notification.Count c : counts) {
      counted += c.alerts();
      parts.add(TeamsMarkdown.inline(blank(c.alertname()) ? "(unnamed)" : c.alertname(), cap(MAX_FIELD))
          + (blank(c.severity()) ? "" : " (" + TeamsMarkdown.inline(c.severity(), cap(MAX_FIELD)) + ")") + " " + number(c.alerts()));
    }
    if (counted < total) {
      parts.add("others " + number(total - counted));
    }
    return line + "; all " + number(total) + " by name: " + String.join(" · ", parts);
  }

  static String number(int n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** name · instance · severity · since: the alert name in bold, the rest as written. */
  private String alertLine(AlertLine a) {
    List<String> parts = new ArrayList<>();
    parts.add("**" + TeamsMarkdown.inline(blank(a.alertname()) ? "(unnamed)" : a.alertname(), cap(MAX_FIELD)) + "**");
    if (!blank(a.instance())) {
      parts.add(TeamsMarkdown.inline(a.instance(), cap(MAX_FIELD)));
    }
    if (!blank(a.severity())) {
      parts.add(TeamsMarkdown.inline(a.severity(), cap(MAX_FIELD)));
    }
    if (a.since() != null) {
      parts.add("since " + SINCE.format(a.since()));
    }
    return String.join(" · ", parts);
  }

  private static void addSource(JsonArray body, String generatedBy) {
    String source = switch (generatedBy == null ? "" : generatedBy) {
      case "llm" -> "Written by the LLM from the team's runbooks and past incidents.";
      case "template" -> "Written by the template from the matching runbook.";
      default -> null;
    };
    if (source != null) {
      body.add(textBlock(source).put("size", "Small").put("isSubtle", true).put("separator", true));
    }
  }

  /** An {@code Action.OpenUrl} per link with an absolute http(s) URL; others are left out, not sent broken. */
  private JsonArray actions(List<Link> links) {
    JsonArray actions = new JsonArray();
    links.stream().filter(l -> l != null && isWebUrl(l.url())).limit(MAX_ACTIONS).forEach(l -> actions.add(new JsonObject()
        .put("type", "Action.OpenUrl")
        .put("title", blank(l.title()) ? "Open" : TeamsMarkdown.truncate(l.title().strip(), cap(MAX_FIELD)))
        .put("url", l.url().strip())));
    return actions;
  }

  static boolean isWebUrl(String url) {
    if (blank(url)) {
      return false;
    }
    try {
      URI uri = new URI(url.strip());
      String scheme = uri.getScheme();
      return url.length() <= MAX_URL && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static JsonObject heading(String text) {
    return textBlock(text).put("weight", "Bolder").put("spacing", "Medium");
  }

  private static JsonObject textBlock(String text) {
    return new JsonObject().put("type", "TextBlock").put("text", text).put("wrap", true);
  }

  private static JsonObject fact(String title, String value) {
    return new JsonObject().put("title", title).put("value", value);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
