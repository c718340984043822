package iris.testing;

import iris.enroll.SshFingerprints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;

/**
 * An in-process SSH server on 127.0.0.1 that plays a Linux host being enrolled. It answers
 * each script by the {@code # iris:<step>} tag on its first line, from a personality
 * (Debian 12, Ubuntu 24.04, RHEL 9, Rocky 9, SLES 15 SP5) with the outputs the real tools
 * print, and records every script and every SFTP upload so a test can assert on what was sent.
 *
 * <pre>{@code
 * try (FakeLinuxHost host = FakeLinuxHost.builder(LinuxDistro.RHEL9)
 *     .services(HostService.NGINX).password("root", "s3cret")
 *     .failStep("configure", StepReply.alloyFmtError()).start()) {
 *   … connect to host.port(), verify host.hostKeyFingerprint() …
 *   assertTrue(host.lastScript("install").contains("alloy-1.5.1"));
 * }
 * }</pre>
 */
public final class FakeLinuxHost implements AutoCloseable {
  public static final String ADDRESS = "127.0.0.1";

  /** A script as the host received it, with the step its tag names ({@code untagged} if none). */
  public record RecordedScript(String step, String text, String user, String command) {}

  private static final List<String> DIRECTORIES = List.of(
      "etc/alloy", "etc/default", "etc/sysconfig", "etc/prometheus", "tmp", "var/lib/alloy", "root", "home");

  private final SshServer server;
  private final KeyPair hostKey;
  private final Path root;
  private final HostReplies replies;
  private final Duration commandDelay;
  private final Map<String, Duration> stepDelays;
  private final List<RecordedScript> scripts = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> uploads = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, StepReply> overrides = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedDeque<StepReply>> onceOverrides = new ConcurrentHashMap<>();

  private FakeLinuxHost(Builder b) throws IOException {
    this.hostKey = b.hostKey;
    this.replies = new HostReplies(new HostReplies.Settings(b.distro, b.arch, EnumSet.copyOf(b.services), b.systemd,
        b.diskAvailableKb, b.uid, b.sudo, b.packageSourceReachable, b.firewall == null ? b.distro.defaultFirewall : b.firewall,
        b.hostname));
    this.commandDelay = b.commandDelay;
    this.stepDelays = Map.copyOf(b.stepDelays);
    this.overrides.putAll(b.overrides);
    this.root = Files.createTempDirectory("fake-" + b.distro.id() + "-");
    for (String dir : DIRECTORIES) {
      Files.createDirectories(root.resolve(dir));
    }
    Map<String, String> passwords = Map.copyOf(b.passwords);
    Map<String, List<PublicKey>> keys = Map.copyOf(b.authorizedKeys);

    server = SshServer.setUpDefaultServer();
    server.setHost(ADDRESS);
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPasswordAuthenticator((user, password, session) -> password.equals(passwords.get(user)));
    server.setPublickeyAuthenticator((user, key, session) ->
        keys.getOrDefault(user, List.of()).stream().anyMatch(known -> KeyUtils.compareKeys(known, key)));
    server.setCommandFactory((channel, command) -> new FakeHostScript(command, this::answer));
    SftpSubsystemFactory sftp = new SftpSubsystemFactory();
    sftp.addSftpEventListener(new UploadRecorder());
    server.setSubsystemFactories(List.of(sftp));
    server.setFileSystemFactory(new VirtualFileSystemFactory(root));
    server.start();
  }

  public static Builder builder(LinuxDistro distro) {
    return new Builder(distro);
  }

  /** By personality id: {@code debian12}, {@code ubuntu2404}, {@code rhel9}, {@code rocky9}, {@code suse15}. */
  public static Builder builder(String personality) {
    return new Builder(LinuxDistro.byId(personality));
  }

  private StepReply answer(String step, String script, String user, String command) throws InterruptedException {
    scripts.add(new RecordedScript(step, script, user, command));
    Duration delay = commandDelay.plus(stepDelays.getOrDefault(step, Duration.ZERO));
    if (!delay.isZero()) {
      Thread.sleep(delay.toMillis());
    }
    ConcurrentLinkedDeque<StepReply> once = onceOverrides.get(step);
    StepReply injected = once == null ? null : once.poll();
    if (injected == null) {
      injected = overrides.get(step);
    }
    return injected != null ? injected : replies.reply(step, script);
  }

