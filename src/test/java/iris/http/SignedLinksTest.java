package iris.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignedLinksTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
  private final SignedLinks links = new SignedLinks("https://iris.example.com", "deployment-key", Duration.ofHours(24), clock);

  @Test
  void aTokenGrantsItsActionOnItsIncidentUntilItExpires() {
    String token = links.sign(42, SignedLinks.Action.KNOWN_ISSUE);
    SignedLinks.Verdict verdict = links.verify(token);
    assertTrue(verdict.valid());
    assertEquals(42, verdict.grant().incidentId());
    assertEquals(SignedLinks.Action.KNOWN_ISSUE, verdict.grant().action());
    assertEquals(Instant.parse("2026-12-02T12:00:00Z"), verdict.grant().expiresAt());

    clock.advance(Duration.ofHours(24));
    assertTrue(links.verify(token).valid(), "valid up to its expiry");
    clock.advance(Duration.ofSeconds(1));
    SignedLinks.Verdict late = links.verify(token);
    assertEquals(SignedLinks.Refusal.EXPIRED, late.refusal());
    assertEquals(42, late.grant().incidentId(), "an expired token still says what it was for");
  }

  @Test
  void everyTokenIsItsOwnAndATamperedOneIsRefused() {
    String one = links.sign(42, SignedLinks.Action.ACKNOWLEDGE);
    String two = links.sign(42, SignedLinks.Action.ACKNOWLEDGE);
    assertNotEquals(one, two);
    assertNotEquals(links.verify(one).grant().nonce(), links.verify(two).grant().nonce());

    // Another incident in the payload, the same signature.
    String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("43:acknowledge:" + Instant.parse("2026-12-02T12:00:00Z").getEpochSecond() + ":AAAAAAAAAAAAAAAA").getBytes());
    String forged = payload + one.substring(one.indexOf('.'));
    assertEquals(SignedLinks.Refusal.BAD_SIGNATURE, links.verify(forged).refusal());
    SignedLinks other = new SignedLinks("https://iris.example.com", "another-deployment", Duration.ofHours(24), clock);
    assertEquals(SignedLinks.Refusal.BAD_SIGNATURE, other.verify(one).refusal(), "another deployment's key does not open it");
    for (String bad : new String[] {null, "", "x", "a.b", one + "x", one.replace('.', '!')}) {
      assertFalse(links.verify(bad).valid(), String.valueOf(bad));
    }
  }

  @Test
  void linksNeedAPublicUrlAndActionLinksAKey() {
    assertEquals(Optional.of("https://iris.example.com/console/incidents/7"), links.incidentPage(7));
    assertTrue(links.actionLink(7, SignedLinks.Action.ACKNOWLEDGE).orElseThrow()
        .startsWith("https://iris.example.com/console/links/"));
    assertTrue(SignedLinks.none().incidentPage(7).isEmpty());
    SignedLinks keyless = new SignedLinks("https://iris.example.com", "", Duration.ofHours(1), clock);
    assertTrue(keyless.incidentPage(7).isPresent());
    assertTrue(keyless.actionLink(7, SignedLinks.Action.ACKNOWLEDGE).isEmpty());
    assertFalse(keyless.verify(links.sign(7, SignedLinks.Action.ACKNOWLEDGE)).valid(), "no key, no valid token");
  }
}
