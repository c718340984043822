package iris.testing;

import iris.testing.LinuxDistro.Family;
import java.util.List;

/**
 * A service a {@link FakeLinuxHost} can run: the systemd units and listening sockets the
 * real packages of each distribution give (names, descriptions, default bind addresses).
 */
public enum HostService {
  NGINX, APACHE, MYSQL, MARIADB, POSTGRESQL, MONGODB;

  /** One line of {@code systemctl list-units}: unit, LOAD, ACTIVE, SUB, DESCRIPTION. */
  record Unit(String name, String load, String active, String sub, String description) {
    static Unit running(String name, String description) {
      return new Unit(name, "loaded", "active", "running", description);
    }
  }

  /** One line of {@code ss -ltn}: local address, port, backlog. */
  record Listener(String address, int port, int backlog) {}

  List<Unit> units(LinuxDistro distro) {
    Family family = distro.family;
    return switch (this) {
      case NGINX -> List.of(Unit.running("nginx.service", family == Family.DEBIAN
          ? "A high performance web server and a reverse proxy server" : "The nginx HTTP and reverse proxy server"));
      case APACHE -> switch (family) {
        case DEBIAN -> List.of(Unit.running("apache2.service", "The Apache HTTP Server"));
        case RHEL -> List.of(Unit.running("httpd.service", "The Apache HTTP Server"));
        case SUSE -> List.of(Unit.running("apache2.service", "The Apache Webserver"));
      };
      case MYSQL -> switch (distro) {
        case DEBIAN12 -> MARIADB.units(distro); // Debian ships MariaDB as its MySQL
        case UBUNTU2404 -> List.of(Unit.running("mysql.service", "MySQL Community Server"));
        case SUSE15 -> MARIADB.units(distro);
        default -> List.of(Unit.running("mysqld.service", "MySQL 8.0 database server"));
      };
      case MARIADB -> switch (distro) {
        case DEBIAN12 -> List.of(Unit.running("mariadb.service", "MariaDB 10.11.6 database server"));
        case UBUNTU2404 -> List.of(Unit.running("mariadb.service", "MariaDB 10.11.8 database server"));
        case SUSE15 -> List.of(Unit.running("mariadb.service", "MariaDB database server"));
        default -> List.of(Unit.running("mariadb.service", "MariaDB 10.5 database server"));
      };
      case POSTGRESQL -> switch (distro) {
        case DEBIAN12 -> List.of(new Unit("postgresql.service", "loaded", "active", "exited", "PostgreSQL RDBMS"),
            Unit.running("postgresql@15-main.service", "PostgreSQL Cluster 15-main"));
        case UBUNTU2404 -> List.of(new Unit("postgresql.service", "loaded", "active", "exited", "PostgreSQL RDBMS"),
            Unit.running("postgresql@16-main.service", "PostgreSQL Cluster 16-main"));
        default -> List.of(Unit.running("postgresql.service", "PostgreSQL database server"));
      };
      case MONGODB -> List.of(Unit.running("mongod.service", "MongoDB Database Server"));
    };
  }

  List<Listener> listeners(LinuxDistro distro) {
    boolean rpm = distro.family != Family.DEBIAN;
    return switch (this) {
      case NGINX -> List.of(new Listener("0.0.0.0", 80, 511), new Listener("[::]", 80, 511));
      case APACHE -> List.of(new Listener("*", 80, 511));
      case MYSQL -> distro == LinuxDistro.DEBIAN12 || distro == LinuxDistro.SUSE15
          ? MARIADB.listeners(distro)
          : rpm ? List.of(new Listener("*", 3306, 151), new Listener("*", 33060, 70))
          : List.of(new Listener("127.0.0.1", 3306, 151), new Listener("127.0.0.1", 33060, 70));
      case MARIADB -> List.of(new Listener(distro.family == Family.RHEL ? "*" : "127.0.0.1", 3306, 80));
      case POSTGRESQL -> List.of(new Listener("127.0.0.1", 5432, 244), new Listener("[::1]", 5432, 244));
      case MONGODB -> List.of(new Listener("127.0.0.1", 27017, 4096));
    };
  }
}
