package iris.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotsTest {

  @Test
  void runsAtMostItsSizeAndTheRestInOrder() {
    Slots slots = new Slots(2);
    List<Promise<String>> tasks = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      Promise<String> p = Promise.promise();
      tasks.add(p);
      results.add(slots.run(() -> {
        started.add(n);
        return p.future();
      }));
    }
    assertEquals(List.of(0, 1), started);
    assertEquals(2, slots.running());
    assertEquals(3, slots.waiting());

    tasks.get(1).complete("one");
    assertEquals(List.of(0, 1, 2), started, "a finished task lets the first waiting one start");
    tasks.get(0).fail("boom");
    assertEquals(List.of(0, 1, 2, 3), started, "a failed task frees its slot too");
    assertTrue(results.get(0).failed());
    assertEquals("one", results.get(1).result());

    tasks.get(2).complete("two");
    tasks.get(3).complete("three");
    tasks.get(4).complete("four");
    assertEquals(List.of(0, 1, 2, 3, 4), started);
    assertEquals(0, slots.running());
    assertEquals(0, slots.waiting());
  }

  @Test
  void aTaskThatThrowsFailsItsFutureAndFreesItsSlot() {
    Slots slots = new Slots(1);
    Future<String> thrown = slots.run(() -> {
      throw new IllegalStateException("broken");
    });
    assertTrue(thrown.failed());
    assertEquals(0, slots.running());
    assertEquals("ok", slots.run(() -> Future.succeededFuture("ok")).result());
  }
}
