package iris.notify;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import iris.IrisConfig;
import iris.Templates;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The channels this installation delivers on, built from the configuration. */
final class Channels {
  private Channels() {}

  /** @param graph Teams through Graph, or null when it is not configured */
  static Map<String, Channel> from(Vertx vertx, WebClient http, IrisConfig config, Templates templates, Clock clock, TeamsGraph graph) {
    Map<String, Channel> channels = new LinkedHashMap<>();
    Duration timeout = config.notifications().timeout();
    channels.put("teams", new TeamsChannel(http, timeout, clock, config.notifications().teamsRatePerSecond()));
    if (graph != null) {
      channels.put(GraphChannel.NAME, graph.channel(timeout));
    }
    IrisConfig.Email email = config.email();
    EmailRenderer renderer = new EmailRenderer(templates);
    switch (email.transport()) {
      case "smtp" -> channels.put("email", new SmtpChannel(vertx, new SmtpSettings(email.smtpHost(), email.smtpPort(),
          SmtpSettings.StartTls.parse(email.smtpStarttls()), email.smtpSsl(), email.smtpUsername(), email.smtpPassword(),
          email.from(), timeout, timeout), renderer));
      case "gateway" -> channels.put("email", new EmailGatewayChannel(http,
          new EmailGatewaySettings(email.gatewayUrl(), email.gatewayApiKey(), email.from(), timeout), renderer, clock));
      default -> { }
    }
    return channels;
  }
}
