package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Will route enriched incidents to Teams and email. Routing and delivery are not built yet:
 * this verticle deploys with no consumer and sends nothing.
 */
public final class NotifierVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
