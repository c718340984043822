package iris.enroll;

import java.util.UUID;

/**
 * The shell scripts of the Linux steps that change the host. Each is one round trip; the ones that
 * need root run as a here-document under {@code sudo -n} when the account is not root.
 */
final class LinuxScripts {
  private LinuxScripts() {}

  /**
   * Where an uploaded package lands: relative, so SFTP puts it in the account's home directory,
   * which no other user can write (a fixed name in /tmp could be planted by one).
   */
  static final String UPLOADED_PACKAGE = ".iris-alloy-package";
  private static final String GRAFANA_APT = "https://apt.grafana.com";
  private static final String GRAFANA_RPM = "https://rpm.grafana.com";

  /** The package source the prerequisites check tries, as a shell word; the family is not known yet. */
  static String reachUrl(AlloyPackage pkg) {
    return switch (pkg.source()) {
      case "repository" -> "$(command -v apt-get >/dev/null 2>&1 && echo " + GRAFANA_APT + " || echo " + GRAFANA_RPM + ")";
      case "mirror" -> "'" + pkg.mirrorUrl() + "/'";
      default -> "";
    };
  }

  static String install(OsFamily family, AlloyPackage pkg, String sudo) {
    String version = pkg.version();
    StringBuilder body = new StringBuilder("set -eu\n");
    switch (family) {
      case DEBIAN -> {
        body.append("export DEBIAN_FRONTEND=noninteractive\n")
            .append("if [ \"$(dpkg-query -W -f='${Version}' alloy 2>/dev/null || true)\" = '").append(version)
            .append("' ]; then echo 'alloy ").append(version).append(" is already installed'; exit 0; fi\n");
        switch (pkg.source()) {
          case "repository" -> body.append("mkdir -p /etc/apt/keyrings\n")
              .append("curl -fsSL ").append(GRAFANA_APT).append("/gpg.key -o /etc/apt/keyrings/grafana.asc\n")
              .append("echo 'deb [signed-by=/etc/apt/keyrings/grafana.asc] ").append(GRAFANA_APT)
              .append(" stable main' > /etc/apt/sources.list.d/grafana.list\n")
              .append("apt-get update -q\n")
              .append("apt-get install -y -q --allow-downgrades alloy=").append(version).append('\n');
          case "mirror" -> body.append(PRIVATE_DIR)
              .append("curl -fsSL '").append(pkg.url(family)).append("' -o \"$work/alloy.deb\"\n")
              .append("apt-get install -y -q --allow-downgrades \"$work/alloy.deb\"\n");
          default -> body.append(uploaded(family)).append("apt-get install -y -q --allow-downgrades \"$pkg\"\nrm -f \"$pkg\"\n");
        }
      }
      case RHEL, SUSE -> {
        body.append("if [ \"$(rpm -q --qf '%{VERSION}' alloy 2>/dev/null || true)\" = '").append(version)
            .append("' ]; then echo 'alloy ").append(version).append(" is already installed'; exit 0; fi\n");
        String file = "\"$pkg\"";
        if (pkg.source().equals("mirror")) {
          body.append(PRIVATE_DIR).append("pkg=\"$work/alloy.rpm\"\n")
              .append("curl -fsSL '").append(pkg.url(family)).append("' -o \"$pkg\"\n");
        } else if (pkg.source().equals("upload")) {
          body.append(uploaded(family));
        }
        if (family == OsFamily.RHEL) {
          body.append("if command -v dnf >/dev/null 2>&1; then pm=dnf; else pm=yum; fi\n");
          if (pkg.source().equals("repository")) {
            body.append("cat > /etc/yum.repos.d/grafana.repo <<'IRIS_REPO'\n[grafana]\nname=grafana\nbaseurl=").append(GRAFANA_RPM)
                .append("\nrepo_gpgcheck=1\nenabled=1\ngpgcheck=1\ngpgkey=").append(GRAFANA_RPM).append("/gpg.key\nsslverify=1\n")
                .append("sslcacert=/etc/pki/tls/certs/ca-bundle.crt\nIRIS_REPO\n")
                .append("$pm install -y alloy-").append(version).append('\n');
          } else {
            body.append("$pm install -y ").append(file).append("\nrm -f ").append(file).append('\n');
          }
        } else {
          if (pkg.source().equals("repository")) {
            body.append("zypper --non-interactive lr grafana >/dev/null 2>&1 || zypper --non-interactive addrepo ")
                .append(GRAFANA_RPM).append(" grafana\n")
                .append("zypper --non-interactive --gpg-auto-import-keys refresh grafana\n")
                .append("zypper --non-interactive install -y --from grafana alloy-").append(version).append('\n');
          } else {
            body.append("zypper --non-interactive install -y --allow-unsigned-rpm ").append(file)
                .append("\nrm -f ").append(file).append('\n');
          }
        }
      }
      default -> throw new IllegalArgumentException("not a Linux family: " + family);
    }
    body.append("alloy --version 2>/dev/null | head -n 1 || true\n");
    return asRoot("install", sudo, body.toString());
  }

  /** A directory only root can read, removed when the script ends, for a downloaded package. */
  private static final String PRIVATE_DIR = "work=$(mktemp -d)\ntrap 'rm -rf \"$work\"' EXIT\n";

