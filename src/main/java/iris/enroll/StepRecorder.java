package iris.enroll;

import io.vertx.core.eventbus.EventBus;
import iris.EventAddress;
import java.time.Duration;

/**
 * Runs a job's steps in order and records each (name, state, times, output excerpt, error) in
 * the database, announcing it on {@code iris.live.enrollment} for the dashboard. The first step
 * that fails ends the job with that step named.
 */
final class StepRecorder {
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);
  private static final int OUTPUT_CHARS = 4_000;

  /** A step's work: what it printed (kept as the step's output), or a failure. */
  interface Work {
    String run() throws Exception;
  }

  /** The step that failed, and why in the operator's words. */
  static final class JobFailed extends Exception {
    JobFailed(String step, String message) {
      super(step + ": " + message, null, false, false);
    }
  }

  private final EnrollmentStore store;
  private final EventBus bus;
  private final long jobId;
  private final Long batchId;
  private final String target;
  private int position;

  StepRecorder(EnrollmentStore store, EventBus bus, long jobId, Long batchId, String target) {
    this.store = store;
    this.bus = bus;
    this.jobId = jobId;
    this.batchId = batchId;
    this.target = target;
  }

  void step(String name, int percent, Work work) throws JobFailed {
    int at = position++;
    record(() -> store.stepStarted(jobId, at, name, percent));
    announce(name, "running", percent, null);
    try {
      String output = work.run();
      record(() -> store.stepFinished(jobId, at, "succeeded", clip(output), null));
      announce(name, "succeeded", percent, null);
    } catch (StepFailure e) {
      fail(at, name, percent, e.getMessage(), e.output());
    } catch (RemoteShellException e) {
      fail(at, name, percent, e.getMessage(), "");
    } catch (Exception e) {
      fail(at, name, percent, e.getMessage() == null ? e.toString() : e.getMessage(), "");
    }
  }

  void skipped(String name, int percent, String why) {
    int at = position++;
    record(() -> store.stepStarted(jobId, at, name, percent));
    record(() -> store.stepFinished(jobId, at, "skipped", why, null));
    announce(name, "skipped", percent, null);
  }

  void finished(String state, String error) {
    announce("done", state, 100, error);
  }

  private void fail(int at, String name, int percent, String message, String output) throws JobFailed {
    record(() -> store.stepFinished(jobId, at, "failed", clip(output), message));
    announce(name, "failed", percent, message);
    throw new JobFailed(name, message);
  }

  private void announce(String step, String state, int percent, String error) {
    EventAddress.LIVE_ENROLLMENT.publish(bus, new EnrollmentProgress(jobId, batchId, target, step, state, percent, error));
  }

  /** A lost step record must not fail the enrollment itself: the job's final row still tells. */
  private static void record(java.util.function.Supplier<io.vertx.core.Future<Void>> write) {
    try {
      Await.result(write.get(), DB_TIMEOUT);
    } catch (StepFailure e) {
      org.slf4j.LoggerFactory.getLogger(StepRecorder.class).warn("could not record an enrollment step: {}", e.getMessage());
    }
  }

  private static String clip(String output) {
    if (output == null) {
      return null;
    }
    String s = output.strip();
    return s.length() <= OUTPUT_CHARS ? s : "…" + s.substring(s.length() - OUTPUT_CHARS);
  }
}
