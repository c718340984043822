package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import iris.testing.FakeTeams;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A card that waited for a pooled connection must not reach Teams after its send was
 * reported failed: the retry would make it two. Every card that arrives was reported sent.
 */
class TeamsQueueingIT {

  @Test
  void noCardArrivesAfterItsSendFailed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FakeTeams teams = new FakeTeams()) {
      teams.delay(400);
      // one connection: the second card waits 400 ms for it, then 400 ms for the answer
      WebClient client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(1));
      TeamsChannel channel = new TeamsChannel(client, Duration.ofMillis(600));
      Recipient alice = new Recipient("alice", null, teams.webhookUrl("alice"));
      Notification n = new Notification(1, "firing", "warning", "HostHighCpuLoad on h:9100", "busy", "", List.of(),
          List.of(new Notification.AlertLine("HostHighCpuLoad", "h:9100", "warning", Instant.now())), List.of(), "template", null);
      List<Future<Void>> sends = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sends.add(channel.send(n, alice));
      }
      Future.join(sends).otherwiseEmpty().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Thread.sleep(1500);  // anything still queued would arrive now
      long reportedSent = sends.stream().filter(Future::succeeded).count();
      assertEquals(reportedSent, teams.posts().size(), "cards that arrived = sends reported successful");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
