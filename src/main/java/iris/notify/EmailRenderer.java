package iris.notify;

import freemarker.template.TemplateException;
import io.vertx.core.Future;
import iris.Templates;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the email for a {@link Notification} from three templates under {@code notify/}: the
 * subject, a plain-text body and an HTML body. Templates see only plain data (the sandbox
 * refuses records), so the notification is flattened into maps here, with times and
 * durations already written out for people.
 */
public final class EmailRenderer {
  static final String SUBJECT = "notify/email-subject.ftl";
  static final String TEXT = "notify/email.txt.ftl";
  static final String HTML = "notify/email.html.ftl";

  private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** What every email channel sends: one subject line and two bodies saying the same. */
  public record Email(String subject, String text, String html) {}

  private final Templates templates;

  public EmailRenderer(Templates templates) {
    this.templates = templates;
  }

  public Email render(Notification notification) throws IOException, TemplateException {
    Map<String, Object> model = model(notification);
    String subject = oneLine(templates.render(SUBJECT, model));
    model.put("subject", subject);
    return new Email(subject, templates.render(TEXT, model), templates.render(HTML, model));
  }

  /**
   * The email, or a permanent {@link DeliveryFailure}: a template that fails on this
   * notification fails the same way on every retry, until an operator fixes it.
   */
  public Future<Email> renderForDelivery(Notification notification) {
    try {
      return Future.succeededFuture(render(notification));
    } catch (IOException | TemplateException | RuntimeException e) {
      return Future.failedFuture(DeliveryFailure.permanent("cannot render the email: " + e.getMessage()));
    }
  }

  static final String NOTICE_TEXT = "notify/notice.txt.ftl";
  static final String NOTICE_HTML = "notify/notice.html.ftl";

  /** A notice's email: its title as the subject, the same facts in both bodies. */
  public Future<Email> renderNotice(Notice notice) {
    Map<String, Object> model = new HashMap<>();
    model.put("title", notice.title());
    model.put("text", notice.text() == null ? "" : notice.text());
    model.put("good", notice.good());
    java.util.List<Map<String, String>> facts = new java.util.ArrayList<>();
    notice.facts().forEach((k, v) -> facts.add(Map.of("name", k, "value", v == null ? "" : v)));
    model.put("facts", facts);
    model.put("link_title", notice.link() == null ? "" : notice.link().title());
    model.put("link_url", notice.link() == null ? "" : notice.link().url());
    try {
      String subject = oneLine((notice.good() ? "[OK] " : "[FAILED] ") + notice.title());
      model.put("subject", subject);
      return Future.succeededFuture(new Email(subject, templates.render(NOTICE_TEXT, model), templates.render(NOTICE_HTML, model)));
    } catch (IOException | TemplateException | RuntimeException e) {
      return Future.failedFuture(DeliveryFailure.permanent("cannot render the email: " + e.getMessage()));
    }
  }

  static Map<String, Object> model(Notification n) {
    Map<String, Object> model = new HashMap<>();
    model.put("group_id", Long.toString(n.groupId()));
    model.put("state", text(n.state()));
    model.put("resolved", n.resolved());
    model.put("severity", text(n.severity()));
    model.put("title", title(n));
    model.put("summary", text(n.summary()));
    model.put("probable_cause", text(n.probableCause()));
    model.put("remediation", n.remediation() == null ? List.of()
        : n.remediation().stream().filter(s -> s != null && !s.isBlank()).map(String::strip).toList());
    model.put("others", n.others().stream().map(f -> {
      Map<String, Object> o = new HashMap<>();
      o.put("alertname", text(f.alertname()));
      o.put("summary", text(f.summary()));
      o.put("probable_cause", text(f.probableCause()));
      o.put("remediation", f.remediation().stream().filter(x -> x != null && !x.isBlank()).map(String::strip).toList());
      o.put("runbook", f.runbook() != null && f.runbook().url() != null && f.runbook().url().matches("(?i)https?://\\S+")
          ? f.runbook().url() : "");
      return o;
    }).toList());
    model.put("alerts", alerts(n));
    int lines = n.alerts() == null ? 0 : n.alerts().size();
    model.put("count", Math.max(lines, n.extent().alerts()));
    model.put("counts", n.extent().alerts() > lines ? n.extent().counts().stream().map(c -> Map.<String, Object>of(
        "alertname", text(c.alertname()), "severity", text(c.severity()), "alerts", c.alerts())).toList() : List.of());
    model.put("not_sent", n.extent().notSent());
    model.put("links", links(n));
    model.put("generated_by", text(n.generatedBy()));
    model.put("duration", n.duration() == null ? "" : HumanDuration.of(n.duration()));
    model.put("host", text(n.host()));
    return model;
  }

  /** The notification's title, or, when the builder left it empty, the first alert and where it fires. */
  private static String title(Notification n) {
    if (n.title() != null && !n.title().isBlank()) {
      return n.title().strip();
    }
    if (n.alerts() == null || n.alerts().isEmpty()) {
      return "alert group " + n.groupId();
    }
    Notification.AlertLine first = n.alerts().get(0);
    return text(first.alertname()) + (text(first.instance()).isEmpty() ? "" : " on " + first.instance());
  }

  private static List<Map<String, Object>> alerts(Notification n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Notification.AlertLine a : n.alerts() == null ? List.<Notification.AlertLine>of() : n.alerts()) {
      out.add(Map.of(
          "alertname", text(a.alertname()),
          "instance", text(a.instance()),
          "severity", text(a.severity()),
          "since", a.since() == null ? "" : since(a.since())));
    }
    return out;
  }

  /**
   * Only http(s) links: a runbook URL comes from alert labels, and a {@code javascript:} one
   * would survive HTML escaping as a working link.
   */
  private static List<Map<String, Object>> links(Notification n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Notification.Link link : n.links() == null ? List.<Notification.Link>of() : n.links()) {
      String url = text(link.url());
      String lower = url.toLowerCase(Locale.ROOT);
      if (lower.startsWith("https://") || lower.startsWith("http://")) {
        out.add(Map.of("title", text(link.title()).isEmpty() ? url : link.title().strip(), "url", url));
      }
    }
    return out;
  }

  static String since(Instant instant) {
    return SINCE.format(instant);
  }

  /** A subject is one header line: folding whatever the template or the data put in it. */
  static String oneLine(String s) {
    return s.replaceAll("\\s+", " ").strip();
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }
}
