package iris.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the bulk uploads one node receives at once (all HTTP verticle instances together):
 * past the bound a request is refused with 503 before its body is read.
 */
public final class UploadSlots implements Handler<RoutingContext>, Shareable {
  private final int max;
  private final AtomicInteger inUse = new AtomicInteger();

  private UploadSlots(int max) {
    this.max = max;
  }

  /** The node's slots, shared by the HTTP instances of one Vert.x. */
  public static UploadSlots of(Vertx vertx, int max) {
    return (UploadSlots) vertx.sharedData().getLocalMap("iris.http").computeIfAbsent("upload-slots", k -> new UploadSlots(max));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (inUse.incrementAndGet() > max) {
      inUse.decrementAndGet();
      ctx.response().putHeader("Retry-After", "5");
      ctx.fail(new HttpProblem(503, "busy", max + " uploads are being received already; retry later", null));
      return;
    }
    // Called once, when the answer was sent or the connection closed first.
    ctx.addEndHandler(v -> inUse.decrementAndGet());
    ctx.next();
  }
}
