package iris.enroll;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a Vert.x future from a worker thread (never from an event loop). */
final class Await {
  private Await() {}

  static <T> T result(Future<T> future, Duration timeout) throws StepFailure {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new StepFailure(cause.getMessage() == null ? cause.toString() : cause.getMessage());
    } catch (TimeoutException e) {
      throw new StepFailure("no answer within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailure("interrupted: Iris is stopping");
    }
  }
}
