package iris.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetFilesTest {
  @TempDir
  Path dir;

  @Test
  void writesFileSdJsonAtomicallyAndRemovesIt() throws Exception {
    Path file = TargetFiles.write(dir, 42, List.of(new TargetFiles.Group("10.0.0.5:12345",
        Map.of("job", "node", "host_id", "42", "__metrics_path__", "/api/v0/component/prometheus.exporter.unix.default/metrics"))));
    assertEquals(dir.resolve("iris-host-42.json"), file);
    JsonArray written = new JsonArray(Files.readString(file));
    assertEquals("10.0.0.5:12345", written.getJsonObject(0).getJsonArray("targets").getString(0));
    assertEquals("node", written.getJsonObject(0).getJsonObject("labels").getString("job"));
    // Rewriting replaces the file whole; no temporary file is left to match a *.json glob.
    TargetFiles.write(dir, 42, List.of());
    assertEquals(new JsonArray(), new JsonArray(Files.readString(file)));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
    assertTrue(TargetFiles.remove(dir, 42));
    assertFalse(TargetFiles.remove(dir, 42));
  }
}
