package iris.testing;

/**
 * The systems {@link FakeLinuxHost} can play, with the facts their real tools print.
 * /etc/os-release and the base service list live in {@code src/test/resources/hosts/<id>/}.
 */
public enum LinuxDistro {
  DEBIAN12("debian12", Family.DEBIAN, "systemd 252 (252.30-1~deb12u2)", "/dev/sda1", "/", "none"),
  UBUNTU2404("ubuntu2404", Family.DEBIAN, "systemd 255 (255.4-1ubuntu8.4)", "/dev/sda1", "/", "ufw inactive"),
  RHEL9("rhel9", Family.RHEL, "systemd 252 (252-32.el9_4)", "/dev/mapper/rhel-root", "/", "firewalld running"),
  ROCKY9("rocky9", Family.RHEL, "systemd 252 (252-32.el9_4)", "/dev/mapper/rl-root", "/", "firewalld running"),
  SUSE15("suse15", Family.SUSE, "systemd 249 (249.17+suse.198.g4d5a5b9ef9)", "/dev/sda3", "/var", "firewalld running");

  /** Package manager, unit directory and web server naming follow the family. */
  public enum Family {
    DEBIAN("apt", "/lib/systemd/system"),
    RHEL("dnf", "/usr/lib/systemd/system"),
    SUSE("zypper", "/usr/lib/systemd/system");

    final String packageManager;
    final String unitDirectory;

    Family(String packageManager, String unitDirectory) {
      this.packageManager = packageManager;
      this.unitDirectory = unitDirectory;
    }
  }

  final String id;
  final Family family;
  final String systemdVersion;
  final String rootDevice;
  final String varLibMount;
  final String defaultFirewall;

  LinuxDistro(String id, Family family, String systemdVersion, String rootDevice, String varLibMount, String defaultFirewall) {
    this.id = id;
    this.family = family;
    this.systemdVersion = systemdVersion;
    this.rootDevice = rootDevice;
    this.varLibMount = varLibMount;
    this.defaultFirewall = defaultFirewall;
  }

  public String id() {
    return id;
  }

  public Family family() {
    return family;
  }

  public static LinuxDistro byId(String id) {
    for (LinuxDistro distro : values()) {
      if (distro.id.equals(id)) {
        return distro;
      }
    }
    throw new IllegalArgumentException("no host personality '" + id + "'");
  }
}
