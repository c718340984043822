package iris.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import iris.incident.IncidentsChanged;
import iris.testing.Payloads;
import iris.testing.TestIris;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event-bus bridge at /eventbus, spoken to as a browser's SockJS client does over its
 * WebSocket transport: no socket without a console session; with one, the browser addresses
 * only, outbound only.
 */
class EventBusBridgeIT {
  private static TestIris iris;
  private static Vertx vertx;
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    // Shorter than the test waits with a socket open: the request deadline must not cut it.
    // Only the HTTP front: nothing here needs the stages (nor the embedding model they load).
    iris = TestIris.start(java.util.Map.of("IRIS_HTTP_REQUEST_TIMEOUT_SECONDS", "2", "IRIS_ROLES", "ingest"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await();
    iris.close();
  }

  /** Signs in with the admin key as the sign-in form does; the session cookie's value. */
  static String signIn(TestIris iris, String key) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + iris.port + "/console/sign-in"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("api_key=" + key + "&next=/console/incidents")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(303, r.statusCode(), r.body());
    assertEquals("/console/incidents", r.headers().firstValue("Location").orElse(null));
    String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst()
        .orElseThrow();
    assertTrue(cookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"), cookie);
    assertTrue(cookie.contains("SameSite=Strict"), cookie);
    assertTrue(cookie.contains("Max-Age="), cookie);
    return cookie.substring(Sessions.COOKIE.length() + 1, cookie.indexOf(';'));
  }

  private static WebSocket connect(String cookie) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(iris.port)
        .setURI("/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket");
    if (cookie != null) {
      options.addHeader("Cookie", Sessions.COOKIE + "=" + cookie);
    }
    WebSocketClient client = vertx.createWebSocketClient();
    return client.connect(options).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSocketWithoutASessionIsRefused() throws Exception {
    try {
      connect(null);
      fail("a socket without a session cookie was accepted");
    } catch (Exception e) {
      assertTrue(String.valueOf(e.getMessage()).contains("401"), String.valueOf(e));
    }
    // A cookie that names no session: the socket opens at the transport and the bridge closes it.
    WebSocket forged = connect("A".repeat(43));
    assertTrue(closedWithin(forged, 10), "the bridge closed a socket whose cookie names no session");
  }

  @Test
  void aSessionReceivesBrowserAddressesAndCanSendNothing() throws Exception {
    String cookie = signIn(iris, TestIris.ADMIN_KEY);
    WebSocket socket = connect(cookie);
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    // SockJS framing, as the browser's client speaks it: "o" opens, a["…"] carries messages, h is a heartbeat.
    socket.textMessageHandler(text -> {
      if (text.startsWith("a")) {
        new io.vertx.core.json.JsonArray(text.substring(1)).forEach(m -> frames.add(new JsonObject((String) m)));
      }
    });
    // The bridge reads frames once it has checked the session (asynchronously) at SOCKET_CREATED.
    Thread.sleep(500);
    assertTrue(!socket.isClosed(), "a socket with a session stays open");

    // Inbound: a send and a publish to a permitted address, and one to a server address.
    send(socket, new JsonObject().put("type", "send").put("address", EventAddress.LIVE_INCIDENTS.address())
        .put("body", new JsonObject()).encode());
    assertEquals("rejected", awaitType(frames, "err").getString("body"));
    send(socket, new JsonObject().put("type", "publish").put("address", EventAddress.PIPELINE_WAKE.address())
        .put("body", new JsonObject().put("stage", "notify")).encode());
    assertTrue(List.of("rejected", "access_denied").contains(awaitType(frames, "err").getString("body")));
    // A server-only address cannot be listened to.
    send(socket, new JsonObject().put("type", "register").put("address", EventAddress.ENROLL_JOB.address()).encode());
    assertEquals("access_denied", awaitType(frames, "err").getString("body"));

    // A browser address can: a new incident arrives as its id.
    send(socket, new JsonObject().put("type", "register").put("address", EventAddress.LIVE_INCIDENTS.address()).encode());
    Thread.sleep(3000);
    assertTrue(!socket.isClosed(), "the socket outlives http.request_timeout_seconds");
    assertEquals(200, iris.webhook(Payloads.webhook("{}:{alertname=\"BridgeCheck\"}",
        Payloads.firing(UUID.randomUUID().toString(), "BridgeCheck", "bridge-01:9100", Instant.now())).encode()).status());
    JsonObject message = awaitType(frames, "rec");
    assertEquals(EventAddress.LIVE_INCIDENTS.address(), message.getString("address"));
    IncidentsChanged changed = IncidentsChanged.fromJson(message.getJsonObject("body"));
    // (With only the ingest role no stage runs, so the first message is the intake's.)
    assertEquals("created", changed.change());
    long id = iris.api("GET", "/api/v1/incidents?alertname=BridgeCheck", null).json().getJsonArray("items").getJsonObject(0).getLong("id");
    assertEquals(List.of(id), changed.ids());
    socket.close();
  }

  @Test
  void signingOutEndsTheSessionForTheBridgeToo() throws Exception {
    String cookie = signIn(iris, TestIris.ADMIN_KEY);
    HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + iris.port + "/console/incidents"))
        .header("Cookie", Sessions.COOKIE + "=" + cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    String csrf = page.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
    HttpResponse<String> out = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + iris.port + "/console/sign-out"))
        .header("Cookie", Sessions.COOKIE + "=" + cookie).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(303, out.statusCode(), out.body());
    WebSocket socket = connect(cookie);
    assertTrue(closedWithin(socket, 10), "a signed-out session's socket is closed");
  }

  private static void send(WebSocket socket, String frame) {
    socket.writeTextMessage(new io.vertx.core.json.JsonArray().add(frame).encode());
  }

  private static boolean closedWithin(WebSocket socket, int seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (socket.isClosed()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private static JsonObject awaitType(BlockingQueue<JsonObject> frames, String type) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<JsonObject> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < end) {
      JsonObject frame = frames.poll(100, TimeUnit.MILLISECONDS);
      if (frame != null && type.equals(frame.getString("type"))) {
        return frame;
      }
      if (frame != null) {
        seen.add(frame);
      }
    }
    fail("no '" + type + "' frame; saw " + seen);
    return null;
  }
}
