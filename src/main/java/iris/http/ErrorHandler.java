package iris.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one failure handler: every error leaves as JSON with a status that tells the truth. */
public final class ErrorHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    JsonObject body;
    if (failure instanceof HttpProblem problem) {
      status = problem.status();
      body = problem.toJson();
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      body = generic(status, http.getPayload());
    } else if (status > 0 && status < 500) {
      body = generic(status, null);
    } else {
      status = 500;
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      body = generic(500, null);
    }
    if (!ctx.request().isEnded() && !hasBody(ctx.request())) {
      ctx.request().resume(); // paused for the key check; let its end be read so the connection lives on
    } else if (!ctx.request().isEnded() && ctx.request().version() != HttpVersion.HTTP_2) {
      // Refused before its body was read (no key, too many uploads): the rest of the body is not
      // read either, so this HTTP/1 connection cannot carry another request. (An HTTP/2 stream
      // ends alone, and flow control bounds what its peer may still send.)
      ctx.response().putHeader("Connection", "close");
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode())
          .onComplete(ar -> ctx.request().connection().close());
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static JsonObject generic(int status, String detail) {
    String code = switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      default -> status >= 500 ? "internal_error" : "error";
    };
    String message = switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "request body is larger than the configured limit";
      case 500 -> "internal error; see the server log";
      default -> detail != null ? detail : code.replace('_', ' ');
    };
    return new JsonObject().put("error", code).put("message", message);
  }

  private static boolean hasBody(io.vertx.core.http.HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return request.getHeader("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
  }
}
