package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.Templates;
import iris.notify.EmailRenderer.Email;
import iris.notify.Notification.AlertLine;
import iris.notify.Notification.Link;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmailRendererTest {
  private final EmailRenderer renderer = EmailSamples.renderer();

  @Test
  void aFiringSubjectNamesStateSeverityWhereAndHowMany() throws Exception {
    assertEquals("[FIRING critical] HostOutOfMemory on node-1:9100 (3 alerts)", renderer.render(EmailSamples.firing()).subject());
  }

  @Test
  void aSingleAlertWithoutSeverityHasNeitherCountNorSeverity() throws Exception {
    Notification one = EmailSamples.firing("NodeDown", 1);
    Notification plain = new Notification(one.groupId(), "firing", "", one.title(), one.summary(), one.probableCause(),
        one.remediation(), one.alerts(), one.links(), one.generatedBy(), null);
    assertEquals("[FIRING] NodeDown on node-1:9100", renderer.render(plain).subject());
  }

  @Test
  void aResolvedSubjectSaysHowLongItFired() throws Exception {
    assertEquals("[RESOLVED] HostOutOfMemory on node-1:9100 (3 alerts) after 1 h 12 min",
        renderer.render(EmailSamples.resolved(Duration.ofMinutes(72))).subject());
  }

  @Test
  void withoutATitleTheSubjectNamesTheFirstAlert() throws Exception {
    Notification f = EmailSamples.firing("DiskFull", 2);
    Notification untitled = new Notification(f.groupId(), f.state(), f.severity(), " ", f.summary(), f.probableCause(),
        f.remediation(), f.alerts(), f.links(), f.generatedBy(), null);
    assertEquals("[FIRING critical] DiskFull on node-1:9100 (2 alerts)", renderer.render(untitled).subject());
  }

  @Test
  void theSubjectIsOneHeaderLineWhateverTheTitleHolds() throws Exception {
    Notification f = EmailSamples.firing();
    Notification sneaky = new Notification(f.groupId(), f.state(), f.severity(), "Disk\r\nBcc: attacker@example.com",
        f.summary(), f.probableCause(), f.remediation(), f.alerts(), f.links(), f.generatedBy(), null);
    String subject = renderer.render(sneaky).subject();
    assertFalse(subject.contains("\n") || subject.contains("\r"), subject);
    assertEquals("[FIRING critical] Disk Bcc: attacker@example.com (3 alerts)", subject);
  }

  @Test
  void theTextHasSummaryCauseNumberedStepsInOrderAlertsAndLinks() throws Exception {
    String text = renderer.render(EmailSamples.firing()).text();
    assertInOrder(text, "[FIRING critical] HostOutOfMemory on node-1:9100 (3 alerts)",
        "Memory on node-1 is nearly exhausted.", "A leaking worker process.",
        "1. " + EmailSamples.STEPS.get(0), "2. " + EmailSamples.STEPS.get(1), "3. " + EmailSamples.STEPS.get(2),
        "- HostOutOfMemory on node-1:9100 [critical] since 2026-11-24 03:12 UTC",
        "- HostOutOfMemory on node-3:9100 [critical] since 2026-11-24 03:14 UTC",
        "- Alertmanager: http://alertmanager:9093/", "- Prometheus: http://prometheus:9090/graph",
        "- Runbook: https://wiki.example.com/runbooks/HostOutOfMemory",
        "written by an LLM", "alert group 42");
    assertFalse(text.contains("<"), "no markup in the text part:\n" + text);
  }

  @Test
  void theHtmlHasTheStepsAsAnOrderedListAndTheAlertsAsATable() throws Exception {
    String html = renderer.render(EmailSamples.firing()).html();
    assertInOrder(html, "<title>[FIRING critical] HostOutOfMemory on node-1:9100 (3 alerts)</title>",
        "Memory on node-1 is nearly exhausted.", "A leaking worker process.", "<ol",
        "<li>" + EmailSamples.STEPS.get(0) + "</li>", "<li>" + EmailSamples.STEPS.get(1) + "</li>",
        "<li>" + EmailSamples.STEPS.get(2) + "</li>", "</ol>",
        "<th", "Alert</th>", "Instance</th>", "Severity</th>", "Since</th>",
        ">node-1:9100</td>", ">2026-11-24 03:12 UTC</td>", ">node-3:9100</td>",
        "href=\"https://wiki.example.com/runbooks/HostOutOfMemory\"", "written by an LLM");
    assertEquals(3, count(html, "<li>"));
    String table = html.substring(html.indexOf("Alerts</h3>"), html.indexOf("</table>", html.indexOf("Alerts</h3>")));
    assertEquals(4, count(table, "<tr>"), "a header row and one row per alert");
  }

  @Test
  void aResolvedEmailSaysSoAndWhoWroteTheText() throws Exception {
    Email email = renderer.render(EmailSamples.resolved(Duration.ofMinutes(72)));
    assertTrue(email.text().contains("Resolved after 1 h 12 min."), email.text());
    assertTrue(email.html().contains("RESOLVED after 1 h 12 min"), email.html());
    assertTrue(email.text().contains("come from the matching runbook"), email.text());
    assertTrue(email.html().contains("come from the matching runbook"), email.html());
    assertFalse(email.html().contains("written by an LLM"), email.html());
  }

  @Test
  void alertDataIsEscapedInTheHtml() throws Exception {
    String evil = "<script>alert('x')</script>";
    Notification f = EmailSamples.firing(evil, 1);
    Notification n = new Notification(f.groupId(), f.state(), f.severity(), f.title(), "Load & <b>memory</b>",
        "\"quoted\" cause", List.of("run <img src=x onerror=alert(1)>"), f.alerts(),
        List.of(new Link("Alertmanager", "http://am:9093/#/alerts?a=1&b=\"2\"")), f.generatedBy(), null);
    Email email = renderer.render(n);
    assertFalse(email.html().contains("<script>"), email.html());
    assertFalse(email.html().contains("<img"), email.html());
    assertFalse(email.html().contains("<b>memory"), email.html());
    assertTrue(email.html().contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), email.html());
    assertTrue(email.html().contains("Load &amp; &lt;b&gt;memory&lt;/b&gt;"), email.html());
    assertTrue(email.html().contains("&quot;quoted&quot; cause"), email.html());
    assertTrue(email.html().contains("href=\"http://am:9093/#/alerts?a=1&amp;b=&quot;2&quot;\""), email.html());
    // plain text is not HTML: it carries the characters as they are
    assertTrue(email.text().contains(evil), email.text());
    assertTrue(email.subject().startsWith("[FIRING critical] " + evil), email.subject());
  }

  @Test
  void onlyWebLinksBecomeLinks() throws Exception {
    Notification f = EmailSamples.firing();
    Notification n = new Notification(f.groupId(), f.state(), f.severity(), f.title(), f.summary(), f.probableCause(),
        f.remediation(), f.alerts(), List.of(new Link("Runbook", "javascript:alert(document.cookie)"),
            new Link("Data", "data:text/html,<h1>x</h1>"), new Link("", "https://grafana.example.com/d/abc")),
        f.generatedBy(), null);
    Email email = renderer.render(n);
    assertFalse(email.html().toLowerCase().contains("javascript:"), email.html());
    assertFalse(email.html().contains("data:text"), email.html());
    assertFalse(email.text().contains("javascript:"), email.text());
    assertTrue(email.html().contains("<a href=\"https://grafana.example.com/d/abc\""), email.html());
    assertTrue(email.text().contains("- https://grafana.example.com/d/abc: https://grafana.example.com/d/abc"), email.text());
  }

  @Test
  void missingPartsAreLeftOutRatherThanFailing() throws Exception {
    Notification bare = new Notification(7, "firing", null, null, null, null, null,
        List.of(new AlertLine("Watchdog", null, null, null)), null, null, null);
    Email email = renderer.render(bare);
    assertEquals("[FIRING] Watchdog", email.subject());
    assertFalse(email.text().contains("WHAT TO DO"), email.text());
    assertFalse(email.html().contains("<ol"), email.html());
    assertTrue(email.html().contains(">Watchdog</td>"), email.html());
    assertTrue(email.text().contains("- Watchdog\n"), email.text());
  }

  @Test
  void anOperatorsTemplateOverridesTheBuiltInOne(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("notify"));
    Files.writeString(dir.resolve("notify/email-subject.ftl"), "${severity?upper_case}: ${title}");
    EmailRenderer custom = new EmailRenderer(new Templates(dir));
    assertEquals("CRITICAL: HostOutOfMemory on node-1:9100", custom.render(EmailSamples.firing()).subject());
  }

  @Test
  void aTemplateThatFailsIsAPermanentDeliveryFailure(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("notify"));
    Files.writeString(dir.resolve("notify/email.txt.ftl"), "${no_such_field}");
    EmailRenderer broken = new EmailRenderer(new Templates(dir));
    Throwable failure = broken.renderForDelivery(EmailSamples.firing()).cause();
    DeliveryFailure delivery = assertInstanceOf(DeliveryFailure.class, failure);
    assertFalse(delivery.retryable());
    assertTrue(delivery.getMessage().contains("no_such_field"), delivery.getMessage());
  }

  private static void assertInOrder(String text, String... parts) {
    int from = 0;
    for (String part : parts) {
      int at = text.indexOf(part, from);
      assertTrue(at >= 0, "expected \"" + part + "\" after position " + from + " in:\n" + text
          + "\n(all expected: " + Arrays.toString(parts) + ")");
      from = at + part.length();
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