  // ---- where to connect and what to trust

  public String host() {
    return ADDRESS;
  }

  public int port() {
    return server.getPort();
  }

  public PublicKey hostPublicKey() {
    return hostKey.getPublic();
  }

  /** {@code SHA256:…} as {@code ssh-keygen -lf} prints it. */
  public String hostKeyFingerprint() {
    return SshFingerprints.sha256(hostKey.getPublic());
  }

  /** {@code MD5:aa:bb:…} as {@code ssh-keygen -E md5 -lf} prints it. */
  public String hostKeyMd5Fingerprint() {
    return SshFingerprints.md5(hostKey.getPublic());
  }

  /** {@code [127.0.0.1]:PORT ssh-ed25519 AAAA…}, a line for a known_hosts file. */
  public String knownHostsLine() {
    return "[" + ADDRESS + "]:" + port() + " " + SshFingerprints.openSshPublicKey(hostKey.getPublic());
  }

  // ---- failure injection (also on the builder); applies to scripts that arrive afterwards

  /** Every script of {@code step} gets this reply instead of the personality's. */
  public FakeLinuxHost failStep(String step, StepReply reply) {
    overrides.put(step, reply);
    return this;
  }

  public FakeLinuxHost failStep(String step, int exitCode, String stderr) {
    return failStep(step, StepReply.failed(exitCode, stderr));
  }

  /** The next script of {@code step} gets this reply; later ones get the usual answer again. */
  public FakeLinuxHost failStepOnce(String step, StepReply reply) {
    onceOverrides.computeIfAbsent(step, s -> new ConcurrentLinkedDeque<>()).add(reply);
    return this;
  }

  public FakeLinuxHost clearFailures() {
    overrides.clear();
    onceOverrides.clear();
    return this;
  }

  // ---- what Iris sent

  /** Every script received, in order. */
  public List<RecordedScript> scripts() {
    return List.copyOf(scripts);
  }

  public List<String> steps() {
    return scripts.stream().map(RecordedScript::step).toList();
  }

  public List<RecordedScript> scripts(String step) {
    return scripts.stream().filter(s -> s.step().equals(step)).toList();
  }

  /** The text of the last script for {@code step}; fails the test if there was none. */
  public String lastScript(String step) {
    List<RecordedScript> matching = scripts(step);
    if (matching.isEmpty()) {
      throw new AssertionError("no '" + step + "' script was sent; steps seen: " + steps());
    }
    return matching.get(matching.size() - 1).text();
  }

  /** Path → content of every file written over SFTP (the last write wins), in order of first write. */
  public Map<String, byte[]> uploads() {
    synchronized (uploads) {
      return new LinkedHashMap<>(uploads);
    }
  }

  /** The bytes last uploaded to {@code path}, or null. */
  public byte[] upload(String path) {
    return uploads.get(path);
  }

  /** Where a remote absolute path lives on the local disk (the SFTP root is a temp directory). */
  public Path localPath(String remotePath) {
    return root.resolve(remotePath.replaceFirst("^/+", ""));
  }

  public void resetRecordings() {
    scripts.clear();
    uploads.clear();
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(root);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }

