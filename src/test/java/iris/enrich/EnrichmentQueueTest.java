package iris.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnrichmentQueueTest {

  @Test
  void boundsConcurrencyQueuesThenDegradesWithoutDropping() {
    EnrichmentQueue queue = new EnrichmentQueue(2, 1);
    List<Promise<String>> started = new ArrayList<>();
    List<String> modes = new ArrayList<>();
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(queue.submit(degraded -> {
        modes.add(degraded == null ? "full" : "degraded");
        Promise<String> p = Promise.promise();
        started.add(p);
        return p.future();
      }));
    }
    // two run, one waits, the fourth runs at once degraded
    assertEquals(List.of("full", "full", "degraded"), modes);
    assertEquals(1, queue.waiting());
    started.get(0).complete("a");
    assertEquals(List.of("full", "full", "degraded", "full"), modes, "the waiting task starts when a slot frees");
    started.forEach(p -> p.tryComplete("x"));
    assertTrue(results.stream().allMatch(Future::succeeded));
    assertEquals(0, queue.running());
  }

  @Test
  void aThrowingTaskFreesItsSlot() {
    EnrichmentQueue queue = new EnrichmentQueue(1, 0);
    Future<String> failed = queue.submit(d -> {
      throw new IllegalStateException("boom");
    });
    assertTrue(failed.failed());
    List<String> seen = new ArrayList<>();
    queue.submit(d -> {
      seen.add(d);
      return Future.succeededFuture("ok");
    });
    assertEquals(1, seen.size());
    assertNull(seen.get(0), "not degraded: the slot was released");
  }
}
