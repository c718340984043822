package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.DecodeException;
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
 * A Teams Workflows webhook ("When a Teams webhook request is received") on a loopback port.
 * It answers 202 with no body as the real one does, and can be scripted for the next requests:
 * 429 with Retry-After (the flow's throttling), a 200 whose body reports throttling (the
 * connector style), any status with a body, or no answer at all. Every post is recorded with
 * the shape problems {@link AdaptiveCardShape} finds; with the shape enforced (the default), a
 * malformed card gets the 400 a flow gives for a body that does not match its trigger.
 */
public final class FakeTeams implements AutoCloseable {
  /** The signature a real Workflows URL carries: a failure message must never show it. */
  public static final String SIGNATURE = "s3cr3tS1gnatureAbCdEfGhIjKlMnOpQrStUvWxYz01234";

  /** @param at when the post arrived */
  public record Post(String path, String rawQuery, String contentType, String raw, JsonObject body, List<String> shapeProblems,
                     java.time.Instant at) {}

  private record Answer(int status, Map<String, String> headers, String body, boolean hang) {}

  private final HttpServer server;
  private final ExecutorService executor = Replies.threads("fake-teams");
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean enforceShape = true;
  private volatile long delayMillis;

  public FakeTeams() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A URL shaped like a flow's: workflow id in the path, signature in the query. */
  public String webhookUrl(String workflow) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/workflows/" + workflow
        + "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + SIGNATURE;
  }

  /** The next {@code times} posts get 429 with {@code Retry-After: retryAfter}. */
  public void throttle(int times, String retryAfter) {
    String body = new JsonObject().put("error", new JsonObject().put("code", "WorkflowRequestsThrottled")
        .put("message", "Number of 'workflow requests' is exceeded. Try again later.")).encode();
    script(times, new Answer(429, Map.of("Retry-After", retryAfter), body, false));
  }

  /** The next {@code times} posts get 200 with the connector's "endpoint returned HTTP error 429" body. */
  public void throttleInBody(int times) {
    script(times, new Answer(200, Map.of(),
        "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-canary-eus2-0,cv=deadbeef.0.", false));
  }

  /**
   * The next {@code times} posts get {@code status} with {@code body}, where "{request}" becomes
   * the request line, as proxies and frameworks echo it ("Cannot POST /workflows/…?sig=…").
   */
  public void answer(int times, int status, String body) {
    script(times, new Answer(status, Map.of(), body, false));
  }

  /** The next {@code times} posts are read and never answered, until {@link #close()}. */
  public void hang(int times) {
    script(times, new Answer(0, Map.of(), null, true));
  }

  /** Every post is answered only after {@code millis} (a slow flow). */
  public void delay(long millis) {
    this.delayMillis = millis;
  }

  public void enforceShape(boolean enforce) {
    this.enforceShape = enforce;
  }

  public List<Post> posts() {
    return List.copyOf(posts);
  }

  private void script(int times, Answer answer) {
    for (int i = 0; i < times; i++) {
      script.add(answer);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    JsonObject body;
    try {
      body = new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    List<String> problems = AdaptiveCardShape.problems(body);
    posts.add(new Post(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(),
        exchange.getRequestHeaders().getFirst("Content-Type"), raw, body, problems, java.time.Instant.now()));
    if (!"POST".equals(exchange.getRequestMethod())) {
      reply(exchange, new Answer(405, Map.of(), "", false));
      return;
    }
    if (delayMillis > 0) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Answer answer = script.poll();
    if (answer != null && answer.hang()) {
      try {
        released.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    if (answer == null && enforceShape && !problems.isEmpty()) {
      answer = new Answer(400, Map.of(), new JsonObject().put("error", new JsonObject().put("code", "TriggerInputSchemaMismatch")
          .put("message", "The input body for trigger 'manual' of type 'Request' did not match its schema definition: "
              + String.join("; ", problems))).encode(), false);
    }
    if (answer != null && answer.body() != null) {
      String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().toString();
      answer = new Answer(answer.status(), answer.headers(), answer.body().replace("{request}", request), false);
    }
    reply(exchange, answer == null ? new Answer(202, Map.of(), "", false) : answer);
  }

  private static void reply(HttpExchange exchange, Answer answer) {
    String body = answer.body();
    String type = body == null || body.isEmpty() ? null
        : body.startsWith("{") ? "application/json; charset=utf-8" : "text/plain; charset=utf-8";
    Replies.send(exchange, answer.status(), answer.headers(), type, body);
  }


  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
