package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.enroll.RemoteShellException.Reason;
import iris.testing.FakeLinuxHost;
import iris.testing.LinuxDistro;
import iris.testing.Ports;
import iris.testing.SshTestKeys;
import iris.testing.SshTestKeys.ClientKey;
import iris.testing.StepReply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshShellIT {
  private static final String USER = "root";
  private static final String PASSWORD = "correct horse battery staple";
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(10);

  private static SshClients clients;
  private static ClientKey rsaKey;
  private static ClientKey ed25519Key;

  private FakeLinuxHost host;
  @TempDir Path dir;

  @BeforeAll
  static void startClient() {
    clients = SshClients.start();
    rsaKey = SshTestKeys.generate(SshTestKeys.Type.RSA);
    ed25519Key = SshTestKeys.generate(SshTestKeys.Type.ED25519);
  }

  @AfterAll
  static void stopClient() {
    clients.close();
  }

  @BeforeEach
  void startHost() {
    host = FakeLinuxHost.builder(LinuxDistro.RHEL9)
        .password(USER, PASSWORD)
        .authorizedKey(USER, rsaKey.keyPair().getPublic())
        .authorizedKey(USER, ed25519Key.keyPair().getPublic())
        .stepDelay("hang", Duration.ofSeconds(30))
        .start();
  }

  @AfterEach
  void stopHost() {
    host.close();
  }

  private SshTarget.Builder target() {
    return SshTarget.to(host.host(), host.port(), USER).authTimeout(Duration.ofSeconds(10));
  }

  private SshTarget.Builder pinned() {
    return target().pinnedFingerprint(host.hostKeyFingerprint());
  }

  private static RemoteShellException refused(SshTarget target) {
    return assertThrows(RemoteShellException.class, () -> SshShell.connect(clients, target).close());
  }

  @Test
  void passwordLoginRunsAScriptThatTheHostRecordsWithItsStep() throws Exception {
    String script = "# iris:detect\necho '==> os-release <=='\ncat /etc/os-release\n";
    try (SshShell shell = SshShell.connect(clients, pinned().password(PASSWORD).build())) {
      CommandResult result = shell.run(script, SCRIPT_TIMEOUT);

      assertEquals(0, result.exitCode());
      assertTrue(result.stdout().contains("ID=\"rhel\""), result.stdout());
      assertEquals(host.hostKeyFingerprint(), shell.hostKeyFingerprint());
      assertFalse(shell.hostKey().trustedOnFirstUse());
      assertEquals(1, shell.roundTrips());
    }
    assertEquals(1, host.scripts().size());
    assertEquals("detect", host.scripts().get(0).step());
    assertEquals(script, host.scripts().get(0).text());
    assertEquals("sh -s", host.scripts().get(0).command());
  }

  @Test
  void stdoutStderrAndExitCodeComeBackSeparately() throws Exception {
    host.failStep("probe", new StepReply(3, "to stdout\n", "to stderr\n"));
    try (SshShell shell = SshShell.connect(clients, pinned().password(PASSWORD).build())) {
      CommandResult result = shell.run("# iris:probe\nfalse\n", SCRIPT_TIMEOUT);

      assertEquals(new CommandResult(3, "to stdout\n", "to stderr\n"), result);
    }
  }

  @Test
  void rsaKeyAsPemLogsIn() throws Exception {
    assertLogsIn(pinned().privateKey(rsaKey.pemPrivateKey(), null).build());
  }

  @Test
  void rsaKeyInOpenSshFormatLogsIn() throws Exception {
    assertLogsIn(pinned().privateKey(rsaKey.openSshPrivateKey(), null).build());
  }

  @Test
  void ed25519KeyLogsIn() throws Exception {
    assertLogsIn(pinned().privateKey(ed25519Key.openSshPrivateKey(), null).build());
  }

  @Test
  void passphraseProtectedKeyFileLogsIn() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("id_ed25519"), ed25519Key.openSshPrivateKey("open sesame"));
    assertLogsIn(pinned().privateKeyFile(keyFile, "open sesame").build());
  }

  @Test
  void wrongPassphraseIsAnAuthFailureThatDoesNotLeakIt() {
    RemoteShellException e = refused(pinned().privateKey(ed25519Key.openSshPrivateKey("open sesame"), "guess").build());
    assertEquals(Reason.AUTH_FAILED, e.reason());
    assertFalse(e.getMessage().contains("guess"), e.getMessage());
  }

  @Test
  void unknownKeyIsRefused() {
    ClientKey stranger = SshTestKeys.generate(SshTestKeys.Type.ED25519);
    assertEquals(Reason.AUTH_FAILED, refused(pinned().privateKey(stranger.openSshPrivateKey(), null).build()).reason());
  }

  @Test
  void wrongPasswordIsAnAuthFailureThatDoesNotLeakIt() {
    RemoteShellException e = refused(pinned().password("hunter2").build());
    assertEquals(Reason.AUTH_FAILED, e.reason());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void md5PinnedFingerprintIsAccepted() throws Exception {
    assertLogsIn(target().pinnedFingerprint(host.hostKeyMd5Fingerprint()).password(PASSWORD).build());
  }

  @Test
  void aPinnedFingerprintOfAnotherKeyIsRejectedNamingBoth() {
    String other = SshFingerprints.sha256(SshTestKeys.generate(SshTestKeys.Type.ED25519).keyPair().getPublic());
    RemoteShellException e = refused(target().pinnedFingerprint(other).password(PASSWORD).build());

    assertEquals(Reason.HOST_KEY_REJECTED, e.reason());
    assertTrue(e.getMessage().contains(host.hostKeyFingerprint()), e.getMessage());
    assertTrue(e.getMessage().contains(other), e.getMessage());
    assertTrue(e.getMessage().contains("[127.0.0.1]:" + host.port()), e.getMessage());
    assertTrue(host.scripts().isEmpty());
  }

  @Test
  void knownHostsWithTheHostsKeyPasses() throws Exception {
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
        "# other hosts first\nexample.org ssh-ed25519 " + otherKeyBase64() + "\n" + host.knownHostsLine() + "\n");
    assertLogsIn(target().knownHosts(knownHosts).password(PASSWORD).build());
  }

  @Test
  void hashedKnownHostsEntryPasses() throws Exception {
    String keyPart = host.knownHostsLine().substring(host.knownHostsLine().indexOf(' ') + 1);
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
        hashedHost("[127.0.0.1]:" + host.port()) + " " + keyPart + "\n");
    assertLogsIn(target().knownHosts(knownHosts).password(PASSWORD).build());
  }

  @Test
  void knownHostsWithAnotherKeyForTheHostIsRejected() throws Exception {
    ClientKey impostor = SshTestKeys.generate(SshTestKeys.Type.ED25519);
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
        "[127.0.0.1]:" + host.port() + " " + impostor.publicKeyLine() + "\n");

    RemoteShellException e = refused(target().knownHosts(knownHosts).trustOnFirstUse(true).password(PASSWORD).build());

    assertEquals(Reason.HOST_KEY_REJECTED, e.reason());
    assertTrue(e.getMessage().contains(host.hostKeyFingerprint()), e.getMessage());
    assertTrue(e.getMessage().contains(SshFingerprints.sha256(impostor.keyPair().getPublic())), e.getMessage());
    assertFalse(Files.readString(knownHosts).contains(host.knownHostsLine()), "a mismatch must not be written");
  }

  @Test
  void anUnknownHostWithoutTrustOnFirstUseIsRejected() throws Exception {
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "example.org ssh-ed25519 " + otherKeyBase64() + "\n");

    RemoteShellException withFile = refused(target().knownHosts(knownHosts).password(PASSWORD).build());
    RemoteShellException withNothing = refused(target().password(PASSWORD).build());

    assertEquals(Reason.HOST_KEY_REJECTED, withFile.reason());
    assertTrue(withFile.getMessage().contains(host.hostKeyFingerprint()), withFile.getMessage());
    assertEquals(Reason.HOST_KEY_REJECTED, withNothing.reason());
    assertFalse(Files.readString(knownHosts).contains(host.knownHostsLine()));
  }

  @Test
  void trustOnFirstUseAcceptsReportsAndRemembersTheKey() throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    try (SshShell shell = SshShell.connect(clients, target().knownHosts(knownHosts).trustOnFirstUse(true).password(PASSWORD).build())) {
      assertTrue(shell.hostKey().trustedOnFirstUse());
      assertEquals(host.hostKeyFingerprint(), shell.hostKey().fingerprint());
    }
    assertTrue(Files.readString(knownHosts).contains(host.knownHostsLine()), Files.readString(knownHosts));

    try (SshShell again = SshShell.connect(clients, target().knownHosts(knownHosts).password(PASSWORD).build())) {
      assertFalse(again.hostKey().trustedOnFirstUse(), "the second connection is trusted through known_hosts");
    }
  }

  @Test
  void trustOnFirstUseWithoutKnownHostsFileOnlyReports() throws Exception {
    try (SshShell shell = SshShell.connect(clients, target().trustOnFirstUse(true).password(PASSWORD).build())) {
      assertEquals(new SeenHostKey(host.hostKeyFingerprint(),
          SshFingerprints.openSshPublicKey(host.hostPublicKey()), true), shell.hostKey());
    }
  }

  @Test
  void aScriptStillRunningAfterItsTimeoutFailsAndTheSessionStaysUsable() throws Exception {
    try (SshShell shell = SshShell.connect(clients, pinned().password(PASSWORD).build())) {
      long start = System.nanoTime();
      RemoteShellException e = assertThrows(RemoteShellException.class,
          () -> shell.run("# iris:hang\nsleep 600\n", Duration.ofMillis(300)));
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertEquals(Reason.TIMEOUT, e.reason());
      assertTrue(tookMillis < 5_000, "took " + tookMillis + "ms");
      assertEquals(0, shell.run("# iris:verify\n", SCRIPT_TIMEOUT).exitCode());
    }
  }

  @Test
  void uploadArrivesByteExactAndReplacesTheFile() throws Exception {
    byte[] content = new byte[300_000];
    new Random(42).nextBytes(content);
    byte[] shorter = "logging { level = \"info\" }\n".getBytes(StandardCharsets.UTF_8);
    try (SshShell shell = SshShell.connect(clients, pinned().password(PASSWORD).build())) {
      shell.upload(content, "/etc/alloy/config.alloy");
      assertArrayEquals(content, host.upload("/etc/alloy/config.alloy"));

      shell.upload(shorter, "/etc/alloy/config.alloy");
      assertEquals(2, shell.roundTrips());
    }
    assertArrayEquals(shorter, host.upload("/etc/alloy/config.alloy"));
    assertArrayEquals(shorter, Files.readAllBytes(host.localPath("/etc/alloy/config.alloy")));
  }

  @Test
  void aClosedPortIsUnreachable() {
    SshTarget target = SshTarget.to("127.0.0.1", Ports.free(), USER).password(PASSWORD)
        .pinnedFingerprint(host.hostKeyFingerprint()).connectTimeout(Duration.ofSeconds(5)).build();
    RemoteShellException e = refused(target);
    assertEquals(Reason.UNREACHABLE, e.reason(), e.getMessage());
  }

  @Test
  void aMalformedPinnedFingerprintFailsAtTheRequest() {
    assertThrows(IllegalArgumentException.class, () -> target().pinnedFingerprint("SHA256:nope").password(PASSWORD).build());
  }

  private void assertLogsIn(SshTarget target) throws Exception {
    try (SshShell shell = SshShell.connect(clients, target)) {
      CommandResult result = shell.run("# iris:prerequisites\nid -u\n", SCRIPT_TIMEOUT);
      assertTrue(result.stdout().startsWith("==> uid <==\n0\n"), result.stdout());
    }
    assertEquals("prerequisites", host.scripts().get(host.scripts().size() - 1).step());
  }

  private static String otherKeyBase64() {
    return SshTestKeys.generate(SshTestKeys.Type.ED25519).publicKeyLine().split(" ")[1];
  }

  /** {@code |1|salt|hash} as {@code ssh-keygen -H} writes: HMAC-SHA1 of the host keyed by a random salt. */
  private static String hashedHost(String hostPattern) throws Exception {
    byte[] salt = new byte[20];
    new Random(7).nextBytes(salt);
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(salt, "HmacSHA1"));
    byte[] hash = mac.doFinal(hostPattern.getBytes(StandardCharsets.UTF_8));
    return "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hash);
  }
}
