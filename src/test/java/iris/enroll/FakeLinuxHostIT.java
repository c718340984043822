package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.testing.FakeLinuxHost;
import iris.testing.HostService;
import iris.testing.LinuxDistro;
import iris.testing.StepReply;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake host answers as its personality and options say, so enrollment tests can trust it. */
class FakeLinuxHostIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static SshClients clients;

  @BeforeAll
  static void startClient() {
    clients = SshClients.start();
  }

  @AfterAll
  static void stopClient() {
    clients.close();
  }

  private static CommandResult run(FakeLinuxHost host, String script) throws Exception {
    try (SshShell shell = SshShell.connect(clients, SshTarget.to(host.host(), host.port(), "root")
        .password("pw").pinnedFingerprint(host.hostKeyFingerprint()).build())) {
      return shell.run(script, TIMEOUT);
    }
  }

  @Test
  void rhelDetectShowsItsUnitsPortsAndFirewall() throws Exception {
    try (FakeLinuxHost host = FakeLinuxHost.builder(LinuxDistro.RHEL9).password("root", "pw").arch("aarch64")
        .services(HostService.APACHE, HostService.POSTGRESQL).start()) {
      String out = run(host, "# iris:detect\n").stdout();

      assertTrue(out.contains("==> os-release <==\nNAME=\"Red Hat Enterprise Linux\"\n"), out);
      assertTrue(out.contains("==> arch <==\naarch64\n"), out);
      assertTrue(out.matches("(?s).*\nhttpd\\.service +loaded +active +running +The Apache HTTP Server\n.*"), out);
      assertTrue(out.matches("(?s).*\nLISTEN +0 +511 +\\*:80 .*"), out);
      assertTrue(out.contains("127.0.0.1:5432"), out);
      assertTrue(out.endsWith("==> firewall <==\nfirewalld running\n"), out);
    }
  }

  @Test
  void installIsRecordedAndAnsweredInTheFamilysPackageManagerWords() throws Exception {
    try (FakeLinuxHost host = FakeLinuxHost.builder("rocky9").password("root", "pw").start()) {
      CommandResult result = run(host, "# iris:install\ndnf -y install alloy-1.5.1\n");

      assertEquals(0, result.exitCode());
      assertTrue(result.stdout().contains("Installing       : alloy-1.5.1-1.x86_64"), result.stdout());
      assertTrue(host.lastScript("install").contains("dnf -y install alloy-1.5.1"));
      assertEquals(java.util.List.of("install"), host.steps());
    }
  }

  @Test
  void aContainerWithoutSystemdSaysSoAndCannotStartAlloy() throws Exception {
    try (FakeLinuxHost host = FakeLinuxHost.builder("debian12").password("root", "pw").noSystemd().start()) {
      String prerequisites = run(host, "# iris:prerequisites\n").stdout();
      CommandResult start = run(host, "# iris:start\n");

      assertTrue(prerequisites.contains("==> systemd <==\n==> init <==\nbash\n"), prerequisites);
      assertEquals(1, start.exitCode());
      assertTrue(start.stderr().contains("System has not been booted with systemd"), start.stderr());
    }
  }

  @Test
  void lowDiskUnreachableSourceAndNoSudoShowInPrerequisitesAndFailInstall() throws Exception {
    try (FakeLinuxHost host = FakeLinuxHost.builder("suse15").password("root", "pw").lowDisk().start()) {
      assertTrue(run(host, "# iris:prerequisites\n").stdout().contains("    184320 "));
      assertEquals(8, run(host, "# iris:install\n").exitCode());
    }
    try (FakeLinuxHost host = FakeLinuxHost.builder("ubuntu2404").password("root", "pw").packageSourceUnreachable().start()) {
      assertTrue(run(host, "# iris:prerequisites\n").stdout().contains("==> reach <==\n000\n"));
      CommandResult install = run(host, "# iris:install\n");
      assertEquals(100, install.exitCode());
      assertTrue(install.stderr().contains("E: Unable to locate package alloy"), install.stderr());
    }
    try (FakeLinuxHost host = FakeLinuxHost.builder("rhel9").password("root", "pw").notRoot(false).start()) {
      assertTrue(run(host, "# iris:prerequisites\n").stdout().startsWith("==> uid <==\n1000\n==> sudo <==\ndenied\n"));
      assertEquals("sudo: a password is required\n", run(host, "# iris:install\n").stderr());
    }
  }

  @Test
  void injectedFailuresReplaceTheAnswerAlwaysOrOnce() throws Exception {
    try (FakeLinuxHost host = FakeLinuxHost.builder("debian12").password("root", "pw")
        .failStep("configure", StepReply.alloyFmtError()).start()) {
      host.failStepOnce("install", StepReply.aptLockHeld());

      assertEquals(1, run(host, "# iris:configure\n").exitCode());
      assertEquals(100, run(host, "# iris:install\n").exitCode());
      assertEquals(0, run(host, "# iris:install\n").exitCode());
      assertTrue(run(host, "# iris:configure\n").stderr().startsWith("Error: /etc/alloy/config.alloy:14:1"));
    }
  }
}
