package iris.enroll;

import java.io.IOException;
import java.time.Duration;

/**
 * A command line on a host being enrolled: SSH for Linux (a POSIX shell script), WinRM for
 * Windows (a PowerShell script). Every call blocks, so it runs on the worker pool only.
 *
 * <p>Enrollment sends one script per step, never one call per command: each round trip costs
 * tens of milliseconds on a real network, and a batch of hundreds of hosts pays it per host.
 */
public interface RemoteShell extends AutoCloseable {

  /** Runs one script and waits for it to end; a script still running after {@code timeout} fails. */
  CommandResult run(String script, Duration timeout) throws IOException;

  /** Writes a file on the host (SFTP on Linux); replaces what was there. */
  void upload(byte[] content, String remotePath) throws IOException;

  /** How many scripts and uploads this shell has sent: the round trips a benchmark counts. */
  int roundTrips();

  @Override
  void close();
}
