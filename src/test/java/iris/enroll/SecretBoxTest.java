package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
  @TempDir
  Path dir;

  @Test
  void sealsWithAGeneratedKeyOnlyIrisCanRead() throws Exception {
    Path keyFile = dir.resolve("enrollment.key");
    SecretBox box = SecretBox.open("", keyFile);
    byte[] sealed = box.seal("{\"password\":\"hunter2\"}");
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("hunter2"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    // The same file opens it after a restart; another key does not.
    assertEquals("{\"password\":\"hunter2\"}", SecretBox.open("", keyFile).unseal(sealed));
    SecretBox other = SecretBox.open("", dir.resolve("other.key"));
    assertThrows(GeneralSecurityException.class, () -> other.unseal(sealed));
  }

  @Test
  void componentsOpeningTheBoxAtOnceShareOneKey() throws Exception {
    for (int round = 0; round < 20; round++) {
      Path keyFile = dir.resolve("race-" + round + ".key");
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<SecretBox>> boxes = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
          boxes.add(pool.submit(() -> {
            go.await();
            return SecretBox.open("", keyFile);
          }));
        }
        go.countDown();
        byte[] sealed = boxes.get(0).get().seal("secret");
        for (java.util.concurrent.Future<SecretBox> box : boxes) {
          assertEquals("secret", box.get().unseal(sealed));
        }
      } finally {
        pool.shutdownNow();
      }
    }
    try (var files = Files.list(dir)) {
      assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count(), "no temporary file is left");
    }
  }
}
