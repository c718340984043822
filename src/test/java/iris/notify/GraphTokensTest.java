package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import iris.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The access token's lifetime on a clock the test moves: reuse, refresh before expiry, one refresh at a time, revocation. */
class GraphTokensTest {
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
  private static final Duration MARGIN = Duration.ofMinutes(5);

  private final MutableClock clock = new MutableClock(T0);
  private final MemoryGrants grants = new MemoryGrants();
  private final ScriptedRefresher platform = new ScriptedRefresher();
  private final GraphTokens tokens = new GraphTokens(grants, platform, clock, MARGIN);

  /** The grant a sign-in stored: an access token good for an hour from now. */
  private void signedIn() {
    grants.grant = new GraphGrant(true, "iris@contoso.example", "refresh-0", "access-0", clock.instant().plus(Duration.ofHours(1)), 1, null);
  }

  private static String token(Future<String> f) {
    assertTrue(f.succeeded(), () -> "no token: " + f.cause());
    return f.result();
  }

  private static GraphTokens.Unavailable unavailable(Future<String> f) {
    assertTrue(f.failed(), "a token came: " + f.result());
    return assertInstanceOf(GraphTokens.Unavailable.class, f.cause());
  }

  @Test
  void theStoredTokenIsUsedUntilTheMarginBeforeItsExpiryThenRefreshedOnce() {
    signedIn();
    assertEquals("access-0", token(tokens.accessToken()));
    clock.advance(Duration.ofMinutes(54).plusSeconds(59));
    assertEquals("access-0", token(tokens.accessToken()), "5 min 1 s left: still good");
    assertEquals(0, platform.calls.size());

    clock.advance(Duration.ofSeconds(1));
    platform.answer(ok("access-1", "refresh-1", 3600));
    assertEquals("access-1", token(tokens.accessToken()), "5 min left: replaced before it lapses");
    assertEquals(List.of("refresh-0"), platform.calls);
    assertEquals("access-1", grants.grant.accessToken());
    assertEquals("refresh-1", grants.grant.refreshToken(), "the rotated refresh token is kept");
    assertEquals(clock.instant().plusSeconds(3600), grants.grant.accessExpiresAt());
    assertEquals(2, grants.grant.version());

    clock.advance(Duration.ofMinutes(30));
    assertEquals("access-1", token(tokens.accessToken()));
    assertEquals(1, platform.calls.size(), "no refresh while the new token is good");
  }

  @Test
  void aRefreshWithoutANewRefreshTokenKeepsTheOldOne() {
    signedIn();
    clock.advance(Duration.ofMinutes(58));
    platform.answer(ok("access-1", null, 3600));
    assertEquals("access-1", token(tokens.accessToken()));
    assertEquals("refresh-0", grants.grant.refreshToken());
  }

  @Test
  void sendsThatAskWhileARefreshIsOnTheWireShareIt() {
    signedIn();
    clock.advance(Duration.ofMinutes(56));
    Promise<GraphLogin.TokenAnswer> slow = Promise.promise();
    platform.answer(slow.future());
    Future<String> first = tokens.accessToken();
    Future<String> second = tokens.accessToken();
    assertFalse(first.isComplete());
    slow.complete(ok("access-1", "refresh-1", 3600));
    assertEquals("access-1", token(first));
    assertEquals("access-1", token(second));
    assertEquals(1, platform.calls.size(), "one refresh for both");
  }

  @Test
  void withoutAGrantASignInIsNeeded() {
    GraphTokens.Unavailable u = unavailable(tokens.accessToken());
    assertTrue(u.needsSignIn());
    assertTrue(u.getMessage().contains("POST /api/v1/teams/graph/sign-in"), u.getMessage());
    assertEquals(0, platform.calls.size());
  }

  @Test
  void aRefreshRefusedForGoodRevokesTheGrantAndNothingIsAskedAgain() {
    signedIn();
    clock.advance(Duration.ofMinutes(59));
    platform.answer(GraphLogin.TokenAnswer.failed("invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked."));
    GraphTokens.Unavailable u = unavailable(tokens.accessToken());
    assertTrue(u.needsSignIn());
    assertTrue(u.getMessage().contains("AADSTS50173"), u.getMessage());
    assertFalse(grants.grant.active());
    assertTrue(grants.grant.error().startsWith("invalid_grant: AADSTS50173"), grants.grant.error());

    clock.advance(Duration.ofMinutes(10));
    assertTrue(unavailable(tokens.accessToken()).needsSignIn());
    assertEquals(1, platform.calls.size(), "a revoked grant is not tried again: it takes a sign-in");
  }

