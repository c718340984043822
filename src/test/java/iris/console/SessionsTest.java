package iris.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import iris.db.LocalSharedState;
import iris.db.SharedState;
import iris.http.Scope;
import iris.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
  private final RecordingState state = new RecordingState(clock);
  private final Sessions sessions = new Sessions(state, Duration.ofHours(12), clock);

  /** Keeps what was written, as Redis would show it. */
  static final class RecordingState implements SharedState {
    final java.util.List<String> written = new java.util.ArrayList<>();
    private final LocalSharedState local;

    RecordingState(java.time.Clock clock) {
      local = new LocalSharedState(clock);
    }

    @Override
    public Future<Void> set(String key, String value, Duration ttl) {
      written.add(key + "=" + value);
      return local.set(key, value, ttl);
    }

    @Override
    public Future<Boolean> setIfAbsent(String key, String value, Duration ttl) {
      written.add(key + "=" + value);
      return local.setIfAbsent(key, value, ttl);
    }

    @Override
    public Future<String> get(String key) {
      return local.get(key);
    }

    @Override
    public Future<Void> delete(String key) {
      return local.delete(key);
    }

    @Override
    public Future<Long> increment(String key, Duration ttl) {
      return local.increment(key, ttl);
    }

    @Override
    public Future<Void> ping() {
      return local.ping();
    }

    @Override
    public String kind() {
      return "recording";
    }

    @Override
    public Future<Void> close() {
      return local.close();
    }
  }

  @Test
  void aSessionHoldsTheKeySealedAndEndsOnTimeOrOnSignOut() throws Exception {
    Sessions.Started started = sessions.start("ops", Scope.WRITE, "iris_secret-api-key").toCompletionStage()
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    ConsoleSession found = find(started.secret());
    assertEquals("ops", found.keyName());
    assertEquals(Scope.WRITE, found.scope());
    assertEquals("iris_secret-api-key", found.apiKey());
    assertEquals(started.session().csrf(), found.csrf());
    String stored = String.join("\n", state.written);
    assertFalse(stored.contains("iris_secret-api-key"), "the API key is not stored in the clear");
    assertFalse(stored.contains(started.secret()), "the cookie's secret is not stored");

    clock.advance(Duration.ofHours(12));
    assertNull(find(started.secret()), "expired");

    Sessions.Started again = sessions.start("ops", Scope.WRITE, "k").toCompletionStage().toCompletableFuture().get();
    sessions.end(again.secret()).toCompletionStage().toCompletableFuture().get();
    assertNull(find(again.secret()), "signed out");
  }

  @Test
  void aWrongOrMalformedSecretFindsNothingAndCsrfMustMatch() throws Exception {
    Sessions.Started started = sessions.start("ops", Scope.READ, "k").toCompletionStage().toCompletableFuture().get();
    assertNull(find(null));
    assertNull(find("short"));
    assertNull(find("A".repeat(43)));
    String other = sessions.start("ops", Scope.READ, "k").toCompletionStage().toCompletableFuture().get().secret();
    assertNotEquals(started.secret(), other);
    ConsoleSession session = find(started.secret());
    assertTrue(Sessions.csrfMatches(session, session.csrf()));
    assertFalse(Sessions.csrfMatches(session, null));
    assertFalse(Sessions.csrfMatches(session, session.csrf() + "x"));
    assertFalse(session.may(Scope.WRITE));
  }

  @Test
  void theCookieIsHttpOnlyStrictAndSecureUnderTls() {
    io.vertx.core.http.Cookie plain = new ConsoleWeb(null, sessions, null, null, false).cookie("s", 60);
    assertTrue(plain.isHttpOnly());
    assertEquals(io.vertx.core.http.CookieSameSite.STRICT, plain.getSameSite());
    assertFalse(plain.isSecure());
    assertEquals(60, plain.getMaxAge());
    assertTrue(new ConsoleWeb(null, sessions, null, null, true).cookie("s", 60).isSecure());
  }

  @Test
  void afterSignInOnlyAConsolePathOfThisSiteIsFollowed() {
    assertEquals("/console/incidents/4", SignIn.safeNext("/console/incidents/4"));
    for (String bad : new String[] {null, "https://evil.example/", "//evil.example/console/", "/console/sign-in", "/\\evil",
        "/api/v1/incidents"}) {
      assertEquals("/console/incidents", SignIn.safeNext(bad), String.valueOf(bad));
    }
  }

  private ConsoleSession find(String secret) throws Exception {
    return sessions.find(secret).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
