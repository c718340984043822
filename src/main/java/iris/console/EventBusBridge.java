package iris.console;

import io.vertx.core.Vertx;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import iris.EventAddress;
import java.util.List;

/**
 * {@code /eventbus}: the SockJS event-bus bridge, outbound only. Browsers may listen to the
 * catalogue's browser addresses ({@link EventAddress#browserAddresses()}) and nothing else;
 * they may send nothing; a socket (and each registration) needs a valid console session.
 */
final class EventBusBridge {
  static final String PATH = "/eventbus";

  private final Sessions sessions;

  EventBusBridge(Sessions sessions) {
    this.sessions = sessions;
  }

  static SockJSBridgeOptions options(List<String> addresses) {
    SockJSBridgeOptions options = new SockJSBridgeOptions();
    addresses.forEach(address -> options.addOutboundPermitted(new PermittedOptions().setAddress(address)));
    return options;
  }

  void addRoutes(Router router, Vertx vertx) {
    // Cheap refusal before any SockJS work; the session itself is checked when the socket opens.
    router.route(PATH + "/*").handler(ctx -> {
      if (ctx.request().path().endsWith("/info") || ctx.request().getCookie(Sessions.COOKIE) != null) {
        ctx.next();
      } else {
        ctx.response().setStatusCode(401).putHeader("Content-Type", "text/plain").end("sign in to the console first");
      }
    });
    router.route(PATH + "/*").subRouter(SockJSHandler.create(vertx)
        .bridge(options(EventAddress.browserAddresses()), this::event));
  }

  /**
   * The session cookie of the request that opened the socket, or null. SockJS strips cookies from
   * the socket's own headers; the request's routing context still has them.
   */
  static String sessionCookie(BridgeEvent event) {
    if (event.socket().routingContext() != null) {
      io.vertx.core.http.Cookie cookie = event.socket().routingContext().request().getCookie(Sessions.COOKIE);
      if (cookie != null) {
        return cookie.getValue();
      }
    }
    for (String header : event.socket().headers().getAll("Cookie")) {
      for (io.netty.handler.codec.http.cookie.Cookie cookie : ServerCookieDecoder.STRICT.decode(header)) {
        if (Sessions.COOKIE.equals(cookie.name())) {
          return cookie.value();
        }
      }
    }
    return null;
  }

  private void event(BridgeEvent event) {
    BridgeEventType type = event.type();
    switch (type) {
      case SEND, PUBLISH -> event.complete(false);
      case SOCKET_CREATED, REGISTER -> {
        sessions.find(sessionCookie(event)).onComplete(ar -> {
          // Refused at SOCKET_CREATED, the bridge closes the socket.
          event.complete(ar.succeeded() && ar.result() != null);
        });
      }
      default -> event.complete(true);
    }
  }
}
