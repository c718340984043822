package iris.enroll;

import java.util.Locale;
import java.util.Set;

/** Operating-system families Iris can enroll, with how each installs and configures Alloy. */
public enum OsFamily {
  DEBIAN("deb", "apt", "/etc/default/alloy"),
  RHEL("rpm", "dnf", "/etc/sysconfig/alloy"),
  SUSE("rpm", "zypper", "/etc/sysconfig/alloy"),
  WINDOWS("exe", "installer", "");

  private static final Set<String> DEBIAN_IDS = Set.of("debian", "ubuntu", "raspbian", "linuxmint", "pop");
  private static final Set<String> RHEL_IDS = Set.of("rhel", "centos", "rocky", "almalinux", "fedora", "ol", "amzn");
  private static final Set<String> SUSE_IDS = Set.of("sles", "sled", "opensuse", "opensuse-leap", "opensuse-tumbleweed", "suse");

  private final String packageFormat;
  private final String packageManager;
  private final String environmentFile;

  OsFamily(String packageFormat, String packageManager, String environmentFile) {
    this.packageFormat = packageFormat;
    this.packageManager = packageManager;
    this.environmentFile = environmentFile;
  }

  public String packageFormat() {
    return packageFormat;
  }

  public String packageManager() {
    return packageManager;
  }

  /** Where Alloy's service reads CONFIG_FILE and CUSTOM_ARGS from. */
  public String environmentFile() {
    return environmentFile;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The family of an {@code /etc/os-release} ID and ID_LIKE, or null when Iris does not know it. */
  public static OsFamily of(String id, String idLike) {
    for (String candidate : (id + " " + idLike).toLowerCase(Locale.ROOT).split("\\s+")) {
      if (DEBIAN_IDS.contains(candidate)) {
        return DEBIAN;
      }
      if (RHEL_IDS.contains(candidate)) {
        return RHEL;
      }
      if (SUSE_IDS.contains(candidate) || candidate.startsWith("opensuse")) {
        return SUSE;
      }
    }
    return null;
  }
}