  /** The uploaded package in the account's home: passed as $1 when the body runs under sudo. */
  private static String uploaded(OsFamily family) {
    return "pkg=\"${1:-$HOME}/" + UPLOADED_PACKAGE + "." + family.packageFormat() + "\"\n";
  }

  /**
   * Checks the rendered configuration with {@code alloy fmt} before it replaces the old one, then
   * writes the service's environment file so Alloy listens where Prometheus can reach it.
   */
  static String configure(OsFamily family, String config, int port, String sudo) {
    String end = delimiter("IRIS_CONFIG");
    String body = "set -eu\n"
        + "tmp=$(mktemp /tmp/iris-config.XXXXXX)\n"
        + "trap 'rm -f \"$tmp\"' EXIT\n"
        + "cat > \"$tmp\" <<'" + end + "'\n" + config + (config.endsWith("\n") ? "" : "\n") + end + "\n"
        + "if ! alloy fmt \"$tmp\" >/dev/null; then echo 'alloy fmt rejected the rendered config.alloy' >&2; exit 3; fi\n"
        + "mkdir -p /etc/alloy\n"
        + "cp \"$tmp\" /etc/alloy/config.alloy\n"
        + "chmod 0644 /etc/alloy/config.alloy\n"
        + environmentFile(family.environmentFile(), port)
        + "echo 'config.alloy checked and written; listening on 0.0.0.0:" + port + "'\n";
    return asRoot("configure", sudo, body);
  }

  /**
   * Rewrites Alloy's environment file, keeping an operator's lines (database DSNs) and replacing
   * only the keys Iris sets. It can hold secrets, so it is never world-readable: 0640 root:alloy
   * when the package made an alloy group, else 0600 root (systemd reads it as root either way).
   * The new file is made under umask 077, so not even the copy is readable while it is written.
   */
  static String environmentFile(String path, int port) {
    return "envf=" + path + "\n"
        + "touch \"$envf\"\n"
        + "old_umask=$(umask)\n"
        + "umask 077\n"
        + "grep -v -E '^(CONFIG_FILE|CUSTOM_ARGS|RESTART_ON_UPGRADE)=|^## Set by Iris' \"$envf\" > \"$envf.iris\" || true\n"
        + "cat >> \"$envf.iris\" <<'IRIS_ENV'\n"
        + "## Set by Iris at enrollment (other lines are kept).\n"
        + "CONFIG_FILE=\"/etc/alloy/config.alloy\"\n"
        + "CUSTOM_ARGS=\"--server.http.listen-addr=0.0.0.0:" + port + "\"\n"
        + "RESTART_ON_UPGRADE=true\n"
        + "IRIS_ENV\n"
        + "umask \"$old_umask\"\n"
        + "if getent group alloy >/dev/null 2>&1; then\n"
        + "  chown root:alloy \"$envf.iris\" && chmod 0640 \"$envf.iris\"\n"
        + "else\n"
        + "  chown root:root \"$envf.iris\" 2>/dev/null || true\n"
        + "  chmod 0600 \"$envf.iris\"\n"
        + "fi\n"
        + "mv \"$envf.iris\" \"$envf\"\n";
  }

  static String firewall(String firewall, int port, String sudo) {
    String body = switch (firewall) {
      case "ufw" -> "set -eu\nufw allow " + port + "/tcp comment 'Grafana Alloy (Iris)'\n";
      case "firewalld" -> "set -eu\nfirewall-cmd --permanent --add-port=" + port + "/tcp\nfirewall-cmd --reload\n";
      default -> "echo 'no active firewall (ufw or firewalld): nothing to open'\n";
    };
    return asRoot("firewall", sudo, body);
  }

  /** Enables and restarts Alloy, then waits for its {@code /-/ready} on the host itself. */
  static String start(int port, long readySeconds, String sudo) {
    String body = "set -eu\n"
        + "systemctl enable alloy >/dev/null 2>&1 || systemctl enable alloy\n"
        + "systemctl restart alloy\n"
        + "deadline=$(( $(date +%s) + " + readySeconds + " ))\n"
        + "while [ \"$(date +%s)\" -lt \"$deadline\" ]; do\n"
        + "  if curl -fsS --max-time 2 http://127.0.0.1:" + port + "/-/ready >/dev/null 2>&1; then echo ready; exit 0; fi\n"
        + "  sleep 1\n"
        + "done\n"
        + "echo 'Alloy did not answer /-/ready within " + readySeconds + " s' >&2\n"
        + "systemctl status alloy --no-pager -n 20 >&2 || true\n"
        + "exit 4\n";
    return asRoot("start", sudo, body);
  }

  static String stop(String sudo) {
    return asRoot("unenroll", sudo, "systemctl disable --now alloy 2>&1 || true\necho 'alloy stopped and disabled'\n");
  }

  /** {@code body} as root: directly, or as a here-document fed to {@code sudo -n sh -s}. */
  static String asRoot(String step, String sudo, String body) {
    if (sudo.isEmpty()) {
      return "# iris:" + step + "\n" + body;
    }
    String end = delimiter("IRIS_STEP");
    // The account's home goes along as $1: under sudo, HOME may be root's.
    return "# iris:" + step + "\n" + sudo + "sh -s \"$HOME\" <<'" + end + "'\n" + body + end + "\n";
  }

  /** A here-document end marker no rendered text can contain by accident. */
  private static String delimiter(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
  }
}
