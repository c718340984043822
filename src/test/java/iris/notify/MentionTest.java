package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.AdaptiveCardShape;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** @mentions in critical cards: which cards carry one, for whom, and the shape Teams needs to make it a mention. */
class MentionTest {
  private static final Recipient AMA = new Recipient("Ama Mensah", "ama.mensah@contoso.example", "https://example.com/hook",
      null, null, null, true, null);
  private static final AdaptiveCard.Mention BY_ID = new AdaptiveCard.Mention("ef1c916a-3135-4417-ba27-8eb7bd084193", "Ama Mensah");

  private static JsonObject card(JsonObject envelope) {
    return envelope.getJsonArray("attachments").getJsonObject(0).getJsonObject("content");
  }

  @Test
  void aMentionIsTheTagInTheTextAndItsEntity() {
    JsonObject message = AdaptiveCard.message(AdaptiveCardTest.firing("critical", 2), BY_ID);
    AdaptiveCardShape.assertValid(message); // includes: every <at> tag has its entity and each entity its tag
    JsonObject card = card(message);
    assertEquals("<at>Ama Mensah</at>", card.getJsonArray("body").getJsonObject(1).getString("text"), "right under the title");
    assertEquals(new JsonObject().put("type", "mention").put("text", "<at>Ama Mensah</at>")
        .put("mentioned", new JsonObject().put("id", BY_ID.id()).put("name", "Ama Mensah")),
        card.getJsonObject("msteams").getJsonArray("entities").getJsonObject(0));
    assertEquals("Full", card.getJsonObject("msteams").getString("width"), "still full width");
  }

  @Test
  void aCardWithoutAMentionHasNoEntities() {
    JsonObject card = card(AdaptiveCard.message(AdaptiveCardTest.firing("critical", 2)));
    assertNull(card.getJsonObject("msteams").getValue("entities"));
    assertFalse(card.encode().contains("<at>"));
  }

  @Test
  void aNameCannotBreakTheTag() {
    AdaptiveCard.Mention odd = new AdaptiveCard.Mention("x@contoso.example", "  Ops <on-call>\n team ");
    assertEquals("<at>Ops on-call team</at>", odd.text());
    AdaptiveCardShape.assertValid(AdaptiveCard.message(AdaptiveCardTest.firing("critical", 1), odd));
  }

  @Test
  void onlyFiringCriticalGroupsCallForAMention() {
    assertTrue(AdaptiveCard.callsForMention(AdaptiveCardTest.firing("critical", 1)));
    assertTrue(AdaptiveCard.callsForMention(AdaptiveCardTest.firing("CRITICAL", 1)));
    assertFalse(AdaptiveCard.callsForMention(AdaptiveCardTest.firing("warning", 1)));
    assertFalse(AdaptiveCard.callsForMention(AdaptiveCardTest.resolved(Duration.ofMinutes(3))));
    assertFalse(AdaptiveCard.callsForMention(new Notice("Enrollment of db-1 failed", "", false, Map.of(), null)));
  }

  @Test
  void workflowsCardsNameTheUserByObjectIdWhenKnownElseByUpn() {
    var critical = AdaptiveCardTest.firing("critical", 1);
    assertEquals("ama.mensah@contoso.example", TeamsChannel.mention(critical, AMA).id());
    Recipient resolved = new Recipient(AMA.name(), AMA.email(), AMA.teamsWebhookUrl(), null, null, null, true, BY_ID.id());
    assertEquals(BY_ID.id(), TeamsChannel.mention(critical, resolved).id());
    assertEquals("Ama Mensah", TeamsChannel.mention(critical, resolved).name());
  }

  @Test
  void nobodyIsMentionedWithoutTheSwitchAnIdentityOrACriticalAlert() {
    assertNull(TeamsChannel.mention(AdaptiveCardTest.firing("critical", 1), new Recipient("Bo", "bo@contoso.example", "https://x")));
    assertNull(TeamsChannel.mention(AdaptiveCardTest.firing("critical", 1),
        new Recipient("Nobody", null, "https://x", null, null, null, true, null)));
    assertNull(TeamsChannel.mention(AdaptiveCardTest.firing("warning", 1), AMA));
    assertNull(TeamsChannel.mention(AdaptiveCardTest.firing("critical", 1), null));
  }

