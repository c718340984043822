package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alloy's environment file, rewritten by the configure step's shell, run here by bash on a temporary file. */
class LinuxScriptsTest {
  @TempDir
  Path dir;

  private String run(Path file) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", "set -eu\numask 022\n" + LinuxScripts.environmentFile(file.toString(), 12345))
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static boolean alloyGroupExists() throws Exception {
    Process p = new ProcessBuilder("getent", "group", "alloy").start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void theFileKeepsTheOperatorsLinesAndIsNeverWorldReadable() throws Exception {
    Path file = dir.resolve("alloy");
    Files.writeString(file, "PG_DSN=postgresql://alloy:secret@db/postgres\nCONFIG_FILE=\"/old.alloy\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    run(file);
    run(file);

    String text = Files.readString(file);
    assertTrue(text.contains("PG_DSN=postgresql://alloy:secret@db/postgres\n"), text);
    assertFalse(text.contains("/old.alloy"), text);
    assertEquals(1, text.split("## Set by Iris", -1).length - 1, "one block of Iris's keys after two runs: " + text);
    assertTrue(text.contains("CUSTOM_ARGS=\"--server.http.listen-addr=0.0.0.0:12345\""), text);

    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    assertFalse(mode.contains(PosixFilePermission.OTHERS_READ), PosixFilePermissions.toString(mode));
    String expected = alloyGroupExists() ? "rw-r-----" : "rw-------";
    assertEquals(expected, PosixFilePermissions.toString(mode));
    assertFalse(Files.exists(dir.resolve("alloy.iris")), "the temporary copy is renamed into place");
  }

  @Test
  void aNewFileIsCreatedPrivate() throws Exception {
    Path file = dir.resolve("new-alloy");
    run(file);
    assertFalse(Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ));
    assertTrue(Files.readString(file).contains("CONFIG_FILE=\"/etc/alloy/config.alloy\""));
  }
}
