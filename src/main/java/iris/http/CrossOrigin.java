package iris.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * CORS for the origins an operator allows, by Vert.x's {@link CorsHandler}: preflights answered
 * with the allowed methods, headers and a max age; credentials never. A request from Iris's
 * own origin (the console) or without an {@code Origin} header (curl, Alertmanager) passes
 * untouched; a page on any other origin is refused with 403.
 */
public final class CrossOrigin implements Handler<RoutingContext> {
  static final Set<String> HEADERS = Set.of("X-API-Key", "Content-Type", "Authorization");
  static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
      HttpMethod.DELETE, HttpMethod.OPTIONS);

  private final CorsHandler cors;
  private final boolean tls;

  /** @param origins exact origins ({@code scheme://host[:port]}), or {@code *} for any */
  public CrossOrigin(List<String> origins, int maxAgeSeconds, boolean tls) {
    CorsHandler handler = origins.contains("*") ? CorsHandler.create() : CorsHandler.create().addOrigins(origins);
    this.cors = handler.allowedMethods(METHODS).allowedHeaders(HEADERS).allowCredentials(false).maxAgeSeconds(maxAgeSeconds);
    this.tls = tls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    if (origin == null || origin.equalsIgnoreCase((tls ? "https://" : "http://") + ctx.request().getHeader(HttpHeaders.HOST))) {
      ctx.next();
      return;
    }
    cors.handle(ctx);
  }
}