  /** Records a file when the handle that wrote it is closed, i.e. when the upload is complete. */
  private final class UploadRecorder implements SftpEventListener {
    @Override
    public void opening(ServerSession session, String remoteHandle, Handle localHandle) throws IOException {
      if (!commandDelay.isZero()) {
        try {
          Thread.sleep(commandDelay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void closed(ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) throws IOException {
      if (thrown == null && localHandle instanceof FileHandle file && file.getOpenOptions().contains(StandardOpenOption.WRITE)) {
        uploads.put(file.getFile().toAbsolutePath().toString(), Files.readAllBytes(file.getFile()));
      }
    }
  }

  public static final class Builder {
    private final LinuxDistro distro;
    private String arch = "x86_64";
    private final Set<HostService> services = EnumSet.noneOf(HostService.class);
    private boolean systemd = true;
    private long diskAvailableKb = 15_861_720;
    private int uid = 0;
    private boolean sudo = true;
    private boolean packageSourceReachable = true;
    private String firewall;
    private Duration commandDelay = Duration.ZERO;
    private final Map<String, Duration> stepDelays = new LinkedHashMap<>();
    private final Map<String, StepReply> overrides = new LinkedHashMap<>();
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final Map<String, List<PublicKey>> authorizedKeys = new LinkedHashMap<>();
    private KeyPair hostKey;
    private String hostname;

    private Builder(LinuxDistro distro) {
      this.distro = distro;
    }

    /** What {@code hostname -f} prints (default: nothing, so Iris falls back to the address). */
    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    /** {@code x86_64} (default) or {@code aarch64}: uname -m and the package architecture. */
    public Builder arch(String arch) {
      if (!arch.equals("x86_64") && !arch.equals("aarch64")) {
        throw new IllegalArgumentException("arch must be x86_64 or aarch64");
      }
      this.arch = arch;
      return this;
    }

    /** Services running, with their units and listening ports as the distribution names them. */
    public Builder services(HostService... running) {
      services.addAll(List.of(running));
      return this;
    }

    /** A container-like host: PID 1 is bash, systemctl is missing, starting Alloy fails. */
    public Builder noSystemd() {
      this.systemd = false;
      return this;
    }

    /** 180 MB free on /var/lib: less than the Alloy package needs, so install fails for lack of space. */
    public Builder lowDisk() {
      return diskAvailableKb(184_320);
    }

    public Builder diskAvailableKb(long kb) {
      this.diskAvailableKb = kb;
      return this;
    }

    /** Logs in as uid 1000; with {@code sudo} false, {@code sudo -n} needs a password and privileged steps fail. */
    public Builder notRoot(boolean sudo) {
      this.uid = 1000;
      this.sudo = sudo;
      return this;
    }

    /** The Grafana repository (or mirror) does not answer: curl prints 000, the package manager fails. */
    public Builder packageSourceUnreachable() {
      this.packageSourceReachable = false;
      return this;
    }

    /** {@code ufw active}, {@code ufw inactive}, {@code firewalld running}, {@code firewalld not running} or {@code none}. */
    public Builder firewall(String state) {
      if (!Set.of("ufw active", "ufw inactive", "firewalld running", "firewalld not running", "none").contains(state)) {
        throw new IllegalArgumentException("unknown firewall state '" + state + "'");
      }
      this.firewall = state;
      return this;
    }

    /** Added before every answer (scripts and SFTP opens): the latency of a real network and host. */
    public Builder commandDelay(Duration delay) {
      this.commandDelay = Objects.requireNonNull(delay);
      return this;
    }

    /** Extra time one step takes (e.g. a slow install, or a hang for a timeout test). */
    public Builder stepDelay(String step, Duration delay) {
      stepDelays.put(step, delay);
      return this;
    }

    public Builder failStep(String step, StepReply reply) {
      overrides.put(step, reply);
      return this;
    }

    public Builder failStep(String step, int exitCode, String stderr) {
      return failStep(step, StepReply.failed(exitCode, stderr));
    }

    public Builder password(String user, String password) {
      passwords.put(user, password);
      return this;
    }

    public Builder authorizedKey(String user, PublicKey key) {
      authorizedKeys.computeIfAbsent(user, u -> new ArrayList<>()).add(key);
      return this;
    }

    /** The host's own key; by default a fresh Ed25519 key. */
    public Builder hostKey(KeyPair key) {
      this.hostKey = key;
      return this;
    }

    public FakeLinuxHost start() {
      if (hostKey == null) {
        hostKey = SshTestKeys.generate(SshTestKeys.Type.ED25519).keyPair();
      }
      if (passwords.isEmpty() && authorizedKeys.isEmpty()) {
        throw new IllegalStateException("give the host a user: password(user, pw) or authorizedKey(user, key)");
      }
      if (!SecurityUtils.isEDDSACurveSupported()) {
        throw new IllegalStateException("Ed25519 needs Bouncy Castle (bcprov) on the classpath");
      }
      try {
        return new FakeLinuxHost(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
