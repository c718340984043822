package iris.console;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.ApiKey;
import iris.http.ApiKeyAuth;
import iris.http.Scope;
import java.util.HashMap;
import java.util.Map;

/** {@code /} and the sign-in page: an API key starts a session; sign-out ends it. */
final class SignIn {
  private static final ApiKey AUTH_OFF = new ApiKey(0, "auth-off", Scope.ADMIN);

  private final ConsoleWeb web;
  private final ApiKeyAuth.Keys keys;
  private final boolean authEnabled;

  SignIn(ConsoleWeb web, ApiKeyAuth.Keys keys, boolean authEnabled) {
    this.web = web;
    this.keys = keys;
    this.authEnabled = authEnabled;
  }

  void addRoutes(Router router) {
    // vertx-web matches "/console" and "/console/" alike.
    for (String home : new String[] {"/", "/console"}) {
      router.get(home).handler(ctx -> ConsoleWeb.redirect(ctx,
          ConsoleWeb.session(ctx) == null ? "/console/sign-in" : "/console/incidents"));
    }
    router.get("/console/sign-in").handler(this::form);
    router.post("/console/sign-in").handler(this::signIn);
    router.post("/console/sign-out").handler(ctx -> web.action(ctx, Scope.READ, s -> {
      web.signOut(ctx);
      ConsoleWeb.redirect(ctx, "/console/sign-in?signed_out=1");
    }));
  }

  private void form(RoutingContext ctx) {
    Map<String, Object> model = new HashMap<>();
    model.put("next", safeNext(ConsoleWeb.param(ctx, "next")));
    if (ConsoleWeb.param(ctx, "expired") != null) {
      model.put("notice", "Your session ended or its API key stopped working. Sign in again.");
    } else if (ConsoleWeb.param(ctx, "signed_out") != null) {
      model.put("notice", "You are signed out.");
    }
    web.render(ctx, null, "console/sign-in.ftlh", "", model);
  }

  private void signIn(RoutingContext ctx) {
    String key = ConsoleWeb.form(ctx, "api_key");
    String next = safeNext(ConsoleWeb.form(ctx, "next"));
    if (key == null) {
      refuse(ctx, next, "Paste an API key.");
      return;
    }
    (authEnabled ? keys.findActive(ApiKey.hash(key)) : io.vertx.core.Future.succeededFuture(AUTH_OFF)).onComplete(ar -> {
      if (ar.failed()) {
        web.error(ctx, null, 503, "Iris could not check the key", "The database did not answer. Try again in a moment.");
      } else if (ar.result() == null) {
        refuse(ctx, next, "That API key is unknown or revoked.");
      } else {
        ApiKey found = ar.result();
        web.sessions.start(found.name(), found.scope(), key).onSuccess(started -> {
          ctx.response().addCookie(web.cookie(started.secret(), web.sessions.ttl().toSeconds()));
          ConsoleWeb.redirect(ctx, next);
        }).onFailure(e -> web.error(ctx, null, 503, "Iris could not start a session",
            "The shared state did not answer: " + e.getMessage()));
      }
    });
  }

  private void refuse(RoutingContext ctx, String next, String why) {
    Map<String, Object> model = new HashMap<>();
    model.put("next", next);
    model.put("problem", why);
    web.render(ctx, null, 401, "console/sign-in.ftlh", "", model);
  }

  /** Only a console path of this site: never another host ({@code //evil}) after signing in. */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/console/") || next.startsWith("//") || next.contains("\\")
        || next.startsWith("/console/sign-in")) {
      return "/console/incidents";
    }
    return next;
  }
}
