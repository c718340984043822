package iris.enroll;

/** What a script printed and how it ended. */
public record CommandResult(int exitCode, String stdout, String stderr) {

  private static final int EXCERPT_CHARS = 2_000;

  public boolean ok() {
    return exitCode == 0;
  }

  /** The tail of the output, which is where a failing tool says why: small enough to keep per step. */
  public String excerpt() {
    String both = (stdout + (stderr.isBlank() ? "" : "\n" + stderr)).strip();
    return both.length() <= EXCERPT_CHARS ? both : "…" + both.substring(both.length() - EXCERPT_CHARS);
  }
}
