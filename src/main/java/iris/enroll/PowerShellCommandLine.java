package iris.enroll;

import java.nio.charset.StandardCharsets;

/**
 * The command line winrm4j sends for a PowerShell script: {@code powershell -encodedcommand} and
 * the script as base64 of UTF-16LE, so every script character costs about 2.7 on the line. The
 * shell runs it through cmd.exe, whose command line holds at most 8191 characters.
 */
final class PowerShellCommandLine {
  static final int MAX_LENGTH = 8191;
  private static final int PREFIX = "powershell -encodedcommand ".length();

  private PowerShellCommandLine() {}

  static int length(String script) {
    int utf16Bytes = script.getBytes(StandardCharsets.UTF_16LE).length;
    return PREFIX + 4 * ((utf16Bytes + 2) / 3);
  }

  static boolean fits(String script) {
    return length(script) <= MAX_LENGTH;
  }

  /** A PowerShell single-quoted string literal: nothing inside is expanded; a quote is doubled. */
  static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
