package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.notify.Notification.AlertLine;
import iris.notify.Notification.Link;
import iris.testing.AdaptiveCardShape;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdaptiveCardTest {
  private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

  static Notification firing(String severity, int alerts) {
    return new Notification(42, "firing", severity, "HostOutOfMemory on node-1",
        "Memory on node-1 is nearly exhausted.", "A leaking worker process.",
        List.of("Find the largest process", "Restart it", "Open a ticket for the leak"),
        alerts(alerts), List.of(new Link("Alertmanager", "http://alertmanager:9093/#/alerts"),
            new Link("Runbook", "https://wiki.example.com/runbooks/HostOutOfMemory")),
        "llm", null);
  }

  static List<AlertLine> alerts(int n) {
    return IntStream.rangeClosed(1, n)
        .mapToObj(i -> new AlertLine("HostOutOfMemory", "node-" + i + ":9100", "critical", T0.plusSeconds(i)))
        .toList();
  }

  static Notification resolved(Duration lasted) {
    return new Notification(42, "resolved", "critical", "HostOutOfMemory on node-1", "ignored summary",
        "ignored cause", List.of("ignored step"), alerts(2), List.of(), "template", lasted);
  }

  @Test
  void aFiringCardIsTheEnvelopeWorkflowsAccept() {
    JsonObject message = AdaptiveCard.message(firing("critical", 3));
    JsonObject card = AdaptiveCardShape.assertValid(message);
    assertEquals("message", message.getString("type"));
    JsonObject attachment = message.getJsonArray("attachments").getJsonObject(0);
    assertEquals("application/vnd.microsoft.card.adaptive", attachment.getString("contentType"));
    assertTrue(attachment.containsKey("contentUrl"));
    assertNull(attachment.getValue("contentUrl"));
    assertEquals("1.4", card.getString("version"));
    assertEquals("http://adaptivecards.io/schemas/adaptive-card.json", card.getString("$schema"));
  }

  @Test
  void theTitleLeadsInLargeBoldText() {
    JsonObject title = body(firing("critical", 3)).getJsonObject(0);
    assertEquals("TextBlock", title.getString("type"));
    assertEquals("HostOutOfMemory on node-1", title.getString("text"));
    assertEquals("Large", title.getString("size"));
    assertEquals("Bolder", title.getString("weight"));
  }

  @Test
  void colourSaysHowBadAndWhetherItIsOver() {
    assertEquals("Attention", titleColour(firing("critical", 1)));
    assertEquals("Warning", titleColour(firing("warning", 1)));
    assertEquals("Warning", titleColour(firing("info", 1)));
    assertEquals("Warning", titleColour(firing("", 1)));
    assertEquals("Good", titleColour(resolved(Duration.ofMinutes(3))));
  }

  @Test
  void factsGiveStateSeverityAndCount() {
    Map<String, String> facts = facts(firing("critical", 3));
    assertEquals(Map.of("State", "Firing", "Severity", "critical", "Alerts", "3"), facts);
  }

  @Test
  void aFiringCardExplainsAndSaysWhatToDo() {
    List<String> texts = texts(firing("critical", 3));
    assertTrue(texts.contains("Memory on node-1 is nearly exhausted."), texts::toString);
    int cause = texts.indexOf("Probable cause");
    assertTrue(cause > 0, texts::toString);
    assertEquals("A leaking worker process.", texts.get(cause + 1));
    int remediation = texts.indexOf("Remediation");
    assertTrue(remediation > cause, texts::toString);
    assertEquals("1. Find the largest process\r2. Restart it\r3. Open a ticket for the leak", texts.get(remediation + 1));
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("Written by the LLM")), texts::toString);
  }

  @Test
  void theCardSaysWhenTheTemplateWroteIt() {
    Notification n = firing("warning", 1);
    Notification byTemplate = new Notification(n.groupId(), n.state(), n.severity(), n.title(), n.summary(), n.probableCause(),
        n.remediation(), n.alerts(), n.links(), "template", null);
    List<String> texts = texts(byTemplate);
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("Written by the template")), texts::toString);
    assertFalse(texts.stream().anyMatch(t -> t.contains("LLM")), texts::toString);
  }

  @Test
  void eachAlertIsOneCompactLine() {
    List<String> texts = texts(firing("critical", 2));
    assertTrue(texts.contains("**HostOutOfMemory** · node-1:9100 · critical · since 2026-11-21 08:00 UTC"), texts::toString);
    assertTrue(texts.contains("**HostOutOfMemory** · node-2:9100 · critical · since 2026-11-21 08:00 UTC"), texts::toString);
  }

  @Test
  void aStormListsTwentyAlertsThenHowManyMore() {
    Notification storm = firing("critical", 45);
    AdaptiveCardShape.assertValid(AdaptiveCard.message(storm));
    List<String> texts = texts(storm);
    assertEquals(20, texts.stream().filter(t -> t.startsWith("**HostOutOfMemory**")).count());
    assertTrue(texts.contains("and 25 more"), texts::toString);
    assertFalse(texts.stream().anyMatch(t -> t.contains("node-21:9100")), "the 21st alert is left out");
    assertEquals("45", facts(storm).get("Alerts"), "the count is of all alerts, not the listed ones");
  }

  @Test
  void twentyAlertsNeedNoMoreLine() {
    assertFalse(texts(firing("critical", 20)).stream().anyMatch(t -> t.endsWith("more")));
  }

  @Test
  void aResolvedCardIsShortAndSaysHowLongItLasted() {
    Notification n = resolved(Duration.ofMinutes(72));
    AdaptiveCardShape.assertValid(AdaptiveCard.message(n));
    assertEquals("Resolved: HostOutOfMemory on node-1", body(n).getJsonObject(0).getString("text"));
    assertEquals("1 h 12 min", facts(n).get("Duration"));
    assertEquals("Resolved", facts(n).get("State"));
    List<String> texts = texts(n);
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("**HostOutOfMemory** · node-2:9100")), texts::toString);
    for (String absent : List.of("ignored summary", "ignored cause", "Probable cause", "Remediation")) {
      assertFalse(texts.stream().anyMatch(t -> t.contains(absent)), absent + " in " + texts);
    }
  }

  @Test
  void durationsReadTheWayOperatorsSayThem() {
    assertEquals("45 s", HumanDuration.of(Duration.ofSeconds(45)));
    assertEquals("12 min", HumanDuration.of(Duration.ofSeconds(12 * 60 + 59)));
    assertEquals("1 h", HumanDuration.of(Duration.ofHours(1)));
    assertEquals("1 h 12 min", HumanDuration.of(Duration.ofMinutes(72)));
    assertEquals("2 d 3 h", HumanDuration.of(Duration.ofHours(51).plusMinutes(10)));
    assertEquals("0 s", HumanDuration.of(Duration.ofSeconds(-5)));
  }

  @Test
  void linksBecomeAtMostFiveOpenUrlActions() {
    List<Link> links = new ArrayList<>();
    links.add(new Link("Script", "javascript:alert(1)"));
    links.add(new Link("Relative", "/alerts/42"));
    links.add(new Link("", "https://grafana.example.com/d/abc"));
    for (int i = 1; i <= 6; i++) {
      links.add(new Link("Link " + i, "https://example.com/" + i));
    }
    Notification n = firing("critical", 1);
    Notification withLinks = new Notification(n.groupId(), n.state(), n.severity(), n.title(), n.summary(), n.probableCause(),
        n.remediation(), n.alerts(), links, n.generatedBy(), null);
    JsonArray actions = AdaptiveCardShape.assertValid(AdaptiveCard.message(withLinks)).getJsonArray("actions");
    assertEquals(5, actions.size());
    JsonObject first = actions.getJsonObject(0);
    assertEquals("Action.OpenUrl", first.getString("type"));
    assertEquals("Open", first.getString("title"), "an untitled link still needs a button label");
    assertEquals("https://grafana.example.com/d/abc", first.getString("url"));
    assertFalse(actions.encode().contains("javascript"));
  }

  @Test
  void aCardWithoutLinksHasNoActions() {
    Notification n = resolved(Duration.ofSeconds(30));
    assertFalse(AdaptiveCardShape.assertValid(AdaptiveCard.message(n)).containsKey("actions"));
  }

  @Test
  void textFromAlertsIsShownAsWrittenNotAsMarkdown() {
    Notification n = new Notification(7, "firing", "p1_high", "disk_used_bytes high on [prod]",
        "*Everything* is fine\nsecond line", "- not a list item",
        List.of("1. already numbered", "run `df -h` on C:\\* drives"),
        List.of(new AlertLine("Disk_Full", "[db]*1*", "warn_ing", null)), List.of(), "llm", null);
    AdaptiveCardShape.assertValid(AdaptiveCard.message(n));
    List<String> texts = texts(n);
    assertEquals("disk\\_used\\_bytes high on \\[prod\\]", body(n).getJsonObject(0).getString("text"));
    assertTrue(texts.contains("\\*Everything\\* is fine\n\nsecond line"), texts::toString);
    assertTrue(texts.contains("\\- not a list item"), texts::toString);
    assertTrue(texts.contains("1. 1\\. already numbered\r2. run `df -h` on C:\\\\\\* drives"), texts::toString);
    assertTrue(texts.contains("**Disk\\_Full** · \\[db\\]\\*1\\* · warn\\_ing"), texts::toString);
    assertEquals("p1\\_high", facts(n).get("Severity"));
  }

  @Test
  void hugeEnrichmentsStayUnderTeamsMessageLimit() {
    String longText = "word ".repeat(5000);
    List<String> steps = IntStream.range(0, 100).mapToObj(i -> "step " + i + " " + longText).toList();
    List<AlertLine> alerts = IntStream.range(0, 5000)
        .mapToObj(i -> new AlertLine("A".repeat(300), "i".repeat(300), "critical", T0)).toList();
    Notification n = new Notification(1, "firing", "critical", longText, longText, longText, steps, alerts, List.of(), "llm", null);
    AdaptiveCardShape.assertValid(AdaptiveCard.message(n)); // includes the 28 KB limit
    assertTrue(body(n).getJsonObject(0).getString("text").endsWith("…"));
  }

  @Test
  void textThatEscapingInflatesIsShortenedUntilTheMessageFits() {
    String underscores = "_".repeat(10_000);
    List<AlertLine> alerts = IntStream.range(0, 30).mapToObj(i -> new AlertLine(underscores, underscores, underscores, T0)).toList();
    Notification n = new Notification(1, "firing", "critical", underscores, underscores, underscores,
        List.of(underscores, underscores, underscores, underscores, underscores, underscores, underscores, underscores),
        alerts, List.of(), "llm", null);
    JsonObject message = AdaptiveCard.message(n);
    AdaptiveCardShape.assertValid(message);
    assertTrue(message.toBuffer().length() <= AdaptiveCard.MAX_MESSAGE_BYTES);
    assertTrue(texts(n).contains("and 10 more"), "shrinking keeps the structure");
  }

  @Test
  void aTrailingBackslashCannotSwallowTheBoldAroundIt() {
    Notification n = new Notification(1, "firing", "critical", "t", null, null, null,
        List.of(new AlertLine("share\\", "C:\\", null, null)), List.of(), null, null);
    assertTrue(texts(n).contains("**share\\\\** · C:\\\\"), texts(n)::toString);
  }

  @Test
  void missingPartsLeaveSectionsOutInsteadOfBreakingTheCard() {
    Notification sparse = new Notification(9, "firing", null, null, null, null, null, null, null, null, null);
    JsonObject card = AdaptiveCardShape.assertValid(AdaptiveCard.message(sparse));
    assertEquals("Alert group 9", card.getJsonArray("body").getJsonObject(0).getString("text"));
    assertEquals(Map.of("State", "Firing", "Alerts", "0"), facts(sparse));
  }

  @Test
  void theShapeCheckCatchesWhatTeamsRefuses() {
    assertTrue(AdaptiveCardShape.problems(AdaptiveCard.message(firing("critical", 2))).isEmpty());
    assertBroken(m -> m.put("type", "Message"), "type");
    assertBroken(m -> attachment(m).remove("contentUrl"), "contentUrl");
    assertBroken(m -> attachment(m).put("contentType", "application/json"), "contentType");
    assertBroken(m -> content(m).put("version", "1.5"), "version");
    assertBroken(m -> content(m).getJsonArray("body").add(new JsonObject().put("type", "Table")), "unknown type");
    assertBroken(m -> content(m).getJsonArray("body").getJsonObject(0).remove("text"), "text");
    assertBroken(m -> content(m).getJsonArray("body").getJsonObject(0).put("color", "Red"), "color");
    assertBroken(m -> content(m).getJsonArray("actions").getJsonObject(0).put("type", "Action.Submit"), "Action.OpenUrl");
    assertBroken(m -> content(m).getJsonArray("actions").getJsonObject(0).put("url", "/relative"), "url");
    assertBroken(m -> content(m).getJsonArray("body").add(new JsonObject().put("type", "TextBlock").put("text", "x".repeat(30_000))), "bytes");
  }

  private static void assertBroken(Consumer<JsonObject> breakIt, String mentioned) {
    JsonObject message = AdaptiveCard.message(firing("critical", 2));
    breakIt.accept(message);
    List<String> problems = AdaptiveCardShape.problems(message);
    assertTrue(problems.stream().anyMatch(p -> p.contains(mentioned)), "expected a problem about " + mentioned + ", got " + problems);
  }

  private static JsonObject attachment(JsonObject message) {
    return message.getJsonArray("attachments").getJsonObject(0);
  }

  private static JsonObject content(JsonObject message) {
    return attachment(message).getJsonObject("content");
  }

  private static JsonArray body(Notification n) {
    return content(AdaptiveCard.message(n)).getJsonArray("body");
  }

  private static String titleColour(Notification n) {
    return body(n).getJsonObject(0).getString("color");
  }

  private static Map<String, String> facts(Notification n) {
    Map<String, String> facts = new LinkedHashMap<>();
    for (Object element : body(n)) {
      if ("FactSet".equals(((JsonObject) element).getString("type"))) {
        for (Object fact : ((JsonObject) element).getJsonArray("facts")) {
          facts.put(((JsonObject) fact).getString("title"), ((JsonObject) fact).getString("value"));
        }
      }
    }
    return facts;
  }

  /** Every TextBlock's text, depth first, in reading order. */
  private static List<String> texts(Notification n) {
    List<String> texts = new ArrayList<>();
    collect(body(n), texts);
    return texts;
  }

  private static void collect(JsonArray elements, List<String> texts) {
    for (Object o : elements) {
      JsonObject element = (JsonObject) o;
      if ("TextBlock".equals(element.getString("type"))) {
        texts.add(element.getString("text"));
      }
      if (element.getJsonArray("items") != null) {
        collect(element.getJsonArray("items"), texts);
      }
    }
  }
}
