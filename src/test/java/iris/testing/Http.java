package iris.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A blocking HTTP client for tests (the JDK's), so assertions read top to bottom. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      return headers.getOrDefault(name.toLowerCase(), java.util.List.of()).stream().findFirst().orElse(null);
    }
  }

  public Http(String base) {
    this.base = base;
  }

  public Response get(String path, Map<String, String> headers) {
    return send("GET", path, null, headers);
  }

  public Response post(String path, String body, Map<String, String> headers) {
    return send("POST", path, body, headers);
  }

  public Response send(String method, String path, String body, Map<String, String> headers) {
    return exchange(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body), headers);
  }

  /** Sends these bytes as they are (for bodies that are not valid UTF-8). */
  public Response postBytes(String path, byte[] body, Map<String, String> headers) {
    return exchange("POST", path, HttpRequest.BodyPublishers.ofByteArray(body), headers);
  }

  private Response exchange(String method, String path, HttpRequest.BodyPublisher body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body);
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
