package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinuxPrerequisitesTest {
  private static final String DF = """
      Filesystem     1024-blocks    Used Available Capacity Mounted on
      /dev/sda1         30830592 5424512  23817120      19% /
      """;

  private static String output(String uid, String sudo, String systemd, String state, String init, String df, String reach) {
    return "==> uid <==\n" + uid + "\n==> sudo <==\n" + sudo + "\n==> systemd <==\n" + systemd + "\n==> state <==\n" + state
        + "\n==> init <==\n" + init + "\n==> df <==\n" + df + "==> reach <==\n" + reach + "\n";
  }

  @Test
  void sudoUserOnSystemdHostPasses() throws Exception {
    LinuxPrerequisites.Result result = LinuxPrerequisites.check(
        output("1000", "ok", "systemd 252 (252.30-1~deb12u2)", "running", "systemd", DF, "200 https://apt.grafana.com"), "deploy", 500, true);
    assertFalse(result.root());
    assertEquals("sudo -n ", result.sudo());
    assertEquals(23817120 / 1024, result.freeMb());
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    String lowDisk = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 1048576 1000000 48576 96% /\n";
    StepFailure e = assertThrows(StepFailure.class, () -> LinuxPrerequisites.check(
        output("1000", "denied", "", "", "bash", lowDisk, "000 https://apt.grafana.com"), "deploy", 500, true));
    assertTrue(e.getMessage().contains("cannot use sudo without a password"), e.getMessage());
    assertTrue(e.getMessage().contains("systemd is not managing this host"), e.getMessage());
    assertTrue(e.getMessage().contains("only 47 MiB free"), e.getMessage());
    assertTrue(e.getMessage().contains("cannot reach the package source https://apt.grafana.com"), e.getMessage());
  }

  @Test
  void containerWithoutSystemdAsInitFailsButAManagedStateCounts() throws Exception {
    assertThrows(StepFailure.class, () -> LinuxPrerequisites.check(
        output("0", "ok", "systemd 252 (252.30-1~deb12u2)", "offline", "bash", DF, "skipped"), "root", 500, true));
    assertTrue(LinuxPrerequisites.check(
        output("0", "ok", "systemd 252 (252.30-1~deb12u2)", "degraded", "sshd", DF, "skipped"), "root", 500, true).root());
  }
}
