package iris.enroll;

import iris.IrisConfig;
import java.nio.file.Files;
import java.time.Duration;

/** Enrollment of a Debian, RHEL or SUSE host over SSH, one script per step. */
final class LinuxSteps implements HostSteps {
  private static final Duration FACT_TIMEOUT = Duration.ofSeconds(60);

  private final RemoteShell shell;
  private final IrisConfig.Enroll settings;
  private final AlloyPackage alloyPackage;
  private final String username;
  private final String fallbackHostname;
  private LinuxPrerequisites.Result access = new LinuxPrerequisites.Result(false, -1);
  private HostFacts facts;

  LinuxSteps(RemoteShell shell, IrisConfig.Enroll settings, AlloyPackage alloyPackage, String username, String fallbackHostname) {
    this.shell = shell;
    this.settings = settings;
    this.alloyPackage = alloyPackage;
    this.username = username;
    this.fallbackHostname = fallbackHostname;
  }

  @Override
  public String prerequisites() throws Exception {
    String reachUrl = LinuxScripts.reachUrl(alloyPackage);
    CommandResult result = shell.run(LinuxPrerequisites.script(reachUrl), FACT_TIMEOUT);
    if (!result.ok() && result.stdout().isBlank()) {
      throw new StepFailure("the prerequisites script failed (exit " + result.exitCode() + ")", result.excerpt());
    }
    access = LinuxPrerequisites.check(result.stdout(), username, settings.minFreeMb(), !reachUrl.isEmpty());
    return (access.root() ? "root" : "sudo without password") + ", systemd present, " + access.freeMb() + " MiB free under /var/lib";
  }

  @Override
  public HostFacts detect() throws Exception {
    CommandResult result = shell.run(LinuxDetection.script(access.sudo()), FACT_TIMEOUT);
    facts = LinuxDetection.parse(result.stdout(), fallbackHostname);
    return facts;
  }

  @Override
  public String install() throws Exception {
    AlloyPackage pkg = alloyPackage.forArch(facts.packageArch());
    if (pkg.source().equals("upload")) {
      var artifact = pkg.artifact(facts.family());
      if (!Files.isRegularFile(artifact)) {
        throw new StepFailure("the package " + artifact.getFileName() + " is not in Iris's artifact cache " + pkg.artifactDir()
            + ": put it there (Grafana publishes it with each Alloy release) or choose another alloy source");
      }
      shell.upload(Files.readAllBytes(artifact), LinuxScripts.UPLOADED_PACKAGE + "." + facts.family().packageFormat());
    }
    return run(LinuxScripts.install(facts.family(), pkg, access.sudo()), "installing Alloy " + pkg.version() + " with "
        + facts.family().packageManager() + " failed");
  }

  @Override
  public String configure(AlloyConfig config) throws Exception {
    return run(LinuxScripts.configure(facts.family(), config.text(), settings.alloy().port(), access.sudo()),
        "config.alloy was not written");
  }

  @Override
  public String firewall() throws Exception {
    return run(LinuxScripts.firewall(facts.firewall(), settings.alloy().port(), access.sudo()),
        "opening port " + settings.alloy().port() + " in " + facts.firewall() + " failed");
  }

  @Override
  public String start() throws Exception {
    return run(LinuxScripts.start(settings.alloy().port(), settings.alloy().readyTimeout().toSeconds(), access.sudo()),
        "Alloy did not start");
  }

  @Override
  public String stop() throws Exception {
    CommandResult uid = shell.run("# iris:prerequisites\nid -u\n", FACT_TIMEOUT);
    String sudo = "0".equals(uid.stdout().strip()) ? "" : "sudo -n ";
    return run(LinuxScripts.stop(sudo), "stopping Alloy failed");
  }

  /** Runs a step script; a non-zero exit is the step's failure, with the tail of its output. */
  private String run(String script, String failure) throws Exception {
    return shell.run(script, settings.stepTimeout()).excerptOrFail(failure);
  }
}
