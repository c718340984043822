package iris.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A request must have arrived whole (headers and body) within the deadline, else 408 and the
 * connection closes: a client trickling its body cannot hold a connection and a buffer forever.
 * Time spent working on a request that has arrived is not bounded here.
 */
public final class RequestDeadline implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final long millis;

  public RequestDeadline(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.millis = millis;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long timer = vertx.setTimer(millis, id -> {
      if (!request.isEnded() && !ctx.response().ended()) {
        if (ctx.response().headWritten()) {
          if (request.version() == HttpVersion.HTTP_2) {
            ctx.response().reset();
          } else {
            request.connection().close();
          }
          return;
        }
        ctx.response().setStatusCode(408).putHeader("Connection", "close").putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", "request_timeout")
                .put("message", "the request did not arrive within " + millis / 1000 + " s").encode())
            .onComplete(ar -> {
              if (request.version() != HttpVersion.HTTP_2) {
                request.connection().close(); // the unread rest of the body would be taken for the next request
              }
            });
      }
    });
    ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    ctx.next();
  }
}