  @Test
  void aGraphMessageCarriesTheCardAsAStringItsBodyPointsAt() {
    JsonObject message = GraphChannel.body(AdaptiveCardTest.firing("critical", 3), BY_ID);
    assertEquals("html", message.getJsonObject("body").getString("contentType"));
    JsonArray attachments = message.getJsonArray("attachments");
    assertEquals(1, attachments.size());
    JsonObject attachment = attachments.getJsonObject(0);
    assertEquals("<attachment id=\"" + attachment.getString("id") + "\"></attachment>", message.getJsonObject("body").getString("content"));
    assertEquals(AdaptiveCard.CONTENT_TYPE, attachment.getString("contentType"));
    JsonObject card = new JsonObject(attachment.getString("content"));
    AdaptiveCardShape.assertValid(AdaptiveCard.envelope(card));
    assertEquals(card(AdaptiveCard.message(AdaptiveCardTest.firing("critical", 3), BY_ID)), card, "the same card as Workflows gets");
  }

  @Test
  void aHugeGraphMessageIsShortenedLikeAWorkflowsCard() {
    String underscores = "_\"\\".repeat(4000);
    List<Notification.AlertLine> alerts = AdaptiveCardTest.alerts(30).stream()
        .map(a -> new Notification.AlertLine(underscores, underscores, "critical", a.since())).toList();
    Notification n = new Notification(1, "firing", "critical", underscores, underscores, underscores,
        List.of(underscores, underscores, underscores), alerts, List.of(), "llm", null);
    JsonObject message = GraphChannel.body(n, BY_ID);
    assertTrue(message.toBuffer().length() <= AdaptiveCard.MAX_MESSAGE_BYTES,
        "the card inside a JSON string escapes once more, and still fits: " + message.toBuffer().length());
    JsonObject card = new JsonObject(message.getJsonArray("attachments").getJsonObject(0).getString("content"));
    AdaptiveCardShape.assertValid(AdaptiveCard.envelope(card));
    assertTrue(card.encode().contains("<at>Ama Mensah</at>"), "the mention survives the shrinking");
  }

  @Test
  void aNoticeGoesToGraphAsItsSmallCard() {
    JsonObject message = GraphChannel.body(new Notice("Enrollment of db-1 succeeded", "Alloy runs.", true, Map.of("Host", "db-1"), null), null);
    JsonObject card = new JsonObject(message.getJsonArray("attachments").getJsonObject(0).getString("content"));
    assertEquals(AdaptiveCard.noticeCard(new Notice("Enrollment of db-1 succeeded", "Alloy runs.", true, Map.of("Host", "db-1"), null)), card);
  }

  @Test
  void graphPathsNameTheChatOrTheTeamsChannel() {
    assertEquals("/v1.0/chats/19:2da4c29f6d7041eca70b638b43d45437@thread.v2/messages",
        GraphChannel.path(new Recipient("a", null, null, null, null, "19:2da4c29f6d7041eca70b638b43d45437@thread.v2", false, null)));
    assertEquals("/v1.0/teams/fbe2bf47-16c8-47cf-b4a5-4b9b187c508b/channels/19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2/messages",
        GraphChannel.path(new Recipient("a", null, null, "fbe2bf47-16c8-47cf-b4a5-4b9b187c508b",
            "19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2", null, false, null)));
  }

  @Test
  void theSignedInAccountIsReadFromTheIdToken() {
    String claims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"preferred_username\":\"iris@contoso.example\",\"name\":\"Iris\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("iris@contoso.example", GraphLogin.account("eyJhbGciOiJSUzI1NiJ9." + claims + ".c2ln"));
    assertNull(GraphLogin.account(null));
    assertNull(GraphLogin.account("not-a-jwt"));
    assertNull(GraphLogin.account("a.!!!.b"));
  }
}
