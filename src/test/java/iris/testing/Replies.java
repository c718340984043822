package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** How the local protocol servers answer: status, headers, a text body, then close. */
public final class Replies {
  private Replies() {}

  /** @param contentType null for none; an empty body is sent as no body */
  public static void send(HttpExchange exchange, int status, Map<String, String> headers, String contentType, String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    try {
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    } catch (IOException e) {
      // the client gave up (timeout): nothing to answer
    } finally {
      exchange.close();
    }
  }

  /** Threads for a local server's handlers: daemons, so a test that forgets to close one still ends. */
  public static java.util.concurrent.ExecutorService threads(String name) {
    return java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
