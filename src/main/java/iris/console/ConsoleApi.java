package iris.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import iris.IrisConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console reads and acts through Iris's own REST API, on this node's listener, with the
 * session's API key: a page shows exactly what that key may see, and every change passes the
 * API's validation and scope checks. No other package's internals are reached.
 */
final class ConsoleApi {
  /** What the API answered. */
  record Answer(int status, Buffer body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    JsonObject json() {
      if (body == null || body.length() == 0) {
        return new JsonObject();
      }
      try {
        return body.toJsonObject();
      } catch (DecodeException | ClassCastException e) {
        return new JsonObject().put("message", body.toString());
      }
    }

    /** The problem body's message, for an error page. */
    String message() {
      JsonObject json = json();
      String message = json.getString("message", "the API answered " + status);
      String field = json.getString("field");
      return field == null ? message : message + " (" + field + ")";
    }
  }

  private final WebClient client;
  private final String host;
  private final int port;

  ConsoleApi(Vertx vertx, IrisConfig.Http http) {
    WebClientOptions options = new WebClientOptions().setUserAgent("Iris console").setConnectTimeout(5000)
        .setKeepAlive(true);
    if (http.tls()) {
      // Our own listener on loopback: the certificate is for the public name, not 127.0.0.1.
      options.setSsl(true).setTrustAll(true).setVerifyHost(false);
    }
    this.client = WebClient.create(vertx, options);
    this.host = loopbackFor(http.host());
    this.port = http.port();
  }

  static String loopbackFor(String bound) {
    return bound == null || bound.isBlank() || bound.equals("0.0.0.0") || bound.equals("::") || bound.equals("[::]")
        ? "127.0.0.1" : bound;
  }

  Future<Answer> get(ConsoleSession session, String path, Map<String, String> query) {
    return send(request(session, HttpMethod.GET, path + query(query)).send());
  }

  Future<Answer> get(ConsoleSession session, String path) {
    return get(session, path, Map.of());
  }

  Future<Answer> send(ConsoleSession session, HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> request = request(session, method, path);
    return send(body == null ? request.send() : request.sendJsonObject(body));
  }

  Future<Answer> upload(ConsoleSession session, String path, MultipartForm form) {
    return send(request(session, HttpMethod.POST, path).sendMultipartForm(form));
  }

  private HttpRequest<Buffer> request(ConsoleSession session, HttpMethod method, String uri) {
    return client.request(method, port, host, uri).putHeader("X-API-Key", session.apiKey()).timeout(30_000);
  }

  private static Future<Answer> send(Future<io.vertx.ext.web.client.HttpResponse<Buffer>> response) {
    return response.map(r -> new Answer(r.statusCode(), r.body()));
  }

  /** {@code ?a=1&b=2} of the non-empty values, encoded; "" when none. */
  static String query(Map<String, String> params) {
    StringBuilder out = new StringBuilder();
    params.forEach((name, value) -> {
      if (value != null && !value.isBlank()) {
        out.append(out.length() == 0 ? '?' : '&').append(encode(name)).append('=').append(encode(value.strip()));
      }
    });
    return out.toString();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Ordered parameters, skipping nulls: {@code params("status", s, "limit", "50")}. */
  static Map<String, String> params(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        map.put(pairs[i], pairs[i + 1]);
      }
    }
    return map;
  }
}
