package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import iris.IrisConfig;
import iris.enroll.EnrollmentFinished;
import iris.registry.HostStore;
import iris.registry.Ownership.Contact;
import iris.registry.OwnershipStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells a host's maintainers (else the default channel) that its enrollment or unenrollment
 * succeeded or failed, on each channel they take, through the outbox (retried, never twice).
 */
final class EnrollmentNotices {
  private final HostStore hosts;
  private final OwnershipStore owners;
  private final Map<String, Channel> channels;
  private final IrisConfig.Notify config;
  private final Outbox outbox;

  EnrollmentNotices(HostStore hosts, OwnershipStore owners, Outbox outbox, Map<String, Channel> channels, IrisConfig.Notify config) {
    this.hosts = hosts;
    this.outbox = outbox;
    this.owners = owners;
    this.channels = channels;
    this.config = config;
  }

  /**
   * Writes the notice of a finished job to the outbox, once per recipient and channel (a repeated
   * event adds nothing); returns the new rows' ids.
   *
   */
  Future<List<Long>> handle(EnrollmentFinished finished) {
    Notice notice = notice(finished);
    String topic = "enrollment:" + finished.jobId();
    return maintainerNames(finished).compose(this::recipients).compose(recipients -> {
      List<Outbox.NewMessage> messages = new ArrayList<>();
      for (Map.Entry<Recipient, List<String>> entry : recipients.entrySet()) {
        for (String channelName : entry.getValue()) {
          Channel channel = channels.get(channelName);
          if (channel != null && channel.reaches(entry.getKey())) {
            messages.add(new Outbox.NewMessage(topic, null, List.of(), "notice", channelName, entry.getKey().name(), notice));
          }
        }
      }
      return outbox.once(messages);
    });
  }

  static Notice notice(EnrollmentFinished finished) {
    boolean good = "succeeded".equals(finished.state());
    boolean unenroll = "unenroll".equals(finished.kind());
    String host = finished.hostname() != null ? finished.hostname() : finished.target() != null ? finished.target() : "a host";
    String what = unenroll ? "Unenrollment" : "Enrollment";
    String title = what + " of " + host + (good ? " succeeded" : " failed");
    String text = good
        ? (unenroll ? "Its Prometheus targets are removed and it is no longer in the registry."
            : "Grafana Alloy runs on the host and Prometheus scrapes it.")
        : "Iris stopped at this step: " + (finished.error() != null ? finished.error() : "unknown");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Host", host);
    if (finished.target() != null) {
      facts.put("Address", finished.target());
    }
    facts.put("Job", "/api/v1/hosts/enrollments/" + finished.jobId());
    return new Notice(title, text, good, facts, null);
  }

  private Future<List<String>> maintainerNames(EnrollmentFinished finished) {
    Set<String> names = new LinkedHashSet<>(finished.maintainers());
    Long hostId = finished.hostId();
    if (hostId == null || "unenroll".equals(finished.kind())) {
      return Future.succeededFuture(new ArrayList<>(names));
    }
    return hosts.find(hostId).map(host -> {
      if (host != null) {
        host.getJsonArray("maintainers", new JsonArray()).forEach(n -> names.add(String.valueOf(n)));
      }
      return new ArrayList<>(names);
    });
  }

  /** Each maintainer with the channels they take; nobody means the default channel, if there is one. */
  private Future<Map<Recipient, List<String>>> recipients(List<String> names) {
    List<Future<Contact>> lookups = names.stream().map(owners::contact).toList();
    return Future.all(new ArrayList<>(lookups)).map(v -> {
      Map<Recipient, List<String>> recipients = new LinkedHashMap<>();
      for (Future<Contact> lookup : lookups) {
        Contact c = lookup.result();
        if (c != null) {
          recipients.put(Recipient.of(c), c.channels());
        }
      }
      if (recipients.isEmpty()) {
        recipients.put(Routing.defaultRecipient(config), List.of("teams", "email", GraphChannel.NAME));
      }
      return recipients;
    });
  }
}
