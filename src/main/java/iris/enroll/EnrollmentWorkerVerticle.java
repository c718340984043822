package iris.enroll;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.Components;
import iris.EventAddress;
import iris.IrisConfig;
import iris.enroll.EnrollmentRequest.Credential;
import iris.enroll.EnrollmentStore.Claimed;
import iris.prometheus.PrometheusClient;
import iris.registry.HostStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs enrollment jobs. Jobs are rows in PostgreSQL: this verticle claims queued ones (woken by
 * {@code iris.enroll.job}, and by a timer so nothing waits on a lost message), runs each on its own
 * thread of a worker pool (SSH and WinRM block), keeps their leases alive, and puts back the jobs
 * of a node that died.
 */
public final class EnrollmentWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EnrollmentWorkerVerticle.class);
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final long POLL_MS = 5_000;

  private final Components components;
  private final Set<Long> running = ConcurrentHashMap.newKeySet();
  private WorkerExecutor executor;
  private EnrollmentStore store;
  private EnrollmentRun run;
  private final SecretBox secrets;
  private HostStore hosts;
  private SshClients sshClients;
  private boolean claiming;

  public EnrollmentWorkerVerticle(Components components, SecretBox secrets) {
    this.components = components;
    this.secrets = secrets;
  }

  @Override
  public Future<?> start() {
    IrisConfig config = components.config();
    store = new EnrollmentStore(components.pool());
    hosts = new HostStore(components.pool());
    AlloyTemplates templates = new AlloyTemplates(components.templates(), new AlloyTemplateStore(components.pool()));
    sshClients = SshClients.start();
    run = new EnrollmentRun(new EnrollmentRun.Deps(config, store, templates,
        new HostRegistration(hosts, new PrometheusClient(components.http()), components.clock()), hosts,
        new SshConnector(sshClients, config.enroll()), new WinRmConnector(config.enroll()), vertx.eventBus()));
    executor = vertx.createSharedWorkerExecutor("iris-enroll", config.enroll().concurrency(), 2, java.util.concurrent.TimeUnit.HOURS);
    vertx.setPeriodic(POLL_MS, id -> tick());
    vertx.setPeriodic(LEASE.toMillis() / 3, id -> store.extendLeases(List.copyOf(running), LEASE)
        .onFailure(e -> LOG.warn("Cannot extend enrollment leases: {}", e.getMessage())));
    return EventAddress.ENROLL_JOB.consumer(vertx.eventBus(), queued -> claim()).completion()
        .onSuccess(v -> tick());
  }

  @Override
  public Future<?> stop() {
    if (sshClients != null) {
      sshClients.close();
    }
    return executor == null ? Future.succeededFuture() : executor.close();
  }

  private void tick() {
    store.recoverExpired(components.config().enroll().maxAttempts())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.warn("{} enrollment job(s) of a stopped node queued again or failed", n);
          }
        })
        .onComplete(v -> claim());
  }

  /** Claims as many jobs as there are free threads; one claim at a time per node. */
  private void claim() {
    int free = components.config().enroll().concurrency() - running.size();
    if (claiming || free <= 0) {
      return;
    }
    claiming = true;
    store.claim(free, LEASE).onComplete(result -> {
      claiming = false;
      if (result.failed()) {
        LOG.warn("Cannot claim enrollment jobs: {}", result.cause().getMessage());
        return;
      }
      result.result().forEach(this::start);
      if (result.result().size() == free) {
        claim();
      }
    });
  }

  private void start(Claimed job) {
    running.add(job.id());
    long startedNanos = System.nanoTime();
    executor.executeBlocking(() -> execute(job), false).onComplete(done -> {
      EnrollmentRun.Outcome outcome = done.succeeded() ? done.result()
          : new EnrollmentRun.Outcome(false, "internal error: " + done.cause(), job.hostId(), null);
      if (done.failed()) {
        LOG.error("Enrollment job {} failed unexpectedly", job.id(), done.cause());
      }
      String state = outcome.succeeded() ? "succeeded" : "failed";
      io.micrometer.core.instrument.Timer.builder("iris_enrollment_job_duration")
          .description("How long enrollment and unenrollment jobs ran, by kind and outcome")
          .tag("kind", job.kind()).tag("state", state).register(components.registry())
          .record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      store.finish(job.id(), job.attempts(), outcome.succeeded(), outcome.error(), outcome.hostId())
          .onSuccess(recorded -> {
            if (!recorded) {
              LOG.warn("Enrollment job {} was taken over by another node while this one ran it (attempt {}); its result stands",
                  job.id(), job.attempts());
            }
          })
          .onFailure(e -> LOG.error("Cannot record the end of enrollment job {}: {}", job.id(), e.getMessage()))
          .onComplete(v -> {
            running.remove(job.id());
            List<String> maintainers = new ArrayList<>();
            job.request().getJsonArray("maintainers", new JsonArray()).forEach(name -> maintainers.add(String.valueOf(name)));
            EventAddress.ENROLL_FINISHED.send(vertx.eventBus(), new EnrollmentFinished(job.id(), job.kind(), state,
                outcome.hostId(), outcome.hostname(), job.request().getString("address"), outcome.error(), maintainers));
            claim();
          });
    });
  }

  /** On a worker thread. */
  private EnrollmentRun.Outcome execute(Claimed job) throws Exception {
    Await.result(store.clearSteps(job.id()), Duration.ofSeconds(30));
    Credential credential = null;
    if (job.sealedAuth() != null) {
      try {
        credential = Credential.fromJson(new JsonObject(secrets.unseal(job.sealedAuth())));
      } catch (java.security.GeneralSecurityException e) {
        return new EnrollmentRun.Outcome(false, "connect: the stored credential cannot be unsealed: the enrollment key"
            + " (enroll.secret_key) is not the one it was sealed with", job.hostId(), null);
      }
    }
    if (job.kind().equals("unenroll")) {
      return unenroll(job);
    }
    return run.enroll(job.id(), job.batchId(), EnrollmentRequest.fromStored(job.request(), credential), credential);
  }

  private EnrollmentRun.Outcome unenroll(Claimed job) throws Exception {
    // From the request: the row's host_id is cleared once the host is forgotten, and a re-run must still know it.
    long hostId = job.request().getLong("host_id");
    JsonObject host = Await.result(hosts.find(hostId), Duration.ofSeconds(30));
    if (host == null) {
      return new EnrollmentRun.Outcome(true, null, hostId, null);
    }
    boolean stopAgent = job.request().getBoolean("stop_agent", false);
    EnrollmentRequest lastRequest = null;
    Credential credential = null;
    if (stopAgent) {
      Claimed last = Await.result(store.lastEnrollmentOf(hostId), Duration.ofSeconds(30));
      if (last != null && last.sealedAuth() != null) {
        try {
          credential = Credential.fromJson(new JsonObject(secrets.unseal(last.sealedAuth())));
          lastRequest = EnrollmentRequest.fromStored(last.request(), credential);
        } catch (java.security.GeneralSecurityException e) {
          lastRequest = null;
        }
      }
    }
    return run.unenroll(job.id(), hostId, host, stopAgent, lastRequest, credential);
  }
}
