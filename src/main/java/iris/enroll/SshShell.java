package iris.enroll;

import iris.enroll.RemoteShellException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RemoteShell} over one SSH session. Each script runs as {@code sh -s} with the
 * script on stdin, so no quoting of the script is ever needed; files go over SFTP.
 *
 * <p>Every call blocks: use it from the worker pool only.
 */
public final class SshShell implements RemoteShell {
  /** Per stream; a script that prints more is cut, and the result says how much was dropped. */
  public static final int OUTPUT_CAP_BYTES = 1 << 20;
  static final String SCRIPT_COMMAND = "sh -s";

  private static final Logger log = LoggerFactory.getLogger(SshShell.class);

  private final SshTarget target;
  private final ClientSession session;
  private final SeenHostKey hostKey;
  private final AtomicInteger roundTrips = new AtomicInteger();
  private SftpClient sftp;

  private SshShell(SshTarget target, ClientSession session, SeenHostKey hostKey) {
    this.target = target;
    this.session = session;
    this.hostKey = hostKey;
  }

  /**
   * Connects, verifies the host key and logs in.
   *
   * @throws RemoteShellException UNREACHABLE, TIMEOUT, HOST_KEY_REJECTED or AUTH_FAILED
   */
  public static SshShell connect(SshClients clients, SshTarget target) throws RemoteShellException {
    HostKeyCheck check = new HostKeyCheck(target.hostKeys(), target.label());
    ClientSession session = openSession(clients, target, check);
    try {
      login(session, target, check);
    } catch (RemoteShellException e) {
      session.close(true);
      throw e;
    }
    SeenHostKey seen = new SeenHostKey(check.offeredFingerprint(),
        SshFingerprints.openSshPublicKey(check.offeredKey()), check.wasTrustedOnFirstUse());
    log.debug("ssh {}@{} connected, host key {}{}", target.username(), target.label(), seen.fingerprint(),
        seen.trustedOnFirstUse() ? " (trusted on first use)" : "");
    return new SshShell(target, session, seen);
  }

  private static ClientSession openSession(SshClients clients, SshTarget target, HostKeyCheck check)
      throws RemoteShellException {
    ConnectFuture future;
    try {
      future = clients.client().connect(target.username(), target.host(), target.port(),
          AttributeRepository.ofKeyValuePair(HostKeyCheck.ATTRIBUTE, check), null);
      if (!future.await(target.connectTimeout())) {
        future.cancel();
        throw new RemoteShellException(Reason.TIMEOUT,
            target.label() + " did not accept a connection within " + target.connectTimeout().toSeconds() + "s");
      }
    } catch (RemoteShellException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw connectFailure(target, e);
    }
    if (!future.isConnected()) {
      throw connectFailure(target, future.getException());
    }
    return future.getClientSession();
  }

  private static void login(ClientSession session, SshTarget target, HostKeyCheck check) throws RemoteShellException {
    if (target.credential() instanceof SshCredential.Password password) {
      session.addPasswordIdentity(password.password());
    } else {
      for (KeyPair pair : SshKeys.load(target.credential(), target.label())) {
        session.addPublicKeyIdentity(pair);
      }
    }
    AuthFuture auth;
    try {
      auth = session.auth();
      auth.await(target.authTimeout());
    } catch (IOException e) {
      throw loginFailure(target, check, e);
    }
    if (auth.isSuccess()) {
      return;
    }
    if (!auth.isDone()) {
      if (check.rejection() != null) {
        throw new RemoteShellException(Reason.HOST_KEY_REJECTED, check.rejection());
      }
      throw new RemoteShellException(Reason.TIMEOUT, "no SSH handshake and login with " + target.label()
          + " within " + target.authTimeout().toSeconds() + "s");
    }
    throw loginFailure(target, check, auth.getException());
  }

  private static RemoteShellException loginFailure(SshTarget target, HostKeyCheck check, Throwable failure) {
    if (check.rejection() != null) {
      return new RemoteShellException(Reason.HOST_KEY_REJECTED, check.rejection());
    }
    if (failure instanceof SshException ssh
        && ssh.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
      return new RemoteShellException(Reason.AUTH_FAILED,
          target.label() + " refused the " + target.credential() + " of user " + target.username(), failure);
    }
    if (failure != null && hasCause(failure, SocketTimeoutException.class, InterruptedByTimeoutException.class)) {
      return new RemoteShellException(Reason.TIMEOUT, "SSH handshake with " + target.label() + " timed out", failure);
    }
    return new RemoteShellException(Reason.PROTOCOL, "SSH handshake or login with " + target.label() + " failed: "
        + (failure == null ? "connection closed" : failure.getMessage()), failure);
  }

