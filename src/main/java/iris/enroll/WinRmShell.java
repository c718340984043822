package iris.enroll;

import io.cloudsoft.winrm4j.client.WinRmClientContext;
import io.cloudsoft.winrm4j.winrm.WinRmTool;
import io.cloudsoft.winrm4j.winrm.WinRmToolResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.transport.http.HTTPConduitConfigurer;
import org.apache.cxf.transport.http.asyncclient.AsyncHTTPConduitFactory;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;

/**
 * A Windows host's PowerShell over WinRM (winrm4j on Apache CXF). Each {@link #run} opens a
 * WinRM shell, runs one script, collects its output and deletes the shell; connections are
 * pooled in one client context per host, closed with {@link #close()}.
 *
 * <p>Blocking: call it from the worker pool only. One caller at a time (the methods are
 * synchronized): a host's enrollment steps run in order anyway.
 */
public final class WinRmShell implements RemoteShell {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration READ_MARGIN = Duration.ofSeconds(10);
  /** Scripts too long for one command line are staged here; WinRM users that enroll hosts are administrators. */
  private static final String STAGING_DIR = "C:\\Windows\\Temp\\";

  private final WinRmTarget target;
  private final Bus bus;
  private final WinRmClientContext context;
  private volatile HTTPClientPolicy httpPolicy;
  private int roundTrips;
  private boolean closed;

  public WinRmShell(WinRmTarget target) {
    this.target = target;
    this.httpPolicy = httpPolicy(target.operationTimeout());
    // winrm4j applies its HTTP timeouts only for NTLM and Kerberos; this bus hook applies ours to
    // every connection, Basic included, so a host that stops answering cannot block a worker forever.
    this.bus = BusFactory.newInstance().createBus();
    bus.getProperties().put("use.async.http.conduit", Boolean.TRUE);
    bus.getProperties().put(AsyncHTTPConduitFactory.USE_POLICY, AsyncHTTPConduitFactory.UseAsyncPolicy.ALWAYS);
    bus.setExtension((HTTPConduitConfigurer) (name, address, conduit) -> conduit.setClient(httpPolicy),
        HTTPConduitConfigurer.class);
    this.context = WinRmClientContext.newInstance(bus);
  }

  public WinRmTarget target() {
    return target;
  }

  @Override
  public synchronized CommandResult run(String script, Duration timeout) throws IOException {
    if (PowerShellCommandLine.fits(script)) {
      return execute(script, timeout);
    }
    String staged = STAGING_DIR + "iris-" + UUID.randomUUID() + ".ps1";
    upload(script.getBytes(StandardCharsets.UTF_8), staged);
    // Read, delete, then run as a script block: no execution policy applies and nothing is left behind.
    return execute("$path = " + PowerShellCommandLine.quote(staged) + "\n"
        + "$script = [IO.File]::ReadAllText($path, [Text.Encoding]::UTF8)\n"
        + "Remove-Item -LiteralPath $path -Force\n"
        + "& ([ScriptBlock]::Create($script))\n", timeout);
  }

  @Override
  public synchronized void upload(byte[] content, String remotePath) throws IOException {
    List<String> chunks = PowerShellUpload.scripts(content, remotePath);
    for (int i = 0; i < chunks.size(); i++) {
      CommandResult result = execute(chunks.get(i), target.operationTimeout());
      if (!result.ok()) {
        throw new IOException("writing " + remotePath + " on " + target.address() + " failed at part " + (i + 1)
            + " of " + chunks.size() + " (exit " + result.exitCode() + "): " + result.excerpt());
      }
    }
  }

  @Override
  public synchronized int roundTrips() {
    return roundTrips;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    context.shutdown();
    bus.shutdown(true);
  }

  /**
   * One WinRM command. The host is polled once per operation timeout (capped by the script's
   * timeout), and polling stops at the first answer after the deadline: winrm4j then signals the
   * command to terminate and deletes the shell, and the caller gets a TIMEOUT.
   */
  private CommandResult execute(String script, Duration timeout) throws IOException {
    if (closed) {
      throw new IllegalStateException("WinRM shell to " + target.endpoint() + " is closed");
    }
    roundTrips++;
    Duration poll = min(target.operationTimeout(), max(timeout, Duration.ofSeconds(1)));
    Duration read = poll.plus(min(poll, READ_MARGIN));
    httpPolicy = httpPolicy(read);
    long deadline = System.nanoTime() + timeout.toNanos();
    WinRmTool tool = tool();
    tool.setOperationTimeout(poll.toMillis());
    tool.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
    tool.setReceiveTimeout(read.toMillis());
    // winrm4j would retry a refused or failed call after 5s; enrollment retries whole jobs instead.
    tool.setRetriesForConnectionFailures(0);
    tool.setRetryReceiveAfterOperationTimeout(code -> System.nanoTime() - deadline < 0);
    try {
      WinRmToolResponse response = tool.executePs(script);
      return new CommandResult(response.getStatusCode(), response.getStdOut(), response.getStdErr());
    } catch (RuntimeException e) {
      throw WinRmFailures.explain(e, target, System.nanoTime() - deadline >= 0, timeout);
    }
  }

  private WinRmTool tool() {
    String user = target.username();
    String domain = null;
    int slash = user.indexOf('\\');
    if (slash > 0) {
      domain = user.substring(0, slash);
      user = user.substring(slash + 1);
    }
    return WinRmTool.Builder.builder(target.address(), domain, user, target.password())
        .authenticationScheme(target.auth().scheme())
        .port(target.port())
        .useHttps(target.https())
        .context(context)
        .build();
  }

  private static HTTPClientPolicy httpPolicy(Duration read) {
    HTTPClientPolicy policy = new HTTPClientPolicy();
    policy.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
    policy.setReceiveTimeout(read.toMillis());
    // as winrm4j sets for NTLM: Windows' listener expects a Content-Length, not chunks
    policy.setAllowChunking(false);
    return policy;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public String toString() {
    return "WinRmShell[" + target + "]";
  }
}
