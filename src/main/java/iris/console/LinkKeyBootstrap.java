package iris.console;

import iris.ConfigException;
import iris.IrisConfig;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs one-click links: IRIS_CONSOLE_LINK_KEY, else the one in
 * {@code <data_dir>/console-link-key}, generated (0600) at first start. A cluster must configure
 * it (a key per node would not open another node's links): without it, messages carry no
 * one-click links, and every start says so.
 */
public final class LinkKeyBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(LinkKeyBootstrap.class);
  public static final String KEY_FILE = "console-link-key";

  private LinkKeyBootstrap() {}

  /** The config with the key in force; blocking (start-up only). */
  public static IrisConfig resolve(IrisConfig config) {
    IrisConfig.Console console = config.console();
    if (!console.generateLinkKey()) {
      return config;
    }
    if (config.cluster().enabled()) {
      LOG.warn("console.link_key (IRIS_CONSOLE_LINK_KEY) is not set in a cluster: messages carry no one-click links;"
          + " set it, the same on every node, to offer them");
      return config.withConsoleLinkKey("");
    }
    Path file = config.dataDir().resolve(KEY_FILE);
    try {
      if (!Files.exists(file)) {
        write(file, newKey());
        LOG.info("Generated the key that signs one-click links into {}", file.toAbsolutePath());
      }
      String key = Files.readString(file).strip();
      if (key.isEmpty()) {
        throw new ConfigException("console.link_key: " + file + " is empty; delete it to have a new key generated");
      }
      return config.withConsoleLinkKey(key);
    } catch (IOException e) {
      throw new ConfigException("console.link_key: cannot read or write " + file + ": " + e.getMessage());
    }
  }

  private static String newKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void write(Path file, String key) throws IOException {
    Files.createDirectories(file.getParent());
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      return; // another process sharing the data directory made it first
    }
    Files.writeString(file, key + "\n", StandardOpenOption.WRITE);
  }
}