  @Test
  void aRefreshThatCannotBeAskedNowLeavesTheGrantAsItWas() {
    signedIn();
    clock.advance(Duration.ofMinutes(59));
    platform.answer(Future.failedFuture(new IllegalStateException("the identity platform could not be reached: ConnectException")));
    GraphTokens.Unavailable u = unavailable(tokens.accessToken());
    assertFalse(u.needsSignIn(), "a network failure passes");
    assertTrue(grants.grant.active());
    platform.answer(ok("access-1", "refresh-1", 3600));
    assertEquals("access-1", token(tokens.accessToken()), "the next call tries again");
  }

  @Test
  void whenAnotherNodeRefreshedFirstItsTokenIsTaken() {
    signedIn();
    clock.advance(Duration.ofMinutes(58));
    platform.answer(ok("access-mine", "refresh-mine", 3600));
    grants.beforeWrite = () -> grants.grant = new GraphGrant(true, "iris@contoso.example", "refresh-theirs", "access-theirs",
        clock.instant().plusSeconds(3600), 2, null);
    assertEquals("access-theirs", token(tokens.accessToken()));
    assertEquals("refresh-theirs", grants.grant.refreshToken(), "the later write is never overwritten");
  }

  @Test
  void aRefusalThatRacedAnotherNodesRefreshKeepsItsNewerGrant() {
    signedIn();
    clock.advance(Duration.ofMinutes(58));
    platform.answer(GraphLogin.TokenAnswer.failed("invalid_grant", "AADSTS70000: the refresh token was already used"));
    grants.beforeRevoke = () -> grants.grant = new GraphGrant(true, "iris@contoso.example", "refresh-theirs", "access-theirs",
        clock.instant().plusSeconds(3600), 2, null);
    assertEquals("access-theirs", token(tokens.accessToken()));
    assertTrue(grants.grant.active(), "the newer grant is not revoked");
  }

  @Test
  void aSignOutOrANewSignInElsewhereReachesTheCacheWithinTheRecheck() {
    signedIn();
    assertEquals("access-0", token(tokens.accessToken()));
    grants.grant = new GraphGrant(true, "other@contoso.example", "refresh-new", "access-new", clock.instant().plusSeconds(3600), 5, null);
    clock.advance(GraphTokens.RECHECK.minusSeconds(1));
    assertEquals("access-0", token(tokens.accessToken()), "the cache answers without the store for a while");
    clock.advance(Duration.ofSeconds(1));
    assertEquals("access-new", token(tokens.accessToken()), "then the store's grant wins");
    grants.grant = null;
    clock.advance(GraphTokens.RECHECK);
    assertTrue(unavailable(tokens.accessToken()).needsSignIn(), "signed out");
    assertEquals(0, platform.calls.size());
  }

  @Test
  void aTokenGraphRefusedIsNotTakenAgainFromTheStore() {
    signedIn();
    assertEquals("access-0", token(tokens.accessToken()));
    tokens.forget("access-0");
    platform.answer(ok("access-1", "refresh-1", 3600));
    assertEquals("access-1", token(tokens.accessToken()), "refreshed although the stored token has most of its hour");
  }

  @Test
  void aGrantIsUsableOnlyWhileActiveWithATokenBeyondTheMargin() {
    Instant expires = T0.plus(Duration.ofMinutes(10));
    GraphGrant grant = new GraphGrant(true, null, "r", "a", expires, 1, null);
    assertTrue(grant.accessUsable(T0, MARGIN));
    assertTrue(grant.accessUsable(expires.minus(MARGIN).minusMillis(1), MARGIN));
    assertFalse(grant.accessUsable(expires.minus(MARGIN), MARGIN));
    assertFalse(grant.accessUsable(expires.plusSeconds(1), MARGIN));
    assertFalse(new GraphGrant(false, null, "r", "a", expires, 1, "revoked").accessUsable(T0, MARGIN));
    assertFalse(new GraphGrant(true, null, "r", null, null, 1, null).accessUsable(T0, MARGIN));
  }

  private static GraphLogin.TokenAnswer ok(String access, String refresh, long seconds) {
    return new GraphLogin.TokenAnswer(access, refresh, Duration.ofSeconds(seconds), "ChannelMessage.Send", null, null, null);
  }

  /** The identity platform's refresh grant, answering what the test scripted next and recording the refresh tokens sent. */
  private static final class ScriptedRefresher implements GraphTokens.Refresher {
    final List<String> calls = new ArrayList<>();
    private final List<Future<GraphLogin.TokenAnswer>> answers = new ArrayList<>();

    void answer(GraphLogin.TokenAnswer answer) {
      answers.add(Future.succeededFuture(answer));
    }

    void answer(Future<GraphLogin.TokenAnswer> answer) {
      answers.add(answer);
    }

    @Override
    public Future<GraphLogin.TokenAnswer> refresh(String refreshToken) {
      calls.add(refreshToken);
      return answers.isEmpty() ? Future.failedFuture(new AssertionError("an unexpected refresh")) : answers.remove(0);
    }
  }
}
