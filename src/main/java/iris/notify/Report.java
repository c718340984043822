package iris.notify;

import io.vertx.core.json.JsonObject;

/**
 * A message its capability rendered itself (a digest): the Teams message to post as it is, and
 * the email's subject and two bodies. A row for one channel may carry only that channel's part;
 * a channel given a report without its part fails for good.
 *
 * @param card the whole Teams message ({@code {"type":"message","attachments":[…]}}), or null
 */
public record Report(String title, JsonObject card, String subject, String text, String html) implements Message {

  /** The same report for the Teams row only. */
  public Report forTeams() {
    return new Report(title, card, null, null, null);
  }

  /** The same report for the email row only. */
  public Report forEmail() {
    return new Report(title, null, subject, text, html);
  }
}
