package iris.bench;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.FakeLinuxHost;
import iris.testing.HostService;
import iris.testing.LinuxDistro;
import iris.testing.SshTestKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fleet of simulated Linux hosts for the enrollment benchmark (bench/enroll.sh): {@code N}
 * {@link FakeLinuxHost}s in one JVM, each an SSH server on 127.0.0.1 that answers every script
 * after a delay, as a real host on a nearby network would.
 *
 * <pre>
 * java -cp target/test-classes:… iris.bench.SimulatedHosts --hosts 200 --batch-out batch.json \
 *     --command-delay-ms 150 --install-delay-ms 3000
 * </pre>
 *
 * <p>Writes {@code --batch-out}: Iris's JSON batch body ({@code {"hosts": [...]}}, every host
 * with its port, its pinned host key fingerprint and a credential; even hosts log in with a
 * key, odd ones with a password), then prints {@code ready <stats-url>} on stdout and runs
 * until it is stopped. {@code GET <stats-url>} answers with what the hosts received:
 * scripts and SFTP uploads, in total and per step. The mix cycles through Debian 12,
 * Ubuntu 24.04, RHEL 9, Rocky 9 and SLES 15; some hosts run nginx, PostgreSQL or MySQL, and a
 * third log in as a user with sudo instead of root. {@code --failing N} makes the install step
 * of the first N hosts fail, to check that the benchmark reports failed hosts.
 */
public final class SimulatedHosts {
  private static final LinuxDistro[] DISTROS = {
      LinuxDistro.DEBIAN12, LinuxDistro.UBUNTU2404, LinuxDistro.RHEL9, LinuxDistro.ROCKY9, LinuxDistro.SUSE15};
  private static final String USER = "deploy";
  private static final String PASSWORD = "bench-s3cret";

  private SimulatedHosts() {}

  public static void main(String[] args) throws Exception {
    int count = 200;
    Path batchOut = null;
    long commandDelayMs = 150;
    long installDelayMs = 3_000;
    String environment = "production";
    int failing = 0;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--hosts" -> count = Integer.parseInt(value);
        case "--batch-out" -> batchOut = Path.of(value);
        case "--command-delay-ms" -> commandDelayMs = Long.parseLong(value);
        case "--install-delay-ms" -> installDelayMs = Long.parseLong(value);
        case "--environment" -> environment = value;
        case "--failing" -> failing = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      i++;
    }
    if (batchOut == null || count < 1) {
      throw new IllegalArgumentException("usage: SimulatedHosts --hosts N --batch-out FILE"
          + " [--command-delay-ms MS] [--install-delay-ms MS] [--environment NAME] [--failing N]");
    }

    SshTestKeys.ClientKey key = SshTestKeys.generate(SshTestKeys.Type.ED25519);
    String privateKey = key.openSshPrivateKey();
    List<FakeLinuxHost> hosts = new CopyOnWriteArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hosts.forEach(FakeLinuxHost::close);
      stopped.countDown();
    }, "simulated-hosts-stop"));

    JsonArray rows = new JsonArray();
    for (int i = 0; i < count; i++) {
      LinuxDistro distro = DISTROS[i % DISTROS.length];
      FakeLinuxHost.Builder builder = FakeLinuxHost.builder(distro)
          .services(services(i))
          .authorizedKey(USER, key.keyPair().getPublic())
          .password(USER, PASSWORD)
          .commandDelay(Duration.ofMillis(commandDelayMs))
          .stepDelay("install", Duration.ofMillis(installDelayMs));
      if (i % 3 == 2) {
        builder.notRoot(true);
      }
      if (i < failing) {
        builder.failStep("install", 100, "E: Unable to locate package alloy");
      }
      FakeLinuxHost host = builder.start();
      hosts.add(host);
      JsonObject auth = i % 2 == 0 ? new JsonObject().put("private_key", privateKey) : new JsonObject().put("password", PASSWORD);
      rows.add(new JsonObject()
          .put("address", host.host()).put("port", host.port()).put("os", "linux").put("username", USER)
          .put("auth", auth).put("host_key_fingerprint", host.hostKeyFingerprint())
          .put("hostname", String.format("sim-%03d-%s", i, distro.id())).put("environment", environment));
    }
    Path partial = batchOut.resolveSibling(batchOut.getFileName() + ".part");
    Files.writeString(partial, new JsonObject().put("hosts", rows).encode());
    Files.move(partial, batchOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    HttpServer stats = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stats.createContext("/stats", exchange -> {
      byte[] body = stats(hosts).encode().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    stats.start();
    System.out.println("ready http://127.0.0.1:" + stats.getAddress().getPort() + "/stats");
    System.out.flush();
    stopped.await();
  }

  /** A mix: a quarter run nginx, a quarter nginx and PostgreSQL, every seventh MySQL; the rest only the host itself. */
  private static HostService[] services(int i) {
    List<HostService> services = new ArrayList<>();
    if (i % 4 == 0) {
      services.add(HostService.NGINX);
    } else if (i % 4 == 1) {
      services.add(HostService.NGINX);
      services.add(HostService.POSTGRESQL);
    }
    if (i % 7 == 3) {
      services.add(HostService.MYSQL);
    }
    return services.toArray(HostService[]::new);
  }

  /** What the hosts received: scripts and uploads in total, per step, and the fewest and most on one host. */
  private static JsonObject stats(List<FakeLinuxHost> hosts) {
    long scripts = 0;
    long uploads = 0;
    long least = Long.MAX_VALUE;
    long most = 0;
    JsonObject steps = new JsonObject();
    for (FakeLinuxHost host : hosts) {
      List<FakeLinuxHost.RecordedScript> received = host.scripts();
      int sent = host.uploads().size();
      scripts += received.size();
      uploads += sent;
      least = Math.min(least, received.size() + sent);
      most = Math.max(most, received.size() + sent);
      for (FakeLinuxHost.RecordedScript script : received) {
        steps.put(script.step(), steps.getLong(script.step(), 0L) + 1);
      }
    }
    return new JsonObject().put("hosts", hosts.size()).put("scripts", scripts).put("uploads", uploads)
        .put("min_per_host", hosts.isEmpty() ? 0 : least).put("max_per_host", most).put("steps", steps);
  }
}
