package iris;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * A secret Iris makes for itself when none is configured: kept in a file of the data directory
 * (0600), generated at first start and read at every start after. Blocking: start-up only.
 */
public final class GeneratedSecret {
  private GeneratedSecret() {}

  /**
   * The secret in {@code file}, generated first if the file does not exist ({@code generated}
   * is then told where). {@code setting} and {@code noun} name it in errors.
   */
  public static String readOrGenerate(Path file, String setting, String noun, Consumer<Path> generated) {
    try {
      if (!Files.exists(file)) {
        write(file, newSecret());
        generated.accept(file);
      }
      String secret = Files.readString(file).strip();
      if (secret.isEmpty()) {
        throw new ConfigException(setting + ": " + file + " is empty; delete it to have a new " + noun + " generated");
      }
      return secret;
    } catch (IOException e) {
      throw new ConfigException(setting + ": cannot read or write " + file + ": " + e.getMessage());
    }
  }

  private static String newSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void write(Path file, String secret) throws IOException {
    Files.createDirectories(file.getParent());
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      return; // another process sharing the data directory made it first: use theirs
    }
    Files.writeString(file, secret + "\n", StandardOpenOption.WRITE);
  }
}
