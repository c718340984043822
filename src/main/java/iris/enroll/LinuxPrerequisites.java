package iris.enroll;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a Linux host can take Alloy before anything is changed on it: root or password-less
 * sudo, systemd, free disk under /var/lib, and (unless the package is uploaded) the package source
 * within reach.
 */
final class LinuxPrerequisites {
  private LinuxPrerequisites() {}

  /** {@code systemctl is-system-running} answers these when systemd manages the machine. */
  private static final Set<String> SYSTEMD_STATES = Set.of("running", "degraded", "starting", "initializing", "maintenance");

  /** What the checks found: whether commands need {@code sudo}, and the host's free space. */
  record Result(boolean root, long freeMb) {
    /** Prefix for commands that need root. */
    String sudo() {
      return root ? "" : "sudo -n ";
    }
  }

  /**
   * @param reachUrl a shell word giving the package source to try ({@code 'https://…'} or a command
   *     substitution), or empty when the package is uploaded over SFTP
   */
  static String script(String reachUrl) {
    String reach = reachUrl.isEmpty()
        ? "echo skipped"
        : "url=" + reachUrl + "; if command -v curl >/dev/null 2>&1; then code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 \"$url\" 2>/dev/null || true);"
            + " echo \"${code:-000} $url\"; else echo \"no-curl $url\"; fi";
    return String.join("\n",
        "# iris:prerequisites",
        Sections.header("uid"), "id -u",
        Sections.header("sudo"), "if [ \"$(id -u)\" = 0 ] || sudo -n true 2>/dev/null; then echo ok; else echo denied; fi",
        Sections.header("systemd"), "systemctl --version 2>/dev/null | head -n 1",
        Sections.header("state"), "systemctl is-system-running 2>/dev/null",
        Sections.header("init"), "ps -p 1 -o comm= 2>/dev/null || cat /proc/1/comm",
        Sections.header("df"), "df -Pk /var/lib",
        Sections.header("reach"), reach,
        "");
  }

  static Result check(String output, String username, long minFreeMb, boolean reachChecked) throws StepFailure {
    Map<String, String> sections = Sections.parse(output);
    List<String> problems = new ArrayList<>();
    boolean root = "0".equals(sections.getOrDefault("uid", "").strip());
    if (!root && !"ok".equals(sections.getOrDefault("sudo", "").strip())) {
      problems.add("user '" + username + "' is not root and cannot use sudo without a password (sudo -n true was refused)");
    }
    String systemd = sections.getOrDefault("systemd", "").strip();
    String init = sections.getOrDefault("init", "").strip();
    String state = sections.getOrDefault("state", "").strip();
    if (!systemd.startsWith("systemd") || !(init.equals("systemd") || SYSTEMD_STATES.contains(state))) {
      problems.add("systemd is not managing this host (" + (systemd.isEmpty() ? "no systemctl" : systemd) + ", pid 1 is '"
          + init + "'" + (state.isEmpty() ? "" : ", state " + state) + "): Alloy runs as a systemd service");
    }
    long freeMb = freeMb(sections.getOrDefault("df", ""));
    if (freeMb < 0) {
      problems.add("df -Pk /var/lib printed nothing readable: cannot tell the free disk space");
    } else if (freeMb < minFreeMb) {
      problems.add("only " + freeMb + " MiB free under /var/lib; Alloy needs at least " + minFreeMb + " MiB");
    }
    String[] reach = sections.getOrDefault("reach", "").strip().split("\\s+", 2);
    String url = reach.length > 1 ? " " + reach[1] : "";
    if (reachChecked && !reach[0].equals("skipped")) {
      if (reach[0].equals("no-curl")) {
        problems.add("curl is not installed on the host: install it, or enroll with alloy source 'upload'");
      } else if (reach[0].isEmpty() || reach[0].startsWith("000")) {
        problems.add("the host cannot reach the package source" + url
            + ": use an internal mirror (alloy source 'mirror') or upload the package (alloy source 'upload')");
      }
    }
    if (!problems.isEmpty()) {
      throw new StepFailure(String.join("; ", problems), output);
    }
    return new Result(root, freeMb);
  }

  /** Free MiB from the data line of {@code df -Pk}: the fourth column is available 1K blocks. */
  static long freeMb(String df) {
    for (String line : df.split("\n")) {
      String[] columns = line.strip().split("\\s+");
      if (columns.length >= 6 && columns[3].matches("\\d+")) {
        return Long.parseLong(columns[3]) / 1024;
      }
    }
    return -1;
  }
}
