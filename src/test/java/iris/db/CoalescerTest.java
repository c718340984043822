package iris.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests made together share one load; requests made while one is on its way share the next. */
class CoalescerTest {
  private Vertx vertx;
  private Context context;
  private final List<List<Integer>> loads = new CopyOnWriteArrayList<>();
  private final List<Promise<List<String>>> pending = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Coalescer<Integer, String> coalescer(int max) {
    return new Coalescer<>(context, max, keys -> {
      loads.add(List.copyOf(keys));
      Promise<List<String>> p = Promise.promise();
      pending.add(p);
      return p.future();
    });
  }

  private static List<String> answers(List<Integer> keys) {
    return keys.stream().map(k -> "v" + k).toList();
  }

  private <T> T on(java.util.concurrent.Callable<T> action) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        out.complete(action.call());
      } catch (Exception e) {
        out.completeExceptionally(e);
      }
    });
    return out.get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * Lets the context run what is queued on it: its tasks run in order, so a few empty turns after
   * an action let every flush and answer that action scheduled run first. No waiting on time.
   */
  private void settle() throws Exception {
    for (int turn = 0; turn < 5; turn++) {
      on(() -> null);
    }
  }

  private void waitForLoads(int n) throws Exception {
    settle();
    assertEquals(n, loads.size(), "loads: " + loads);
  }

  @Test
  void requestsOfOneTurnGoInOneLoadAndRequestsMadeMeanwhileInTheNext() throws Exception {
    Coalescer<Integer, String> c = coalescer(10);
    List<Future<String>> first = on(() -> List.of(c.add(1), c.add(2), c.add(3)));
    waitForLoads(1);
    assertEquals(List.of(1, 2, 3), loads.get(0));
    List<Future<String>> second = on(() -> List.of(c.add(4), c.add(5)));
    settle();
    assertEquals(1, loads.size(), "nothing more goes while a load is on its way");
    on(() -> {
      pending.get(0).complete(answers(loads.get(0)));
      return null;
    });
    assertEquals("v2", await(first.get(1)));
    waitForLoads(2);
    assertEquals(List.of(4, 5), loads.get(1));
    on(() -> {
      pending.get(1).complete(answers(loads.get(1)));
      return null;
    });
    assertEquals("v5", await(second.get(1)));
  }

  @Test
  void aLoadTakesAtMostMaxRequestsAndAFailureFailsOnlyItsOwn() throws Exception {
    Coalescer<Integer, String> c = coalescer(2);
    List<Future<String>> all = on(() -> List.of(c.add(1), c.add(2), c.add(3)));
    waitForLoads(1);
    assertEquals(List.of(1, 2), loads.get(0));
    on(() -> {
      pending.get(0).fail(new IllegalStateException("boom"));
      return null;
    });
    assertTrue(all.get(0).toCompletionStage().toCompletableFuture().handle((v, e) -> e != null).get(10, TimeUnit.SECONDS));
    waitForLoads(2);
    assertEquals(List.of(3), loads.get(1));
    on(() -> {
      pending.get(1).complete(answers(loads.get(1)));
      return null;
    });
    assertEquals("v3", await(all.get(2)));
  }

  @Test
  void aLoadThatAnswersTooFewFailsItsRequests() throws Exception {
    Coalescer<Integer, String> c = coalescer(10);
    List<Future<String>> all = on(() -> List.of(c.add(1), c.add(2)));
    waitForLoads(1);
    on(() -> {
      pending.get(0).complete(new ArrayList<>(List.of("only one")));
      return null;
    });
    for (Future<String> f : all) {
      assertTrue(f.toCompletionStage().toCompletableFuture().handle((v, e) -> e != null).get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aRequestFromAnotherThreadJoinsOnTheContextAndAnswersComeBackOnTheCallersContext() throws Exception {
    Coalescer<Integer, String> c = coalescer(10);
    Future<String> offContext = c.add(7); // from the test's thread
    waitForLoads(1);
    Context[] answeredOn = new Context[1];
    Context caller = on(() -> {
      Context duplicated = ((io.vertx.core.internal.ContextInternal) Vertx.currentContext()).duplicate();
      duplicated.runOnContext(v -> c.add(8).onComplete(r -> {
        answeredOn[0] = Vertx.currentContext();
      }));
      return duplicated;
    });
    on(() -> {
      pending.get(0).complete(answers(loads.get(0)));
      return null;
    });
    assertEquals("v7", await(offContext));
    waitForLoads(2);
    on(() -> {
      pending.get(1).complete(answers(loads.get(1)));
      return null;
    });
    settle();
    assertSame(caller, answeredOn[0], "a traced caller's span lives on its duplicated context");
  }
}
