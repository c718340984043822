package iris.enroll;

import iris.enroll.HostFacts.DetectedService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a Linux host's detection output: /etc/os-release, uname, systemd units, listening ports, firewall. */
final class LinuxDetection {
  private LinuxDetection() {}

  /** A service is recognised by its systemd unit, or by a port only that service listens on by default. */
  private record Signature(String service, Pattern unit, int port) {}

  private static final List<Signature> SIGNATURES = List.of(
      new Signature("nginx", Pattern.compile("nginx"), -1),
      new Signature("apache", Pattern.compile("apache2|httpd"), -1),
      new Signature("mysql", Pattern.compile("mysql|mysqld|mariadb"), 3306),
      new Signature("postgresql", Pattern.compile("postgresql(@[^.]+)?"), 5432),
      new Signature("mongodb", Pattern.compile("mongod|mongodb"), 27017));

  private static final Pattern OS_RELEASE_LINE = Pattern.compile("^([A-Z_]+)=(.*)$");
  private static final Pattern LISTEN_PORT = Pattern.compile(":(\\d+)$");

  static String script(String sudo) {
    return String.join("\n",
        "# iris:detect",
        Sections.header("os-release"), "cat /etc/os-release",
        Sections.header("arch"), "uname -m",
        Sections.header("hostname"), "hostname -f 2>/dev/null || hostname",
        Sections.header("units"), "systemctl list-units --type=service --all --no-legend --plain --no-pager 2>/dev/null",
        Sections.header("ports"), sudo + "ss -ltnH 2>/dev/null || netstat -ltn 2>/dev/null",
        Sections.header("firewall"),
        "if command -v ufw >/dev/null 2>&1; then " + sudo + "ufw status 2>/dev/null | grep -q 'Status: active' && echo 'ufw active' || echo 'ufw inactive';",
        "elif command -v firewall-cmd >/dev/null 2>&1; then " + sudo + "firewall-cmd --state >/dev/null 2>&1 && echo 'firewalld running' || echo 'firewalld not running';",
        "else echo none; fi",
        "");
  }

  static HostFacts parse(String output, String fallbackHostname) throws StepFailure {
    Map<String, String> sections = Sections.parse(output);
    Map<String, String> release = osRelease(sections.getOrDefault("os-release", ""));
    if (release.isEmpty()) {
      throw new StepFailure("/etc/os-release is missing or empty: cannot tell which Linux this is");
    }
    String id = release.getOrDefault("ID", "");
    OsFamily family = OsFamily.of(id, release.getOrDefault("ID_LIKE", ""));
    String name = release.getOrDefault("PRETTY_NAME", release.getOrDefault("NAME", id));
    if (family == null) {
      throw new StepFailure("unsupported Linux: " + name + " (ID=" + id + "); Iris enrolls the Debian, RHEL and SUSE families");
    }
    String arch = sections.getOrDefault("arch", "").strip();
    if (arch.isEmpty()) {
      throw new StepFailure("uname -m printed nothing: cannot tell the architecture");
    }
    return new HostFacts(reportedHostname(sections.getOrDefault("hostname", ""), fallbackHostname), family, id,
        name, release.getOrDefault("VERSION_ID", ""), arch,
        services(sections.getOrDefault("units", ""), sections.getOrDefault("ports", "")),
        firewall(sections.getOrDefault("firewall", "none")));
  }

  private static final Pattern SAFE_HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-_]{0,252}");

  /**
   * The name the host gives itself, when it is a plain host name: it goes into labels and the
   * rendered config, so anything else (empty, quotes, spaces, localhost) falls back to the address.
   */
  static String reportedHostname(String reported, String fallback) {
    String first = reported.strip().lines().findFirst().orElse("").strip();
    // Cloned machines often still call themselves localhost: that name would merge them into one host.
    boolean generic = first.toLowerCase(java.util.Locale.ROOT).startsWith("localhost");
    return SAFE_HOSTNAME.matcher(first).matches() && !generic ? first : fallback;
  }

  static Map<String, String> osRelease(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = OS_RELEASE_LINE.matcher(line.strip());
      if (m.matches()) {
        String value = m.group(2).strip();
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        values.put(m.group(1), value);
      }
    }
    return values;
  }

  /** Active units first (they name the service exactly), then distinctive listening ports. */
  static List<DetectedService> services(String units, String ports) {
    Map<String, DetectedService> found = new LinkedHashMap<>();
    for (String line : units.split("\n")) {
      String[] columns = line.strip().split("\\s+");
      if (columns.length < 4 || !columns[0].endsWith(".service") || !"active".equals(columns[2])) {
        continue;
      }
      String unit = columns[0].substring(0, columns[0].length() - ".service".length());
      for (Signature signature : SIGNATURES) {
        if (signature.unit().matcher(unit).matches() && !found.containsKey(signature.service())) {
          found.put(signature.service(), new DetectedService(signature.service(), "unit " + columns[0] + " " + columns[3]));
        }
      }
    }
    for (int port : listeningPorts(ports)) {
      for (Signature signature : SIGNATURES) {
        if (signature.port() == port && !found.containsKey(signature.service())) {
          found.put(signature.service(), new DetectedService(signature.service(), "listening on port " + port));
        }
      }
    }
    List<DetectedService> ordered = new ArrayList<>();
    for (Signature signature : SIGNATURES) {
      if (found.containsKey(signature.service())) {
        ordered.add(found.get(signature.service()));
      }
    }
    return ordered;
  }

  /** Local ports of {@code ss -ltnH} or {@code netstat -ltn} lines: both print the local address fourth. */
  static List<Integer> listeningPorts(String ports) {
    List<Integer> result = new ArrayList<>();
    for (String line : ports.split("\n")) {
      String[] columns = line.strip().split("\\s+");
      Matcher m = columns.length >= 4 ? LISTEN_PORT.matcher(columns[3]) : null;
      if (m != null && m.find()) {
        result.add(Integer.parseInt(m.group(1)));
      }
    }
    return result;
  }

  private static String firewall(String line) {
    String state = line.strip().toLowerCase(Locale.ROOT);
    if (state.equals("ufw active")) {
      return "ufw";
    }
    if (state.equals("firewalld running")) {
      return "firewalld";
    }
    return "none";
  }
}
