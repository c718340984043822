package iris.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import iris.incident.IncidentsChanged;
import iris.testing.Payloads;
import iris.testing.Ports;
import iris.testing.TestIris;
import iris.testing.TestPostgres;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two clustered nodes: a browser connected to one node's bridge hears of an incident that came
 * in through the other node's webhook (the live addresses are published on the cluster's bus).
 */
class ClusteredBridgeIT {

  @Test
  void anIncidentTakenInOnOneNodeReachesABrowserOnTheOther() throws Exception {
    String db = TestPostgres.newDatabase();
    int portA = Ports.free();
    int portB = Ports.free();
    Map<String, String> common = Map.of("IRIS_DB_URL", db, "IRIS_CLUSTER_ENABLED", "on",
        "IRIS_CLUSTER_MEMBERS", "127.0.0.1:" + portA + ",127.0.0.1:" + portB,
        "IRIS_ENROLL_SECRET_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "IRIS_ROLES", "ingest");
    Vertx vertx = Vertx.vertx();
    try (TestIris a = TestIris.start(merge(common, Map.of("IRIS_CLUSTER_PORT", Integer.toString(portA))));
         TestIris b = TestIris.start(merge(common, Map.of("IRIS_CLUSTER_PORT", Integer.toString(portB))))) {
      String cookie = EventBusBridgeIT.signIn(b, TestIris.ADMIN_KEY);
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(b.port)
          .setURI("/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket")
          .addHeader("Cookie", Sessions.COOKIE + "=" + cookie);
      WebSocket socket = vertx.createWebSocketClient().connect(options).await(10, TimeUnit.SECONDS);
      BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
      socket.textMessageHandler(text -> {
        if (text.startsWith("a")) {
          new JsonArray(text.substring(1)).forEach(m -> {
            JsonObject frame = new JsonObject((String) m);
            if ("rec".equals(frame.getString("type"))) {
              received.add(frame);
            }
          });
        }
      });
      Thread.sleep(500); // the bridge reads frames once it has checked the session (asynchronously)
      socket.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "register")
          .put("address", EventAddress.LIVE_INCIDENTS.address()).encode()).encode());
      Thread.sleep(500); // the registration crosses the cluster before the webhook's publish

      String fingerprint = UUID.randomUUID().toString();
      assertEquals(200, a.webhook(Payloads.webhook("{}:{alertname=\"ClusterLive\"}",
          Payloads.firing(fingerprint, "ClusterLive", "cluster-01:9100", Instant.now())).encode()).status());
      JsonObject message = received.poll(20, TimeUnit.SECONDS);
      assertNotNull(message, "the browser on node B heard of the incident taken in on node A");
      assertEquals(EventAddress.LIVE_INCIDENTS.address(), message.getString("address"));
      long id = a.api("GET", "/api/v1/incidents?alertname=ClusterLive", null).json().getJsonArray("items").getJsonObject(0).getLong("id");
      assertEquals(java.util.List.of(id), IncidentsChanged.fromJson(message.getJsonObject("body")).ids());
      socket.close();
    } finally {
      vertx.close().await();
    }
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new HashMap<>(a);
    m.putAll(b);
    return m;
  }
}
