package iris.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import iris.http.Scope;

/**
 * Makes sure an administrator can reach the API on first start: IRIS_API_KEY seeds an admin
 * key; with none configured and none stored, Iris makes one, keeps only its hash, and writes
 * the key once to {@code <data_dir>/admin-api-key} (0600).
 */
public final class ApiKeyBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyBootstrap.class);
  public static final String SEEDED_NAME = "admin (IRIS_API_KEY)";
  public static final String GENERATED_NAME = "admin (generated)";
  public static final String KEY_FILE = "admin-api-key";

  private ApiKeyBootstrap() {}

  public static Future<Void> run(Vertx vertx, ApiKeyStore store, String seedKey, Path dataDir) {
    if (!seedKey.isEmpty()) {
      return store.upsertAdmin(SEEDED_NAME, ApiKeyStore.hash(seedKey))
          .onSuccess(v -> LOG.info("Admin API key from IRIS_API_KEY is active"));
    }
    return store.countActive().compose(count -> {
      if (count > 0) {
        return Future.succeededFuture();
      }
      String key = ApiKeyStore.newKey();
      return store.create(GENERATED_NAME + " " + System.currentTimeMillis(), Scope.ADMIN, ApiKeyStore.hash(key))
          .compose(created -> vertx.executeBlocking(() -> writeKeyFile(dataDir.resolve(KEY_FILE), key)))
          .onSuccess(file -> LOG.warn("No API key was configured: created an admin key and wrote it to {} (read it, then delete the file)", file.toAbsolutePath()))
          .mapEmpty();
    });
  }

  private static Path writeKeyFile(Path file, String key) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, key + "\n", StandardOpenOption.WRITE);
    return file;
  }
}
