package iris.metrics;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The {@code metrics-snapshots-prune} job: snapshots (and instance failures) older than the
 * retention are deleted in batches of {@code batch} rows, one statement each, so no delete holds
 * many locks or one long transaction; it goes on until a batch comes back short, or the run has
 * deleted {@code maxBatches} batches (the next run goes on from there).
 */
public final class Pruning {
  private final SnapshotStore store;
  private final Clock clock;
  private final Duration retention;
  private final int batch;
  private final int maxBatches;

  public Pruning(SnapshotStore store, Clock clock, Duration retention, int batch, int maxBatches) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
    this.batch = batch;
    this.maxBatches = maxBatches;
  }

  /** What one run deleted, and in how many statements. */
  public record Pruned(int snapshots, int failures, int batches) {}

  public Future<Pruned> run() {
    Instant before = clock.instant().minus(retention);
    return snapshots(before, new Pruned(0, 0, 0))
        .compose(p -> store.pruneFailures(before, batch * 10).map(f -> new Pruned(p.snapshots(), f, p.batches())));
  }

  private Future<Pruned> snapshots(Instant before, Pruned so) {
    if (so.batches() >= maxBatches) {
      return Future.succeededFuture(so);
    }
    return store.pruneSnapshots(before, batch).compose(deleted -> {
      Pruned now = new Pruned(so.snapshots() + deleted, 0, so.batches() + 1);
      return deleted < batch ? Future.succeededFuture(now) : snapshots(before, now);
    });
  }
}
