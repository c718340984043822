package iris.enroll;

/** What a script printed and how it ended. */
public record CommandResult(int exitCode, String stdout, String stderr) {

  private static final int EXCERPT_CHARS = 2_000;

  public boolean ok() {
    return exitCode == 0;
  }

  /**
   * The output excerpt of a script that succeeded; for one that did not, a {@link StepFailure}
   * saying {@code failure}, the exit code and the last line the script printed (where tools say why).
   */
  public String excerptOrFail(String failure) throws StepFailure {
    if (ok()) {
      return excerpt();
    }
    String why = lastLine(stderr.isBlank() ? stdout : stderr);
    throw new StepFailure(failure + " (exit " + exitCode + ")" + (why.isEmpty() ? "" : ": " + why), excerpt());
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        String line = lines[i].strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
      }
    }
    return "";
  }

  /** The tail of the output, which is where a failing tool says why: small enough to keep per step. */
  public String excerpt() {
    String both = (stdout + (stderr.isBlank() ? "" : "\n" + stderr)).strip();
    return both.length() <= EXCERPT_CHARS ? both : "…" + both.substring(both.length() - EXCERPT_CHARS);
  }
}