  private static RemoteShellException connectFailure(SshTarget target, Throwable failure) {
    if (hasCause(failure, SocketTimeoutException.class, InterruptedByTimeoutException.class)) {
      return new RemoteShellException(Reason.TIMEOUT, target.label() + " did not answer in time", failure);
    }
    String why = failure == null ? "connection failed" : rootMessage(failure);
    if (hasCause(failure, ConnectException.class, NoRouteToHostException.class, UnknownHostException.class,
        UnresolvedAddressException.class, PortUnreachableException.class)) {
      return new RemoteShellException(Reason.UNREACHABLE, target.label() + " is unreachable: " + why, failure);
    }
    return new RemoteShellException(Reason.UNREACHABLE, "could not connect to " + target.label() + ": " + why, failure);
  }

  @SafeVarargs
  private static boolean hasCause(Throwable failure, Class<? extends Throwable>... types) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      for (Class<? extends Throwable> type : types) {
        if (type.isInstance(t)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** The host key this session accepted. */
  public SeenHostKey hostKey() {
    return hostKey;
  }

  /** Shorthand for {@code hostKey().fingerprint()}: {@code SHA256:…}. */
  public String hostKeyFingerprint() {
    return hostKey.fingerprint();
  }

  @Override
  public CommandResult run(String script, Duration timeout) throws IOException {
    roundTrips.incrementAndGet();
    long deadline = System.nanoTime() + timeout.toNanos();
    CappedOutput out = new CappedOutput(OUTPUT_CAP_BYTES);
    CappedOutput err = new CappedOutput(OUTPUT_CAP_BYTES);
    ChannelExec channel = openChannel();
    try {
      channel.setOut(out);
      channel.setErr(err);
      OpenFuture opened = channel.open();
      if (!opened.await(remaining(deadline))) {
        throw scriptTimeoutOrClosed(timeout);
      }
      if (!opened.isOpened()) {
        throw new RemoteShellException(Reason.PROTOCOL, target.label() + " refused to run a script: "
            + (opened.getException() == null ? "channel not opened" : opened.getException().getMessage()), opened.getException());
      }
      try (OutputStream stdin = channel.getInvertedIn()) {
        stdin.write(script.getBytes(StandardCharsets.UTF_8));
      }
      Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), remaining(deadline));
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new RemoteShellException(Reason.TIMEOUT, "script on " + target.label() + " still running after "
            + timeout.toMillis() + "ms; its channel was closed");
      }
      return result(channel, out, err);
    } finally {
      channel.close(true);
    }
  }

  private ChannelExec openChannel() throws IOException {
    if (!session.isOpen()) {
      throw new RemoteShellException(Reason.UNREACHABLE, "SSH session to " + target.label() + " is closed");
    }
    return session.createExecChannel(SCRIPT_COMMAND);
  }

  private RemoteShellException scriptTimeoutOrClosed(Duration timeout) {
    if (!session.isOpen()) {
      return new RemoteShellException(Reason.UNREACHABLE, "SSH session to " + target.label() + " closed");
    }
    return new RemoteShellException(Reason.TIMEOUT, "no channel opened on " + target.label() + " within " + timeout.toMillis() + "ms");
  }

  private static CommandResult result(ChannelExec channel, CappedOutput out, CappedOutput err) {
    Integer status = channel.getExitStatus();
    if (status != null) {
      return new CommandResult(status, out.text(), err.text());
    }
    String signal = channel.getExitSignal();
    String ending = signal == null ? "ended without an exit status" : "killed by signal " + signal;
    return new CommandResult(-1, out.text(), err.text() + (err.text().isEmpty() ? "" : "\n") + "[script " + ending + "]");
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
  }

  @Override
  public void upload(byte[] content, String remotePath) throws IOException {
    roundTrips.incrementAndGet();
    try (OutputStream file = sftp().write(remotePath,
        SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Truncate)) {
      file.write(content);
    }
  }

  private synchronized SftpClient sftp() throws IOException {
    if (sftp == null || !sftp.isOpen()) {
      if (!session.isOpen()) {
        throw new RemoteShellException(Reason.UNREACHABLE, "SSH session to " + target.label() + " is closed");
      }
      sftp = SftpClientFactory.instance().createSftpClient(session);
    }
    return sftp;
  }

  @Override
  public int roundTrips() {
    return roundTrips.get();
  }

  @Override
  public synchronized void close() {
    try {
      if (sftp != null) {
        sftp.close();
      }
    } catch (IOException e) {
      log.debug("closing SFTP to {}: {}", target.label(), e.getMessage());
    }
    session.close(true);
  }
}
