package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PowerShellUploadTest {

  @Test
  void everyChunkFitsOneCommandLineEvenWithALongPath() {
    String path = "C:\\ProgramData\\" + "deep\\".repeat(40) + "config.alloy";
    List<String> scripts = PowerShellUpload.scripts(new byte[20_000], path);

    assertTrue(scripts.size() > 1);
    for (String script : scripts) {
      assertTrue(PowerShellCommandLine.length(script) <= PowerShellCommandLine.MAX_LENGTH,
          "command line of " + PowerShellCommandLine.length(script));
    }
  }

  @Test
  void chunksAreAsLargeAsTheLineAllows() {
    // a short path leaves room for over 2 KB per call: fewer round trips
    assertEquals(3, PowerShellUpload.scripts(new byte[6_000], "C:\\a.txt").size());
  }

  @Test
  void quotesPathsForPowerShell() {
    String script = PowerShellUpload.scripts(new byte[1], "C:\\O'Brien\\x.txt").get(0);
    assertTrue(script.contains("-Destination 'C:\\O''Brien\\x.txt'"), script);
  }

  @Test
  void refusesAPathThatLeavesNoRoom() {
    assertThrows(IllegalArgumentException.class, () -> PowerShellUpload.scripts(new byte[1], "C:\\" + "x".repeat(3_000)));
  }

  @Test
  void commandLineLengthMatchesWhatWinrm4jSends() {
    // "powershell -encodedcommand " + base64 of UTF-16LE: "ab" is 4 bytes, 8 base64 characters
    assertEquals(27 + 8, PowerShellCommandLine.length("ab"));
  }
}
