package iris.enroll;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import iris.IrisConfig;
import iris.enroll.EnrollmentRequest.Credential;
import iris.enroll.StepRecorder.JobFailed;
import iris.prometheus.PrometheusInstance;
import iris.prometheus.TargetFiles;
import iris.registry.HostStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One enrollment, start to end, on a worker thread: connect, prerequisites, detect, install,
 * configure, firewall, start, register, verify. Each step is recorded; the first failure ends
 * the job and names the step.
 */
final class EnrollmentRun {
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

  /** What a run needs from the rest of Iris. */
  record Deps(IrisConfig config, EnrollmentStore store, AlloyTemplates templates, HostRegistration registration,
              HostStore hosts, ShellConnector ssh, ShellConnector winrm, EventBus bus) {}

  /** How a job ended. */
  record Outcome(boolean succeeded, String error, Long hostId, String hostname) {}

  private final Deps deps;

  EnrollmentRun(Deps deps) {
    this.deps = deps;
  }

  Outcome enroll(long jobId, Long batchId, EnrollmentRequest request, Credential credential) {
    StepRecorder steps = new StepRecorder(deps.store(), deps.bus(), jobId, batchId, request.target());
    IrisConfig.Enroll settings = deps.config().enroll();
    PrometheusInstance instance = instanceFor(request);
    String[] hostname = {request.hostname() != null ? request.hostname() : request.address()};
    ShellConnector.Connection[] connection = new ShellConnector.Connection[1];
    try {
      if (instance == null) {
        steps.step("connect", 5, () -> {
          throw new StepFailure("no Prometheus instance serves environment '" + request.environment() + "'"
              + (request.prometheus() == null ? "" : " under the name '" + request.prometheus() + "'"));
        });
      }
      steps.step("connect", 5, () -> {
        connection[0] = connect(request, credential);
        String key = connection[0].hostKeyFingerprint();
        try {
          Await.result(deps.store().facts(jobId, new JsonObject(), key), DB_TIMEOUT);
        } catch (StepFailure e) {
          connection[0].shell().close();
          throw e;
        }
        return "connected to " + request.address() + ":" + request.port() + " as " + request.username()
            + (key == null ? "" : "; host key " + key + (connection[0].trustedOnFirstUse() ? " (trusted on first use)" : " (verified)"));
      });
      try (RemoteShell shell = connection[0].shell()) {
        HostSteps host = hostSteps(request, shell, settings);
        HostFacts[] facts = new HostFacts[1];
        steps.step("prerequisites", 15, host::prerequisites);
        steps.step("detect", 25, () -> {
          facts[0] = host.detect();
          if (request.hostname() == null) {
            hostname[0] = facts[0].hostname();
          }
          Await.result(deps.store().facts(jobId, facts[0].toJson(), null), DB_TIMEOUT);
          return facts[0].osName() + " (" + facts[0].family().label() + ", " + facts[0].arch() + "); services: "
              + (facts[0].services().isEmpty() ? "none besides the host itself" : String.join(", ", facts[0].serviceNames()));
        });
        steps.step("install", 50, host::install);
        AlloyConfig[] config = new AlloyConfig[1];
        steps.step("configure", 65, () -> {
          Map<String, String> sources = Await.result(deps.templates().sourcesFor(facts[0]), DB_TIMEOUT);
          config[0] = deps.templates().render(sources, AlloyModel.of(facts[0], hostname[0], request.address(), request.environment(),
              request.labels(), instance, settings.alloy()));
          return "templates " + String.join(", ", sources.keySet()) + "\n" + host.configure(config[0]);
        });
        steps.step("firewall", 70, host::firewall);
        steps.step("start", 80, host::start);
        long[] hostId = new long[1];
        steps.step("register", 90, () -> {
          hostId[0] = deps.registration().recordHost(new HostStore.Enrolled(hostname[0], request.address(),
              facts[0].osName(), facts[0].osVersion(), facts[0].arch(), request.environment(),
              HostRegistration.labelsJson(request.labels()), request.services(), request.maintainers(), instance.name(),
              settings.alloy().version()), request.replace());
          return "host " + hostId[0] + " (" + hostname[0] + ") recorded; " + deps.registration().register(instance, hostId[0],
              hostname[0], request.address(), settings.alloy().port(), request.environment(), request.labels(), config[0]);
        });
        if (instance.hasApi()) {
          steps.step("verify", 100, () -> deps.registration().verify(instance, hostId[0], config[0].exporters().size(),
              deps.config().prometheusVerifyTimeout()));
        } else {
          steps.skipped("verify", 100, "Prometheus " + instance.name() + " has no URL configured: nothing to ask");
        }
        steps.finished("succeeded", null);
        return new Outcome(true, null, hostId[0], hostname[0]);
      }
    } catch (JobFailed e) {
      steps.finished("failed", e.getMessage());
      return new Outcome(false, e.getMessage(), null, hostname[0]);
    }
  }

