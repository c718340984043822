package iris.enroll;

/**
 * The steps that differ between operating systems, each one script on the host. Calls come in
 * order (prerequisites, detect, install, configure, firewall, start); each returns what the host
 * printed, for the step's record, or throws a {@link StepFailure} that says what to fix.
 */
interface HostSteps {
  String prerequisites() throws Exception;

  HostFacts detect() throws Exception;

  String install() throws Exception;

  String configure(AlloyConfig config) throws Exception;

  String firewall() throws Exception;

  String start() throws Exception;

  /** Unenrollment: stops and disables the agent. */
  String stop() throws Exception;
}
