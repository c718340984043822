package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LinuxDetectionTest {
  private static final String DEBIAN_12 = """
      PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
      NAME="Debian GNU/Linux"
      VERSION_ID="12"
      VERSION="12 (bookworm)"
      VERSION_CODENAME=bookworm
      ID=debian
      HOME_URL="https://www.debian.org/"
      """;
  private static final String ROCKY_9 = """
      NAME="Rocky Linux"
      VERSION="9.4 (Blue Onyx)"
      ID="rocky"
      ID_LIKE="rhel centos fedora"
      VERSION_ID="9.4"
      PLATFORM_ID="platform:el9"
      PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
      """;
  private static final String SLES_15 = """
      NAME="SLES"
      VERSION="15-SP5"
      VERSION_ID="15.5"
      PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"
      ID="sles"
      ID_LIKE="suse"
      """;
  private static final String UNITS = """
      cron.service                         loaded    active   running Regular background program processing daemon
      nginx.service                        loaded    active   running A high performance web server and a reverse proxy server
      postgresql@15-main.service           loaded    active   running PostgreSQL Cluster 15-main
      mariadb.service                      loaded    inactive dead    MariaDB 10.11.6 database server
      ssh.service                          loaded    active   running OpenBSD Secure Shell server
      """;
  private static final String PORTS = """
      LISTEN 0      511          0.0.0.0:80         0.0.0.0:*
      LISTEN 0      200        127.0.0.1:5432       0.0.0.0:*
      LISTEN 0      4096            [::]:27017         [::]:*
      LISTEN 0      128          0.0.0.0:22         0.0.0.0:*
      """;

  private static String output(String osRelease, String arch, String units, String ports, String firewall) {
    return "==> os-release <==\n" + osRelease + "==> arch <==\n" + arch + "\n==> hostname <==\nweb-01.example.internal\n"
        + "==> units <==\n" + units + "==> ports <==\n" + ports + "==> firewall <==\n" + firewall + "\n";
  }

  @Test
  void debianWithServicesFromUnitsAndPorts() throws Exception {
    HostFacts facts = LinuxDetection.parse(output(DEBIAN_12, "x86_64", UNITS, PORTS, "ufw active"), "10.0.0.1");
    assertEquals(OsFamily.DEBIAN, facts.family());
    assertEquals("Debian GNU/Linux 12 (bookworm)", facts.osName());
    assertEquals("12", facts.osVersion());
    assertEquals("web-01.example.internal", facts.hostname());
    assertEquals("amd64", facts.packageArch());
    assertEquals("ufw", facts.firewall());
    // mariadb's unit is inactive and nothing listens on 3306: not monitored. mongod shows by its port only.
    assertEquals(List.of("nginx", "postgresql", "mongodb"), facts.serviceNames());
    assertTrue(facts.services().get(1).evidence().contains("postgresql@15-main.service"));
    assertEquals("listening on port 27017", facts.services().get(2).evidence());
  }

  @Test
  void rhelAndSuseFamiliesFromIdLike() throws Exception {
    HostFacts rocky = LinuxDetection.parse(output(ROCKY_9, "aarch64", "", "", "firewalld running"), "10.0.0.2");
    assertEquals(OsFamily.RHEL, rocky.family());
    assertEquals("9.4", rocky.osVersion());
    assertEquals("arm64", rocky.packageArch());
    assertEquals("firewalld", rocky.firewall());
    assertEquals("/etc/sysconfig/alloy", rocky.family().environmentFile());
    HostFacts sles = LinuxDetection.parse(output(SLES_15, "x86_64", "", "", "none"), "10.0.0.3");
    assertEquals(OsFamily.SUSE, sles.family());
    assertEquals("zypper", sles.family().packageManager());
  }

  @Test
  void unknownDistributionIsRefusedByName() {
    String alpine = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME=\"Alpine Linux v3.20\"\n";
    StepFailure e = assertThrows(StepFailure.class, () -> LinuxDetection.parse(output(alpine, "x86_64", "", "", "none"), "h"));
    assertTrue(e.getMessage().contains("Alpine Linux v3.20"), e.getMessage());
  }

  @Test
  void netstatOutputGivesPortsToo() {
    String netstat = """
        Active Internet connections (only servers)
        Proto Recv-Q Send-Q Local Address           Foreign Address         State
        tcp        0      0 0.0.0.0:3306            0.0.0.0:*               LISTEN
        """;
    assertEquals(List.of(3306), LinuxDetection.listeningPorts(netstat));
  }

  @Test
  void aHostnameThatIsNotPlainFallsBackToTheAddress() {
    assertEquals("web-01.example.internal", LinuxDetection.reportedHostname("web-01.example.internal\n", "10.0.0.1"));
    assertEquals("10.0.0.1", LinuxDetection.reportedHostname("evil\" } exporter {", "10.0.0.1"));
    assertEquals("10.0.0.1", LinuxDetection.reportedHostname("", "10.0.0.1"));
    assertEquals("10.0.0.1", LinuxDetection.reportedHostname("localhost.localdomain", "10.0.0.1"));
  }
}
