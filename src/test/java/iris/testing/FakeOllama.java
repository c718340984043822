package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An Ollama on a loopback port speaking the wire format of its API: {@code POST /api/embed}
 * (L2-normalised vectors, here a hashed bag of words in 768 dimensions), {@code POST /api/chat}
 * (non-streaming answers, or the failures a real server gives: 404 for a model not pulled,
 * a runner that crashed (500), a slow answer, prose instead of JSON) and {@code GET /api/tags}. Requests are recorded.
 */
public final class FakeOllama implements AutoCloseable {
  public enum ChatMode { ANSWER, MODEL_NOT_FOUND, SERVER_ERROR, SLOW, GARBAGE }

  public record Request(String path, JsonObject body) {}

  private static final int DIMENSIONS = 768;

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile ChatMode mode = ChatMode.ANSWER;
  private volatile long slowMillis = 3000;
  private volatile JsonObject answer = new JsonObject()
      .put("summary", "Memory on the host is nearly exhausted.")
      .put("probable_cause", "A leaking worker process.")
      .put("remediation", new JsonArray().add("Find the largest process").add("Restart it"))
      .put("references", new JsonArray().add("R1"));

  public FakeOllama() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void chatMode(ChatMode mode) {
    this.mode = mode;
  }

  public void slowMillis(long millis) {
    this.slowMillis = millis;
  }

  public void answer(JsonObject answer) {
    this.answer = answer;
  }

  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    JsonObject body = raw.isBlank() ? new JsonObject() : new JsonObject(raw);
    requests.add(new Request(path, body));
    switch (path) {
      case "/api/embed" -> embed(exchange, body);
      case "/api/chat" -> chat(exchange, body);
      case "/api/tags" -> reply(exchange, 200, new JsonObject().put("models", new JsonArray()
          .add(new JsonObject().put("name", "llama3:latest")).add(new JsonObject().put("name", "nomic-embed-text:latest"))));
      default -> reply(exchange, 404, new JsonObject().put("error", "not found"));
    }
  }

  private void embed(HttpExchange exchange, JsonObject body) throws IOException {
    Object input = body.getValue("input");
    JsonArray texts = input instanceof JsonArray a ? a : new JsonArray().add(String.valueOf(input));
    JsonArray embeddings = new JsonArray();
    texts.forEach(t -> embeddings.add(vector(String.valueOf(t))));
    reply(exchange, 200, new JsonObject().put("model", body.getString("model")).put("embeddings", embeddings));
  }

  private static JsonArray vector(String text) {
    double[] v = new double[DIMENSIONS];
    for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (!word.isEmpty()) {
        v[Math.floorMod(word.hashCode(), DIMENSIONS)] += 1;
      }
    }
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    JsonArray out = new JsonArray();
    for (double x : v) {
      out.add(norm == 0 ? 0 : x / Math.sqrt(norm));
    }
    return out;
  }

  private void chat(HttpExchange exchange, JsonObject body) throws IOException {
    String model = body.getString("model");
    switch (mode) {
      case MODEL_NOT_FOUND -> reply(exchange, 404,
          new JsonObject().put("error", "model \"" + model + "\" not found, try pulling it first"));
      case SERVER_ERROR -> reply(exchange, 500,
          new JsonObject().put("error", "llama runner process has terminated: signal: killed"));
      case GARBAGE -> reply(exchange, 200, chatResponse(model, "Sure! The host seems unhappy; have you tried turning it off and on?"));
      case SLOW -> {
        try {
          Thread.sleep(slowMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        reply(exchange, 200, chatResponse(model, answer.encode()));
      }
      case ANSWER -> reply(exchange, 200, chatResponse(model, answer.encode()));
    }
  }

  private static JsonObject chatResponse(String model, String content) {
    return new JsonObject().put("model", model).put("created_at", "2026-11-24T00:00:00Z")
        .put("message", new JsonObject().put("role", "assistant").put("content", content))
        .put("done", true).put("done_reason", "stop").put("total_duration", 123456789L);
  }

  private static void reply(HttpExchange exchange, int status, JsonObject body) {
    Replies.send(exchange, status, Map.of(), "application/json; charset=utf-8", body.encode());
  }


  @Override
  public void close() {
    server.stop(0);
  }
}
