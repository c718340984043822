package iris.testing;

/**
 * What a {@link FakeLinuxHost} answers to one script: exit code, stdout, stderr. The static
 * factories are real failures of the tools Iris drives, for failure injection.
 */
public record StepReply(int exitCode, String stdout, String stderr) {

  public static StepReply ok(String stdout) {
    return new StepReply(0, stdout, "");
  }

  public static StepReply failed(int exitCode, String stderr) {
    return new StepReply(exitCode, "", stderr);
  }

  /** apt while unattended-upgrades holds the dpkg lock. */
  public static StepReply aptLockHeld() {
    return failed(100, """
        E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 2841 (unattended-upgr)
        N: Be aware that removing the lock file is not a solution and may break your system.
        E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?
        """);
  }

  /** apt asked for a version the repository does not have. */
  public static StepReply aptVersionNotFound(String version) {
    return failed(100, "E: Version '" + version + "' for 'alloy' was not found\n");
  }

  /** dnf asked for a version the repository does not have. */
  public static StepReply dnfNoMatch(String version) {
    return new StepReply(1, "Last metadata expiration check: 0:00:41 ago on Tue 24 Nov 2026 09:14:03 AM UTC.\n",
        "No match for argument: alloy-" + version + "\nError: Unable to find a match: alloy-" + version + "\n");
  }

  /** zypper asked for a version the repository does not have. */
  public static StepReply zypperNotFound(String version) {
    return new StepReply(104, "Loading repository data...\nReading installed packages...\n",
        "No provider of 'alloy-" + version + "' found.\n");
  }

  /** {@code alloy fmt} on a config with a syntax error. */
  public static StepReply alloyFmtError() {
    return failed(1, """
        Error: /etc/alloy/config.alloy:14:1: expected }, got EOF

        13 |   forward_to = [prometheus.remote_write.default.receiver]
        14 |
           | ^
        """);
  }

  /** {@code systemctl enable --now alloy} when the service exits at once (a bad config, a taken port). */
  public static StepReply alloyFailedToStart() {
    return failed(1, """
        Job for alloy.service failed because the control process exited with error code.
        See "systemctl status alloy.service" and "journalctl -xeu alloy.service" for details.
        """);
  }
}
