package iris.enroll;

/** A step that ran and found the host unfit or the action failed; the message tells the operator what to do. */
public final class StepFailure extends Exception {
  private final String output;

  public StepFailure(String message) {
    this(message, "");
  }

  public StepFailure(String message, String output) {
    super(message, null, false, false);
    this.output = output;
  }

  /** What the host printed, for the step's record. */
  public String output() {
    return output;
  }
}
