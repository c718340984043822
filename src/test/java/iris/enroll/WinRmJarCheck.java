package iris.enroll;

import iris.testing.FakeWinRm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Runs one script and one upload through WinRmShell against a local listener and exits non-zero if
 * either goes wrong. For the shaded jar, where CXF finds its parts through merged resource files:
 * {@code java -cp target/iris.jar:target/test-classes iris.enroll.WinRmJarCheck}.
 */
public final class WinRmJarCheck {
  private WinRmJarCheck() {}

  public static void main(String[] args) throws Exception {
    try (FakeWinRm host = new FakeWinRm("iris", "check-password");
        WinRmShell shell = new WinRmShell(WinRmTarget.of("127.0.0.1", "iris", "check-password")
            .withAuth(WinRmAuth.BASIC).withPort(host.port()))) {
      host.respond(s -> s.contains("hostname"), new CommandResult(7, "WIN-IRIS\r\n", "note"));
      CommandResult result = shell.run("hostname; exit 7", Duration.ofSeconds(30));
      byte[] config = "logging { level = \"info\" }\n".getBytes(StandardCharsets.UTF_8);
      shell.upload(config, "C:\\ProgramData\\Alloy\\config.alloy");
      boolean ok = result.equals(new CommandResult(7, "WIN-IRIS\r\n", "note")) && host.scripts().size() == 2;
      System.out.println((ok ? "WinRM OK: " : "WinRM FAILED: ") + result + " after " + host.actions());
      if (!ok) {
        System.exit(1);
      }
    } catch (Exception e) {
      System.out.println("WinRM FAILED: " + e + "\n" + Arrays.toString(e.getStackTrace()));
      System.exit(1);
    }
  }
}
