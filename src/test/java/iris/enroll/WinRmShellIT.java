package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.enroll.RemoteShellException.Reason;
import iris.testing.FakeWinRm;
import iris.testing.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WinRmShell through winrm4j's real WS-Management traffic, against a local WinRM listener. */
class WinRmShellIT {
  private static final String USER = "iris-enroll";
  private static final String PASSWORD = "S3cret-Passw0rd!";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern PAYLOAD = Pattern.compile("FromBase64String\\('([A-Za-z0-9+/=]*)'\\)");

  private FakeWinRm host;
  private WinRmShell shell;

  @BeforeEach
  void start() throws IOException {
    host = new FakeWinRm(USER, PASSWORD);
    shell = new WinRmShell(target(PASSWORD, host.port()));
  }

  @AfterEach
  void stop() {
    shell.close();
    host.close();
  }

  private static WinRmTarget target(String password, int port) {
    return WinRmTarget.of("127.0.0.1", USER, password).withAuth(WinRmAuth.BASIC).withPort(port);
  }

  @Test
  void stdoutStderrAndExitCodeComeBack() throws IOException {
    host.respond(s -> s.contains("Get-Service WinRM"),
        new CommandResult(3, "Status: Running\r\nName: WinRM\r\n", "WARNING: firewall rule missing"));

    CommandResult result = shell.run("Get-Service WinRM | Format-List Status, Name\nexit 3", TIMEOUT);

    assertEquals(new CommandResult(3, "Status: Running\r\nName: WinRM\r\n", "WARNING: firewall rule missing"), result);
    assertEquals(List.of("Get-Service WinRM | Format-List Status, Name\nexit 3"), host.scripts());
    assertEquals(List.of("Create", "Command", "Receive", "Signal", "Delete"), host.actions());
    assertEquals(0, host.openShells());
    assertEquals(1, shell.roundTrips());
  }

  @Test
  void unmatchedScriptsGetTheDefaultAnswer() throws IOException {
    host.respond(s -> s.contains("nothing sends this"), new CommandResult(9, "wrong rule", ""));
    host.respondByDefault(new CommandResult(0, "ok\r\n", ""));

    assertEquals(new CommandResult(0, "ok\r\n", ""), shell.run("Write-Output ok", TIMEOUT));
  }

