package iris.enroll;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Writes a file on a Windows host with nothing but PowerShell scripts: each carries a base64
 * chunk that fits one WinRM command line and appends it to {@code <path>.iris-part}; the last
 * renames the part over the target, so a reader never sees half a file.
 *
 * <p>Each chunk is a full WinRM round trip (about 1.5 KB per call), which suits configuration files
 * of a few KB. Large files (the Alloy installer) are not pushed this way: the host downloads them
 * from the Grafana repository or the internal mirror.
 */
final class PowerShellUpload {

  private PowerShellUpload() {}

  static List<String> scripts(byte[] content, String remotePath) {
    String part = remotePath + ".iris-part";
    int chunkBytes = chunkBytes(part, remotePath);
    List<String> scripts = new ArrayList<>();
    int from = 0;
    do {
      int to = Math.min(content.length, from + chunkBytes);
      String payload = Base64.getEncoder().encodeToString(Arrays.copyOfRange(content, from, to));
      scripts.add(script(part, remotePath, payload, from == 0, to == content.length));
      from = to;
    } while (from < content.length);
    return scripts;
  }

  /** As many bytes as leave the longest chunk script (first and last at once) within the command line. */
  private static int chunkBytes(String part, String remotePath) {
    // every payload character costs 8/3 on the line; 4 spare for base64 padding
    int room = (PowerShellCommandLine.MAX_LENGTH - 4
        - PowerShellCommandLine.length(script(part, remotePath, "", true, true))) * 3 / 8;
    int bytes = room / 4 * 3; // base64 turns every 3 bytes into 4 characters
    if (bytes < 300) {
      throw new IllegalArgumentException("remote path too long for a WinRM upload: " + remotePath);
    }
    return bytes;
  }

  private static String script(String part, String remotePath, String payload, boolean first, boolean last) {
    StringBuilder script = new StringBuilder()
        .append("$ErrorActionPreference = 'Stop'\n")
        .append("$part = ").append(PowerShellCommandLine.quote(part)).append('\n')
        .append("$bytes = [Convert]::FromBase64String('").append(payload).append("')\n")
        .append("$file = [IO.File]::Open($part, [IO.FileMode]::").append(first ? "Create" : "Append").append(")\n")
        .append("try { $file.Write($bytes, 0, $bytes.Length) } finally { $file.Dispose() }\n");
    if (last) {
      script.append("Move-Item -LiteralPath $part -Destination ").append(PowerShellCommandLine.quote(remotePath))
          .append(" -Force\n");
    }
    return script.toString();
  }
}
