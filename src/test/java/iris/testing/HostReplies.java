package iris.testing;

import iris.testing.HostService.Listener;
import iris.testing.HostService.Unit;
import iris.testing.LinuxDistro.Family;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a fake host's tools print for each enrollment step, from its personality and from what
 * earlier steps changed (Alloy installed, Alloy running). Section output follows the contract
 * of Iris's scripts: a line {@code ==> NAME <==} starts each section.
 */
final class HostReplies {
  static final String DEFAULT_ALLOY_VERSION = "1.5.1";
  private static final Pattern ALLOY_VERSION = Pattern.compile("alloy[=-](\\d+\\.\\d+\\.\\d+)");
  private static final String NO_SYSTEMD = """
      System has not been booted with systemd as init system (PID 1). Can't operate.
      Failed to connect to bus: Host is down
      """;
  private static final String SUDO_DENIED = "sudo: a password is required\n";
  private static final long TOTAL_KB = 20_466_256;
  private static final long ALLOY_NEEDS_KB = 351_232;

  record Settings(LinuxDistro distro, String arch, Set<HostService> services, boolean systemd, long diskAvailableKb,
                  int uid, boolean sudo, boolean packageSourceReachable, String firewall, String hostname) {}

  private final Settings settings;
  private volatile boolean alloyInstalled;
  private volatile boolean alloyRunning;
  private volatile String alloyVersion = DEFAULT_ALLOY_VERSION;

  HostReplies(Settings settings) {
    this.settings = settings;
  }

  StepReply reply(String step, String script) {
    if (isPrivileged(step) && settings.uid != 0 && !settings.sudo) {
      return StepReply.failed(1, SUDO_DENIED);
    }
    return switch (step) {
      case "prerequisites" -> prerequisites();
      case "detect" -> detect();
      case "install" -> install(script);
      case "configure" -> StepReply.ok("");
      case "firewall" -> firewall();
      case "start" -> start();
      case "verify" -> verify();
      case "unenroll" -> unenroll();
      default -> StepReply.ok("");
    };
  }

  private static boolean isPrivileged(String step) {
    return Set.of("install", "configure", "firewall", "start", "unenroll").contains(step);
  }

  private StepReply prerequisites() {
    Sections out = new Sections();
    out.section("uid", String.valueOf(settings.uid));
    out.section("sudo", settings.uid == 0 || settings.sudo ? "ok" : "denied");
    out.section("systemd", settings.systemd ? settings.distro.systemdVersion : "");
    out.section("init", settings.systemd ? "systemd" : "bash");
    out.section("df", df());
    out.section("reach", settings.packageSourceReachable ? "200" : "000");
    String stderr = (settings.uid == 0 || settings.sudo ? "" : SUDO_DENIED)
        + (settings.systemd ? "" : "sh: 1: systemctl: not found\n")
        + (settings.packageSourceReachable ? "" : "curl: (28) Connection timed out after 5001 milliseconds\n");
    return new StepReply(0, out.text(), stderr);
  }

  private String df() {
    long available = settings.diskAvailableKb;
    long used = Math.max(0, TOTAL_KB - available - TOTAL_KB / 20); // ext4 reserves 5% for root
    long capacity = (used * 100 + used + available - 1) / (used + available);
    String device = settings.distro.rootDevice;
    int width = Math.max(14, device.length());
    return String.format("%-" + width + "s %11s %7s %9s %8s %s%n", "Filesystem", "1024-blocks", "Used", "Available", "Capacity", "Mounted on")
        + String.format("%-" + width + "s %11d %7d %9d %7d%% %s", device, TOTAL_KB, used, available, capacity, settings.distro.varLibMount);
  }

  private StepReply detect() {
    Sections out = new Sections();
    if (settings.hostname != null) {
      out.section("hostname", settings.hostname);
    }
    out.section("os-release", resource(settings.distro.id + "/os-release").stripTrailing());
    out.section("arch", settings.arch);
    out.section("units", settings.systemd ? units() : "");
    out.section("ports", ports());
    out.section("firewall", settings.firewall);
    return new StepReply(0, out.text(), settings.systemd ? "" : NO_SYSTEMD);
  }

  private String units() {
    List<Unit> units = new ArrayList<>();
    for (String line : resource(settings.distro.id + "/units.tsv").split("\n")) {
      String[] f = line.split("\t");
      units.add(new Unit(f[0], f[1], f[2], f[3], f[4]));
    }
    if (settings.firewall.startsWith("firewalld")) {
      boolean running = settings.firewall.equals("firewalld running");
      units.add(new Unit("firewalld.service", "loaded", running ? "active" : "inactive", running ? "running" : "dead",
          "firewalld - dynamic firewall daemon"));
    }
    settings.services.forEach(service -> units.addAll(service.units(settings.distro)));
    if (alloyInstalled) {
      units.add(new Unit("alloy.service", "loaded", alloyRunning ? "active" : "inactive", alloyRunning ? "running" : "dead",
          "Vendor-agnostic OpenTelemetry Collector distribution with programmable pipelines"));
    }
    units.sort(Comparator.comparing(Unit::name, String.CASE_INSENSITIVE_ORDER));
    int name = units.stream().mapToInt(u -> u.name().length()).max().orElse(0);
    int load = units.stream().mapToInt(u -> u.load().length()).max().orElse(0);
    int active = units.stream().mapToInt(u -> u.active().length()).max().orElse(0);
    int sub = units.stream().mapToInt(u -> u.sub().length()).max().orElse(0);
    StringBuilder text = new StringBuilder();
    for (Unit u : units) {
      text.append(String.format("%-" + name + "s %-" + load + "s %-" + active + "s %-" + sub + "s %s%n",
          u.name(), u.load(), u.active(), u.sub(), u.description()));
    }
    return text.toString().stripTrailing();
  }

