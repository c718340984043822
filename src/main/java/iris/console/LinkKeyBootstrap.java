package iris.console;

import iris.GeneratedSecret;
import iris.IrisConfig;
import java.nio.file.Path;
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
    return config.withConsoleLinkKey(GeneratedSecret.readOrGenerate(file, "console.link_key", "key",
        made -> LOG.info("Generated the key that signs one-click links into {}", made.toAbsolutePath())));
  }
}
