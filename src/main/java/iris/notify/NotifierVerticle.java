package iris.notify;

import iris.Hashes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import iris.Components;
import iris.EventAddress;
import iris.IrisConfig;
import iris.incident.IncidentChange;
import iris.incident.IncidentEvents;
import iris.notify.NotifyStore.NewDelivery;
import iris.notify.NotifyStore.Pending;
import iris.registry.Ownership;
import iris.registry.OwnershipStore;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code iris.incident.enriched}: finds each alert's owners in the registry,
 * suppresses what host tags say to, holds alerts of flaky hosts, and writes one message per
 * Alertmanager group and recipient as delivery rows, which {@link Deliverer} sends. Due
 * retries are picked up every second, by whichever node gets them first.
 */
public final class NotifierVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NotifierVerticle.class);

  private final Components components;
  private NotifyStore store;
  private OwnershipStore owners;
  private Deliverer deliverer;
  private Map<String, Channel> channels;
  private IrisConfig.Notify config;
  private final List<Muter> muters = List.of(new TagMuter());

  public NotifierVerticle(Components components) {
    this.components = components;
  }

  @Override
  public Future<?> start() {
    config = components.config().notifications();
    store = new NotifyStore(components.pool());
    owners = new OwnershipStore(components.pool());
    channels = Channels.from(vertx, components.http(), components.config(), components.templates(),
        components.clock());
    deliverer = new Deliverer(vertx, store, owners, components.sharedState(), channels, config);
    vertx.setPeriodic(1000, 1000, id -> store.due(50).onSuccess(ids -> ids.forEach(deliverer::attempt)));
    EnrollmentNotices notices = new EnrollmentNotices(new iris.registry.HostStore(components.pool()), owners, channels, config);
    return Future.join(
        vertx.eventBus().<JsonObject>consumer(EventAddress.INCIDENT_ENRICHED.address(), m -> handle(m.body())).completion(),
        vertx.eventBus().<JsonObject>consumer(EventAddress.ENROLL_FINISHED.address(), m -> notices.handle(m.body())).completion());
  }

  @Override
  public Future<?> stop() {
    return Future.join(channels.values().stream().map(Channel::close).toList());
  }

  private void handle(JsonObject message) {
    List<Long> ids = IncidentEvents.changes(message).stream().map(IncidentChange::id).toList();
    long groupId = message.getLong("group_id");
    // The recipients' addresses as routing reads them now: the first attempt needs no second lookup.
    Map<String, Recipient> recipients = new HashMap<>();
    store.enriched(ids)
        .compose(pending -> route(groupId, pending, recipients))
        .compose(deliveries -> store.createAndClaim(deliveries, deliverer.lease()))
        .onSuccess(claimed -> claimed.forEach(d -> deliverer.send(d, recipients.get(d.recipient()))))
        .onFailure(e -> LOG.warn("Notification of group {} failed (the sweeper retries): {}", groupId, e.getMessage()));
  }

  /** The deliveries for a group's incidents; suppressed, held and unowned incidents are settled here. */
  private Future<List<NewDelivery>> route(long groupId, List<Pending> pending, Map<String, Recipient> recipients) {
    List<Pending> firing = pending.stream().filter(p -> "firing".equals(p.status())).toList();
    List<Pending> resolved = pending.stream().filter(p -> "resolved".equals(p.status())).toList();
    Future<List<Pending>> resolvedToTell = resolved.isEmpty() ? Future.succeededFuture(List.of())
        : store.firingSent(resolved.stream().map(Pending::id).toList()).compose(sent -> {
          List<Long> silent = resolved.stream().map(Pending::id).filter(id -> !sent.contains(id)).toList();
          Future<Void> settled = silent.isEmpty() ? Future.succeededFuture()
              : store.finish(silent, "suppressed", "its firing message was never sent (suppressed, held as flaky, or undeliverable)");
          return settled.map(v -> resolved.stream().filter(p -> sent.contains(p.id())).toList());
        });
    return resolvedToTell.compose(toTell -> ownersOf(pending).compose(ownership -> mutes(firing, ownership).compose(muted -> {
      List<Future<?>> settled = new ArrayList<>();
      Map<Routing.Target, List<Pending>> firingByTarget = new LinkedHashMap<>();
      Map<Routing.Target, List<Pending>> resolvedByTarget = new LinkedHashMap<>();
      List<Long> unowned = new ArrayList<>();
      for (Pending p : firing) {
        Ownership owner = ownership.get(p.id());
        String reason = muted.get(p.id());
        if (reason != null) {
          settled.add(store.finish(List.of(p.id()), "suppressed", reason));
          continue;
        }
        OffsetDateTime due = p.startsAt().plus(config.flakyHold());
        if (Routing.flaky(owner) && due.isAfter(OffsetDateTime.now(ZoneOffset.UTC))) {
          settled.add(store.hold(List.of(p.id()), due, "host " + owner.hostname() + " is tagged flaky: held until it fires for "
              + config.flakyHold().toMinutes() + " min"));
          continue;
        }
        collect(p, owner, firingByTarget, unowned, recipients);
      }
      toTell.forEach(p -> collect(p, ownership.get(p.id()), resolvedByTarget, unowned, recipients));
      if (!unowned.isEmpty()) {
        settled.add(store.finish(unowned, "failed", "no recipient: nobody owns this alert and no default channel is configured"));
      }
      List<NewDelivery> deliveries = new ArrayList<>();
      firingByTarget.forEach((target, incidents) -> deliveries.add(delivery(groupId, "firing", target, incidents)));
      resolvedByTarget.forEach((target, incidents) -> deliveries.add(delivery(groupId, "resolved", target, incidents)));
      return Future.all(settled).map(v -> deliveries);
    })));
  }

  /** The first muter's reason for each muted firing incident. */
  private Future<Map<Long, String>> mutes(List<Pending> firing, Map<Long, Ownership> ownership) {
    Map<Long, String> reasons = new HashMap<>();
    List<Future<?>> checks = new ArrayList<>();
    for (Pending p : firing) {
      Future<Optional<String>> first = Future.succeededFuture(Optional.empty());
      for (Muter muter : muters) {
        first = first.compose(found -> found.isPresent() ? Future.succeededFuture(found) : muter.mutedBecause(p, ownership.get(p.id())));
      }
      checks.add(first.onSuccess(found -> found.ifPresent(reason -> reasons.put(p.id(), reason))));
    }
    return Future.all(checks).map(v -> reasons);
  }

  private void collect(Pending p, Ownership owner, Map<Routing.Target, List<Pending>> byTarget, List<Long> unowned,
      Map<String, Recipient> recipients) {
    List<Routing.Target> targets = Routing.targets(owner, p.severity(), config, channels.keySet());
    if (targets.isEmpty()) {
      unowned.add(p.id());
    }
    targets.forEach(t -> {
      byTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(p);
      Routing.recipient(owner, t.recipient(), config).ifPresent(r -> recipients.putIfAbsent(t.recipient(), r));
    });
  }

  /** One lookup per distinct instance and service labels. */
  private Future<Map<Long, Ownership>> ownersOf(List<Pending> pending) {
    Map<String, Future<Ownership>> lookups = new HashMap<>();
    Map<Long, Future<Ownership>> byIncident = new LinkedHashMap<>();
    for (Pending p : pending) {
      String instance = p.labels().getString(config.hostLabel(), p.instance());
      List<String> services = config.serviceLabels().stream().map(l -> p.labels().getString(l)).filter(v -> v != null && !v.isBlank()).toList();
      byIncident.put(p.id(), lookups.computeIfAbsent(instance + "|" + services, k -> owners.owners(instance, services)));
    }
    return Future.all(new ArrayList<>(byIncident.values())).map(v -> {
      Map<Long, Ownership> out = new HashMap<>();
      byIncident.forEach((id, f) -> out.put(id, f.result()));
      return out;
    });
  }

  private static NewDelivery delivery(long groupId, String kind, Routing.Target target, List<Pending> incidents) {
    List<Long> ids = incidents.stream().map(Pending::id).sorted().toList();
    Notification notification = Composer.compose(groupId, kind, incidents);
    String key = "g" + groupId + ":" + kind + ":" + target.channel() + ":" + target.recipient() + ":"
        + Hashes.sha256Hex(ids.stream().map(String::valueOf).collect(Collectors.joining(","))).substring(0, 24);
    return new NewDelivery(groupId, ids, kind, target.channel(), target.recipient(), key, NotificationJson.of(notification));
  }

}
