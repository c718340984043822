package iris.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import iris.Capability;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The API's contract, the OpenAPI 3.1 document in {@code openapi/iris.yaml}: at
 * {@code /api/v1/openapi.json} and {@code .yaml} (with a key, like the rest of the API), at
 * {@code /api/openapi.json} without one (it is the published description, and the docs page
 * needs it before anyone signs in), and as swagger-ui at {@code /api/docs}, from its WebJar.
 */
public final class ApiDocsCapability implements Capability {
  static final String DOCUMENT = "openapi/iris.yaml";
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/";

  private final String yaml;
  private final Buffer json;
  private final String swaggerUiRoot;

  public ApiDocsCapability() {
    this.yaml = resource(DOCUMENT);
    this.json = document(yaml).toBuffer();
    this.swaggerUiRoot = SWAGGER_UI + swaggerUiVersion();
  }

  /** The document as JSON. */
  public static JsonObject document() {
    return document(resource(DOCUMENT));
  }

  @Override
  public String name() {
    return "api-docs";
  }

  @Override
  public int routeOrder() {
    return 50;
  }

  @Override
  public void addRoutes(Router router, Vertx vertx) {
    router.get("/api/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(json));
    router.get("/api/v1/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(json));
    router.get("/api/v1/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8").end(yaml));
    String page = resource("api-docs/index.html");
    String init = resource("api-docs/iris-docs.js");
    router.get("/api/docs").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page));
    router.get("/api/docs/iris-docs.js").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/javascript; charset=utf-8").end(init));
    router.get("/api/docs/*").handler(StaticHandler.create(swaggerUiRoot).setCachingEnabled(true).setDirectoryListing(false));
  }

  private static JsonObject document(String yaml) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
      return new JsonObject(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DOCUMENT, e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ApiDocsCapability.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The WebJar's version, from its Maven metadata, so an upgrade needs no code change. */
  private static String swaggerUiVersion() {
    Properties pom = new Properties();
    try (InputStream in = ApiDocsCapability.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui WebJar is not on the class path");
      }
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
