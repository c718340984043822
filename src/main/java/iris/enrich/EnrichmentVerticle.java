package iris.enrich;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Will enrich new incidents (knowledge search, narrative) from {@code iris.incident.changed}.
 * Enrichment is not built yet: this verticle registers no consumer, so changes stay in
 * {@code received} (and the sweeper keeps them) instead of being marked as handled.
 */
public final class EnrichmentVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
