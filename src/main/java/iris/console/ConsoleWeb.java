package iris.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import iris.Templates;
import iris.http.Scope;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every console page and form shares: the session of the request, rendering a template
 * (off the event loop: the sandbox's watchdog may interrupt the rendering thread), the checks
 * a form passes (a session, its CSRF token, the scope the action needs) and the error page.
 */
final class ConsoleWeb {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleWeb.class);
  static final String SESSION = "iris.console.session";
  static final String SECRET = "iris.console.secret";
  /**
   * Scripts, styles and sockets from this origin only; no frames. No Referer (which may hold a
   * one-click token) leaves for another site; not no-referrer, with which Chromium sends
   * {@code Origin: null} on the console's own form posts, and CORS refuses them.
   */
  private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

  final Vertx vertx;
  final Sessions sessions;
  final ConsoleApi api;
  private final Templates templates;
  private final boolean tls;

  ConsoleWeb(Vertx vertx, Sessions sessions, ConsoleApi api, Templates templates, boolean tls) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.api = api;
    this.templates = templates;
    this.tls = tls;
  }

  /** First on every console route: finds the cookie's session; the request stays paused for a body handler. */
  void loadSession(RoutingContext ctx) {
    ctx.request().pause();
    Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
    String secret = cookie == null ? null : cookie.getValue();
    sessions.find(secret).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        ctx.put(SESSION, ar.result());
        ctx.put(SECRET, secret);
      } else if (ar.failed()) {
        LOG.warn("Cannot read console sessions from the shared state: {}", ar.cause().toString());
      }
      if (ctx.request().method() != HttpMethod.POST) {
        ctx.request().resume();
      }
      ctx.next();
    });
  }

  static ConsoleSession session(RoutingContext ctx) {
    return ctx.get(SESSION);
  }

  /** A page for signed-in browsers; others go to the sign-in page and come back. */
  void page(RoutingContext ctx, Handler<ConsoleSession> body) {
    ConsoleSession session = session(ctx);
    if (session == null) {
      if ("cross-site".equals(ctx.request().getHeader("Sec-Fetch-Site"))
          && "navigate".equals(ctx.request().getHeader("Sec-Fetch-Mode"))) {
        // A link followed from Teams or a web mail: the browser does not send a SameSite=Strict
        // cookie with that first request. Loading the page again from here is same-site and
        // carries it (and without a session, that second request goes to the sign-in page).
        html(ctx, 200, "<!doctype html><meta http-equiv=\"refresh\" content=\"0\"><title>Iris</title>");
        return;
      }
      redirect(ctx, "/console/sign-in?next=" + ConsoleApi.encode(ctx.request().uri()));
      return;
    }
    try {
      body.handle(session);
    } catch (RuntimeException e) {
      LOG.error("Console page {} failed", ctx.request().path(), e);
      error(ctx, session, 500, "Something went wrong", "This page could not be shown. The server log says why.");
    }
  }

  /**
   * A state-changing form: refused without a session (401), without the session's CSRF token
   * (403), and without the scope the action needs (403), before anything is asked of the API.
   */
  void action(RoutingContext ctx, Scope needed, Handler<ConsoleSession> body) {
    ConsoleSession session = session(ctx);
    if (session == null) {
      error(ctx, null, 401, "Signed out", "Your session has ended. Sign in again and repeat the change.");
      return;
    }
    if (!Sessions.csrfMatches(session, ctx.request().getFormAttribute("csrf"))) {
      error(ctx, session, 403, "Refused", "This form did not come from this console page (its security token is missing or wrong). Reload the page and try again.");
      return;
    }
    if (!session.may(needed)) {
      error(ctx, session, 403, "Not allowed", "Your API key '" + session.keyName() + "' has scope " + session.scope().wireName()
          + "; this needs " + needed.wireName() + ".");
      return;
    }
    try {
      body.handle(session);
    } catch (RuntimeException e) {
      LOG.error("Console action {} failed", ctx.request().path(), e);
      error(ctx, session, 500, "Something went wrong", "The change could not be made. The server log says why.");
    }
  }

  /** The API refused or failed: its own words, and a sign-in again for a key that stopped working. */
  void apiFailed(RoutingContext ctx, ConsoleSession session, ConsoleApi.Answer answer) {
    if (answer.status() == 401) {
      signOut(ctx);
      redirect(ctx, "/console/sign-in?expired=1");
      return;
    }
    String title = switch (answer.status()) {
      case 400 -> "Not accepted";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 409 -> "Conflict";
      default -> answer.status() >= 500 ? "Iris could not do this now" : "Refused";
    };
    error(ctx, session, answer.status(), title, answer.message());
  }

  void failed(RoutingContext ctx, ConsoleSession session, Throwable cause) {
    LOG.warn("Console request {} failed: {}", ctx.request().path(), cause.toString());
    error(ctx, session, 503, "Iris could not do this now", "The request did not complete: " + cause.getMessage());
  }

  /** Runs {@code then} with the answer when it succeeded, else shows what went wrong. */
  void onOk(RoutingContext ctx, ConsoleSession session, Future<ConsoleApi.Answer> answer, Handler<ConsoleApi.Answer> then) {
    answer.onSuccess(a -> {
      if (a.ok()) {
        then.handle(a);
      } else {
        apiFailed(ctx, session, a);
      }
    }).onFailure(e -> failed(ctx, session, e));
  }

  /** The path's {@code id} when it is one (digits), else null after answering the page's 404 naming {@code what}. */
  String id(RoutingContext ctx, ConsoleSession session, String what) {
    String id = ctx.pathParam("id");
    if (id == null || !id.matches("\\d{1,18}")) {
      error(ctx, session, 404, "Not found", "There is no " + what + " " + id + ".");
      return null;
    }
    return id;
  }

  void error(RoutingContext ctx, ConsoleSession session, int status, String title, String message) {
    Map<String, Object> model = new HashMap<>();
    model.put("title", title);
    model.put("message", message);
    model.put("status", status);
    render(ctx, session, status, "console/error.ftlh", "", model);
  }

  void render(RoutingContext ctx, ConsoleSession session, String template, String nav, Map<String, Object> model) {
    render(ctx, session, 200, template, nav, model);
  }

  void render(RoutingContext ctx, ConsoleSession session, int status, String template, String nav, Map<String, Object> model) {
    Map<String, Object> all = new HashMap<>(model);
    all.put("nav", nav);
    if (session != null) {
      all.put("me", Map.of("name", session.keyName(), "scope", session.scope().wireName(),
          "can_write", session.may(Scope.WRITE), "can_admin", session.may(Scope.ADMIN)));
      all.put("csrf", session.csrf());
    }
    vertx.executeBlocking(() -> templates.render(template, all), false).onComplete(ar -> {
      if (ar.succeeded()) {
        html(ctx, status, ar.result());
      } else {
        LOG.error("Cannot render {}", template, ar.cause());
        if (!ctx.response().ended()) {
          ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
              .end("The console page could not be rendered: " + template);
        }
      }
    });
  }

  void html(RoutingContext ctx, int status, String html) {
    html(ctx, status, POLICY, io.vertx.core.buffer.Buffer.buffer(html));
  }

  /** A page with its own Content-Security-Policy (a digest's report has inline styles and nothing else). */
  void html(RoutingContext ctx, int status, String policy, io.vertx.core.buffer.Buffer html) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Security-Policy", policy)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .end(html);
  }

  /** After a form: 303, so a reload does not post it again. */
  static void redirect(RoutingContext ctx, String location) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
    }
  }

  Cookie cookie(String secret, long maxAgeSeconds) {
    return Cookie.cookie(Sessions.COOKIE, secret).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setSecure(tls).setMaxAge(maxAgeSeconds);
  }

  void signOut(RoutingContext ctx) {
    String secret = ctx.get(SECRET);
    if (secret != null) {
      sessions.end(secret);
    }
    ctx.response().addCookie(cookie("", 0));
  }

  static String form(RoutingContext ctx, String name) {
    String value = ctx.request().getFormAttribute(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  static String param(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