  private String ports() {
    List<Listener> listeners = new ArrayList<>();
    switch (settings.distro) {
      case UBUNTU2404 -> {
        listeners.add(new Listener("127.0.0.53%lo", 53, 4096));
        listeners.add(new Listener("127.0.0.54", 53, 4096));
      }
      case SUSE15 -> {
        listeners.add(new Listener("127.0.0.1", 25, 100));
        listeners.add(new Listener("[::1]", 25, 100));
      }
      default -> { }
    }
    listeners.add(new Listener("0.0.0.0", 22, 128));
    listeners.add(new Listener("[::]", 22, 128));
    settings.services.forEach(service -> listeners.addAll(service.listeners(settings.distro)));
    if (alloyRunning) {
      listeners.add(new Listener("*", 12345, 4096));
    }
    listeners.sort(Comparator.comparing((Listener l) -> l.address().startsWith("[")).thenComparing(Listener::port));
    StringBuilder text = new StringBuilder();
    for (Listener l : listeners) {
      String peer = l.address().startsWith("[") ? "[::]" : l.address().equals("*") ? "*" : "0.0.0.0";
      text.append(String.format("LISTEN 0      %-6d %15s:%-5d %8s:*%n", l.backlog(), l.address(), l.port(), peer));
    }
    return text.toString().stripTrailing();
  }

  private StepReply install(String script) {
    Matcher version = ALLOY_VERSION.matcher(script);
    String wanted = version.find() ? version.group(1) : DEFAULT_ALLOY_VERSION;
    String manager = settings.distro.family.packageManager;
    // A package already on the host (uploaded over SFTP) installs without reaching any repository.
    boolean localPackage = script.contains(".iris-alloy-package.");
    if (!settings.packageSourceReachable && !localPackage) {
      int exit = switch (settings.distro.family) {
        case DEBIAN -> 100;
        case RHEL -> 1;
        case SUSE -> 4;
      };
      return new StepReply(exit, "", packageText(manager + "/unreachable.err", wanted));
    }
    if (settings.diskAvailableKb < ALLOY_NEEDS_KB) {
      int exit = switch (settings.distro.family) {
        case DEBIAN -> 100;
        case RHEL -> 1;
        case SUSE -> 8;
      };
      return new StepReply(exit, "", packageText(manager + "/nospace.err", wanted));
    }
    alloyInstalled = true;
    alloyVersion = wanted;
    return StepReply.ok(packageText(manager + "/install.out", wanted));
  }

  private StepReply firewall() {
    return switch (settings.firewall) {
      case "firewalld running" -> StepReply.ok("success\nsuccess\n");
      case "ufw active" -> StepReply.ok("Rule added\nRule added (v6)\n");
      default -> StepReply.ok("");
    };
  }

  private StepReply start() {
    if (!settings.systemd) {
      return StepReply.failed(1, NO_SYSTEMD);
    }
    boolean firstStart = !alloyRunning;
    alloyRunning = true;
    return new StepReply(0, "", firstStart
        ? "Created symlink /etc/systemd/system/multi-user.target.wants/alloy.service → "
            + settings.distro.family.unitDirectory + "/alloy.service.\n"
        : "");
  }

  /** Ready unless Alloy is known to be down: installed but never started, or no systemd to start it. */
  private StepReply verify() {
    boolean down = !settings.systemd || (alloyInstalled && !alloyRunning);
    return down
        ? new StepReply(7, "", "curl: (7) Failed to connect to 127.0.0.1 port 12345 after 0 ms: Couldn't connect to server\n")
        : StepReply.ok("ready\n");
  }

  private StepReply unenroll() {
    String removal = alloyInstalled ? packageText(settings.distro.family.packageManager + "/remove.out", alloyVersion) : "";
    String stopped = alloyRunning ? "Removed \"/etc/systemd/system/multi-user.target.wants/alloy.service\".\n" : "";
    alloyRunning = false;
    alloyInstalled = false;
    return new StepReply(0, removal, stopped);
  }

  private String packageText(String name, String version) {
    boolean deb = settings.distro.family == Family.DEBIAN;
    String packageArch = deb ? (settings.arch.equals("aarch64") ? "arm64" : "amd64") : settings.arch;
    List<String> mirrors = settings.distro == LinuxDistro.UBUNTU2404
        ? List.of("http://archive.ubuntu.com/ubuntu noble", "http://archive.ubuntu.com/ubuntu noble-updates",
            "http://archive.ubuntu.com/ubuntu noble-backports", "http://security.ubuntu.com/ubuntu noble-security")
        : List.of("http://deb.debian.org/debian bookworm", "http://deb.debian.org/debian bookworm-updates",
            "http://deb.debian.org/debian-security bookworm-security");
    StringBuilder hits = new StringBuilder();
    for (int i = 0; i < mirrors.size(); i++) {
      hits.append("Hit:").append(i + 1).append(' ').append(mirrors.get(i)).append(" InRelease\n");
    }
    return resource(name).replace("{version}", version).replace("{pkgarch}", packageArch)
        .replace("{mirrors}", hits).replace("{n+1}", String.valueOf(mirrors.size() + 2))
        .replace("{n}", String.valueOf(mirrors.size() + 1));
  }

  private static String resource(String name) {
    try (InputStream in = HostReplies.class.getResourceAsStream("/hosts/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource hosts/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds {@code ==> name <==} sections, each body on the lines after its header. */
  private static final class Sections {
    private final StringBuilder text = new StringBuilder();

    void section(String name, String body) {
      text.append("==> ").append(name).append(" <==\n");
      if (!body.isEmpty()) {
        text.append(body).append(body.endsWith("\n") ? "" : "\n");
      }
    }

    String text() {
      return text.toString();
    }
  }
}
