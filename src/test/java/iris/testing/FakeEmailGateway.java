package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP email gateway on a loopback port: {@code POST /v1/send} with a bearer API key and
 * {@code {"from", "to": [...], "subject", "text", "html"}}. It answers 200 with a message id,
 * 401 for a wrong key (echoing the header it got, as careless gateways do, so tests can check
 * the key is scrubbed from failures) and 422 for a body missing a field; the next answers can
 * be scripted (429 with Retry-After, 5xx, no answer at all). Every request is recorded.
 */
public final class FakeEmailGateway implements AutoCloseable {
  public record Request(String method, String path, String authorization, String contentType, String raw, JsonObject body) {}

  private record Answer(int status, Map<String, String> headers, String body, boolean hang) {}

  private final String apiKey;
  private final HttpServer server;
  private final ExecutorService executor = Replies.threads("fake-email-gateway");
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final CountDownLatch released = new CountDownLatch(1);

  public FakeEmailGateway(String apiKey) throws IOException {
    this.apiKey = apiKey;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/send";
  }

  /** The next request gets this answer instead of the usual one. */
  public void answerNext(int status, Map<String, String> headers, String body) {
    script.add(new Answer(status, headers, body, false));
  }

  /** The next request gets no answer until {@link #close()}. */
  public void hangNext() {
    script.add(new Answer(0, Map.of(), "", true));
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    JsonObject body;
    try {
      body = raw.isBlank() ? null : new JsonObject(raw);
    } catch (DecodeException e) {
      body = null;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), authorization,
        exchange.getRequestHeaders().getFirst("Content-Type"), raw, body));
    Answer scripted = script.poll();
    if (scripted != null && scripted.hang()) {
      try {
        released.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    if (scripted != null) {
      reply(exchange, scripted.status(), scripted.headers(), scripted.body());
    } else if (!("Bearer " + apiKey).equals(authorization)) {
      reply(exchange, 401, Map.of(), new JsonObject().put("error", "invalid credentials: " + authorization).encode());
    } else if (!wellFormed(body)) {
      reply(exchange, 422, Map.of(), new JsonObject().put("error", "from, to, subject and text or html are required").encode());
    } else {
      reply(exchange, 200, Map.of(), new JsonObject().put("id", "msg-" + requests.size()).encode());
    }
  }

  private static boolean wellFormed(JsonObject body) {
    if (body == null || !(body.getValue("to") instanceof JsonArray to) || to.isEmpty()) {
      return false;
    }
    return body.getValue("from") instanceof String && body.getValue("subject") instanceof String
        && (body.getValue("text") instanceof String || body.getValue("html") instanceof String);
  }

  private static void reply(HttpExchange exchange, int status, Map<String, String> headers, String body) {
    Replies.send(exchange, status, headers, "application/json; charset=utf-8", body);
  }


  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
