package iris.enroll;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Will run SSH/WinRM enrollment jobs on the worker pool. Enrollment is not built yet: this
 * verticle deploys as a worker with no consumer and runs no job.
 */
public final class EnrollmentWorkerVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