  @Test
  void longOutputIsReassembledFromManyStreamsAndReceives() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      lines.append("counter \\Processor(_Total)\\% Processor Time sample ").append(i).append("\r\n");
    }
    host.chunkOutput(100, 3).respond(s -> true, new CommandResult(0, lines.toString(), "done"));

    CommandResult result = shell.run("Get-Counter -ListSet Processor", TIMEOUT);

    assertEquals(lines.toString(), result.stdout());
    assertEquals("done", result.stderr());
    long receives = host.actions().stream().filter("Receive"::equals).count();
    assertTrue(receives > 10, "output should have taken many Receive calls, took " + receives);
  }

  @Test
  void wrongPasswordIsAuthFailed() {
    try (WinRmShell wrong = new WinRmShell(target("not-the-password", host.port()))) {
      RemoteShellException failure = assertThrows(RemoteShellException.class, () -> wrong.run("hostname", TIMEOUT));

      assertEquals(Reason.AUTH_FAILED, failure.reason());
      assertTrue(failure.getMessage().contains(USER), failure.getMessage());
      assertFalse(failure.getMessage().contains("not-the-password"), failure.getMessage());
      assertEquals(List.of(), host.scripts());
    }
  }

  @Test
  void ntlmCredentialsTheHostRefusesAreAuthFailed() {
    WinRmTarget ntlm = WinRmTarget.of("127.0.0.1", "IRIS\\" + USER, PASSWORD).withPort(host.port());
    try (WinRmShell negotiating = new WinRmShell(ntlm)) {
      RemoteShellException failure = assertThrows(RemoteShellException.class,
          () -> negotiating.run("hostname", Duration.ofSeconds(2)));

      assertEquals(Reason.AUTH_FAILED, failure.reason(), failure.getMessage());
      assertTrue(failure.getMessage().contains("NTLM"), failure.getMessage());
      assertEquals(List.of(), host.scripts());
    }
  }

  @Test
  void closedPortIsUnreachable() {
    try (WinRmShell nobody = new WinRmShell(target(PASSWORD, Ports.free()))) {
      RemoteShellException failure = assertThrows(RemoteShellException.class, () -> nobody.run("hostname", TIMEOUT));

      assertEquals(Reason.UNREACHABLE, failure.reason());
      assertTrue(failure.getMessage().contains("refused the connection"), failure.getMessage());
    }
  }

  @Test
  void scriptSlowerThanItsTimeoutIsStoppedAndItsShellDeleted() {
    host.respond(s -> s.contains("msiexec"), new CommandResult(0, "installed", ""), Duration.ofSeconds(60));
    long started = System.nanoTime();

    RemoteShellException failure = assertThrows(RemoteShellException.class,
        () -> shell.run("Start-Process msiexec -Wait", Duration.ofSeconds(2)));

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertEquals(Reason.TIMEOUT, failure.reason(), failure.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "gave up after " + took);
    assertTrue(host.actions().containsAll(List.of("Signal", "Delete")), host.actions().toString());
    assertEquals(0, host.openShells());
  }

  @Test
  void scriptLongerThanOnePollStillCompletes() throws IOException {
    host.respond(s -> true, new CommandResult(0, "finished", ""), Duration.ofMillis(2500));
    WinRmShell polling = new WinRmShell(target(PASSWORD, host.port()).withOperationTimeout(Duration.ofSeconds(1)));
    try (polling) {
      assertEquals("finished", polling.run("Start-Sleep 2", TIMEOUT).stdout());
    }
    assertTrue(Collections.frequency(host.actions(), "Receive") >= 3, host.actions().toString());
  }

  @Test
  void hostThatStopsAnsweringTimesOut() {
    host.delay(Duration.ofSeconds(4));
    long started = System.nanoTime();

    RemoteShellException failure = assertThrows(RemoteShellException.class,
        () -> shell.run("hostname", Duration.ofSeconds(1)));

    assertEquals(Reason.TIMEOUT, failure.reason(), failure.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(4)) < 0);
  }

  @Test
  void soapFaultIsProtocolWithTheHostsReason() {
    host.faultNextCommand(500, "5", "Access is denied.");

    RemoteShellException failure = assertThrows(RemoteShellException.class, () -> shell.run("hostname", TIMEOUT));

    assertEquals(Reason.PROTOCOL, failure.reason());
    assertTrue(failure.getMessage().contains("Access is denied."), failure.getMessage());
    assertTrue(failure.getMessage().contains("WSManFault 5"), failure.getMessage());
  }

  @Test
  void uploadWritesTheExactBytesInCommandLineSizedChunks() throws IOException {
    byte[] content = new byte[5_000];
    new Random(42).nextBytes(content);
    String path = "C:\\ProgramData\\Grafana Alloy\\config.alloy";

    shell.upload(content, path);

    List<String> scripts = host.scripts();
    assertTrue(scripts.size() >= 3, "5 KB should take several chunks, took " + scripts.size());
    assertArrayEquals(content, reassemble(scripts));
    assertTrue(scripts.get(0).contains("[IO.FileMode]::Create"));
    scripts.subList(1, scripts.size()).forEach(s -> assertTrue(s.contains("[IO.FileMode]::Append"), s));
    assertTrue(scripts.get(scripts.size() - 1).contains("-Destination '" + path + "'"));
    scripts.subList(0, scripts.size() - 1).forEach(s -> assertFalse(s.contains("Move-Item"), s));
    scripts.forEach(s -> assertTrue(PowerShellCommandLine.fits(s), "script too long for one command line"));
    assertEquals(scripts.size(), shell.roundTrips());
  }

  @Test
  void emptyFileIsStillWritten() throws IOException {
    shell.upload(new byte[0], "C:\\iris\\empty.txt");

    assertEquals(1, host.scripts().size());
    assertArrayEquals(new byte[0], reassemble(host.scripts()));
    assertTrue(host.scripts().get(0).contains("Move-Item"));
  }

  @Test
  void aRefusedChunkFailsTheUpload() {
    host.respond(s -> s.contains("FromBase64String"), new CommandResult(1, "", "Access to the path is denied."));

    IOException failure = assertThrows(IOException.class, () -> shell.upload(new byte[10], "C:\\Windows\\x.cfg"));

    assertTrue(failure.getMessage().contains("C:\\Windows\\x.cfg"), failure.getMessage());
    assertTrue(failure.getMessage().contains("Access to the path is denied."), failure.getMessage());
  }

  @Test
  void scriptTooLongForOneCommandLineIsStagedAsAFile() throws IOException {
    String script = "# enroll\n" + "Write-Output 'step'\n".repeat(300) + "exit 0\n";
    assertFalse(PowerShellCommandLine.fits(script));
    host.respond(s -> s.contains("ScriptBlock"), new CommandResult(0, "step\r\n", ""));

    CommandResult result = shell.run(script, TIMEOUT);

    assertEquals("step\r\n", result.stdout());
    List<String> scripts = host.scripts();
    String runner = scripts.get(scripts.size() - 1);
    assertTrue(runner.contains("[ScriptBlock]::Create"), runner);
    assertEquals(script, new String(reassemble(scripts.subList(0, scripts.size() - 1)), StandardCharsets.UTF_8));
    Matcher staged = Pattern.compile("-Destination '([^']+)'").matcher(scripts.get(scripts.size() - 2));
    assertTrue(staged.find());
    assertTrue(runner.contains("'" + staged.group(1) + "'"), "runner reads the staged file");
  }

  @Test
  void passwordIsNeverShown() {
    WinRmTarget target = target(PASSWORD, host.port());
    assertFalse(target.toString().contains(PASSWORD));
    assertFalse(shell.toString().contains(PASSWORD));
  }

  @Test
  void closedShellRefusesWork() {
    shell.close();
    assertThrows(IllegalStateException.class, () -> shell.run("hostname", TIMEOUT));
  }

  /** The bytes the upload scripts carry, in order, as the host would have appended them. */
  private static byte[] reassemble(List<String> scripts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (String script : scripts) {
      Matcher payload = PAYLOAD.matcher(script);
      assertTrue(payload.find(), "not an upload script: " + script);
      bytes.writeBytes(Base64.getDecoder().decode(payload.group(1)));
    }
    return bytes.toByteArray();
  }
}