  /** Removes a host's targets from every instance and, when asked, stops its agent; then its row. */
  Outcome unenroll(long jobId, long hostId, JsonObject host, boolean stopAgent, EnrollmentRequest lastRequest, Credential credential) {
    StepRecorder steps = new StepRecorder(deps.store(), deps.bus(), jobId, null, "host-" + hostId);
    String hostname = host.getString("hostname");
    try {
      if (stopAgent) {
        steps.step("stop agent", 30, () -> {
          if (lastRequest == null) {
            throw new StepFailure("no successful enrollment of this host holds a credential to log in with");
          }
          try (RemoteShell shell = connect(lastRequest, credential).shell()) {
            return hostSteps(lastRequest, shell, deps.config().enroll()).stop();
          }
        });
      }
      // No reload after a removal: file_sd drops a deleted file's targets by itself, and a reload
      // right after the deletion leaves them active (prometheus/prometheus#9211).
      steps.step("remove targets", 70, () -> {
        StringBuilder done = new StringBuilder();
        for (PrometheusInstance instance : deps.config().prometheus()) {
          if (TargetFiles.remove(instance.targetsDir(), hostId)) {
            done.append("removed ").append(TargetFiles.fileFor(instance.targetsDir(), hostId)).append('\n');
          }
        }
        return done.length() == 0 ? "no target file was left" : done.toString();
      });
      steps.step("forget host", 100, () -> Await.result(deps.hosts().delete(hostId), DB_TIMEOUT)
          ? "host " + hostId + " (" + hostname + ") removed from the registry" : "the host row was already gone");
      steps.finished("succeeded", null);
      // The host row is gone: the job keeps no reference to it.
      return new Outcome(true, null, null, hostname);
    } catch (JobFailed e) {
      steps.finished("failed", e.getMessage());
      return new Outcome(false, e.getMessage(), hostId, hostname);
    }
  }

  private ShellConnector.Connection connect(EnrollmentRequest request, Credential credential) throws Exception {
    if (request.windows()) {
      return deps.winrm().connect(request, credential);
    }
    return deps.ssh().connect(request, credential);
  }

  private HostSteps hostSteps(EnrollmentRequest request, RemoteShell shell, IrisConfig.Enroll settings) {
    IrisConfig.Alloy alloy = settings.alloy();
    AlloyPackage pkg = new AlloyPackage(request.alloySource() != null ? request.alloySource() : alloy.source(), alloy.version(),
        alloy.mirrorUrl(), alloy.artifactDir(), alloy.packageName(), "amd64");
    if (request.windows()) {
      return new WindowsSteps(shell, settings, pkg, request.address());
    }
    return new LinuxSteps(shell, settings, pkg, request.username(), request.address());
  }

  private PrometheusInstance instanceFor(EnrollmentRequest request) {
    List<PrometheusInstance> instances = deps.config().prometheus();
    if (request.prometheus() != null) {
      return instances.stream().filter(i -> i.name().equals(request.prometheus())).findFirst().orElse(null);
    }
    return PrometheusInstance.forEnvironment(instances, request.environment());
  }
}
