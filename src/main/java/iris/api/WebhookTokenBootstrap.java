package iris.api;

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
 * The webhook is never open by accident: with no IRIS_WEBHOOK_TOKEN, Iris uses the token in
 * {@code <data_dir>/webhook-token}, generating it (0600) at first start. An explicitly empty
 * token opens the webhook, and every start says so.
 */
public final class WebhookTokenBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookTokenBootstrap.class);
  public static final String TOKEN_FILE = "webhook-token";

  private WebhookTokenBootstrap() {}

  /** The config with the token in force; blocking (start-up only). */
  public static IrisConfig resolve(IrisConfig config) {
    IrisConfig.Webhook webhook = config.webhook();
    if (!webhook.generateToken()) {
      if (webhook.token().isEmpty()) {
        LOG.warn("The Alertmanager webhook is OPEN (IRIS_WEBHOOK_TOKEN is set empty): anyone who reaches this port can post alerts");
      }
      return config;
    }
    Path file = config.dataDir().resolve(TOKEN_FILE);
    try {
      if (!Files.exists(file)) {
        write(file, newToken());
        LOG.warn("No webhook token was configured: generated one into {}; give it to Alertmanager"
            + " (http_config.authorization.credentials_file) or set IRIS_WEBHOOK_TOKEN", file.toAbsolutePath());
      }
      String token = Files.readString(file).strip();
      if (token.isEmpty()) {
        throw new ConfigException("webhook.token: " + file + " is empty; delete it to have a new token generated");
      }
      return config.withWebhookToken(token);
    } catch (IOException e) {
      throw new ConfigException("webhook.token: cannot read or write " + file + ": " + e.getMessage());
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void write(Path file, String token) throws IOException {
    Files.createDirectories(file.getParent());
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      return; // another process sharing the data directory made it first: use theirs
    }
    Files.writeString(file, token + "\n", StandardOpenOption.WRITE);
  }
}
