package iris.api;

import iris.GeneratedSecret;
import iris.IrisConfig;
import java.nio.file.Path;
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
    return config.withWebhookToken(GeneratedSecret.readOrGenerate(file, "webhook.token", "token",
        made -> LOG.warn("No webhook token was configured: generated one into {}; give it to Alertmanager"
            + " (http_config.authorization.credentials_file) or set IRIS_WEBHOOK_TOKEN", made.toAbsolutePath())));
  }
}
