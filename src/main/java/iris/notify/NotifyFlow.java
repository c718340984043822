package iris.notify;

import io.vertx.core.Context;
import io.vertx.core.Future;
import iris.db.Coalescer;
import iris.IrisConfig;
import iris.incident.Claim;
import iris.incident.Pipeline;
import iris.notify.NotifyStore.Pending;
import iris.notify.NotifyStore.PendingQuery;
import iris.notify.Outbox.NewMessage;
import iris.registry.Ownership;
import iris.registry.OwnershipStore;
import iris.registry.OwnershipStore.Lookup;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The notify stage's work on one claimed alert group, in Alertmanager's shape: resolutions
 * first ({@link Resolve}), then for firing alerts {@link Suppress} → {@link Hold} → {@link Route}
 * → {@link Group}; the messages go into the outbox and their incidents become routed in one
 * statement, fenced by the claim, so a re-drive never writes a message twice. Sending is
 * {@link Deliver}'s, after the commit.
 */
final class NotifyFlow {
  /** Incidents of one group taken per claim; fewer while the intake is busy. */
  static final int GROUP_SLICE = 1000;
  static final int BUSY_SLICE = 100;
  /** Incidents one claim takes through the stages at most (a lease is {@code pipeline.lease_seconds}). */
  static final int MAX_PER_CLAIM = 100_000;
  /** How long a resolution waits before looking again at its unsettled firing message. */
  static final Duration RESOLUTION_WAIT = Duration.ofSeconds(5);

  private final NotifyStore store;
  private final OwnershipStore owners;
  private final Outbox outbox;
  private final Pipeline pipeline;
  private final Suppress suppress;
  private final Hold hold;
  private final Route route;
  private final IrisConfig.Notify config;
  private final Clock clock;
  private final Consumer<List<Long>> written;
  private final BooleanSupplier intakeBusy;
  private final iris.http.SignedLinks links;
  /** The claimed groups' reads of their incidents, one statement for those made together. */
  private final Coalescer<PendingQuery, List<Pending>> pendingReads;

  /** @param written told the ids of new outbox rows once they are committed */
  NotifyFlow(NotifyStore store, OwnershipStore owners, Outbox outbox, Pipeline pipeline, List<Muter> muters,
      IrisConfig.Notify config, Set<String> channels, Clock clock, Consumer<List<Long>> written,
      BooleanSupplier intakeBusy, iris.http.SignedLinks links, Context context) {
    this.intakeBusy = intakeBusy;
    this.links = links;
    this.pendingReads = new Coalescer<>(context, 64, store::pending);

    this.store = store;
    this.owners = owners;
    this.outbox = outbox;
    this.pipeline = pipeline;
    this.suppress = new Suppress(muters);
    this.hold = new Hold(config.flakyHold(), clock);
    this.route = new Route(config, channels);
    this.config = config;
    this.clock = clock;
    this.written = written;
  }

  Future<Void> work(Claim claim) {
    Drafts drafts = new Drafts();
    List<Long> routedIds = new ArrayList<>();
    return slices(claim, 0, intakeBusy.getAsBoolean() ? BUSY_SLICE : GROUP_SLICE, drafts, routedIds)
        .compose(v -> write(claim, drafts.messages(claim.groupId()), routedIds));
  }

  /**
   * The group's due incidents slice by slice (by id), each through the stages, into one draft
   * per recipient: a group of any size is one message per recipient, and only the drafts'
   * samples stay in memory. Up to {@link #MAX_PER_CLAIM} incidents per claim; a larger rest
   * makes the next message.
   */
  private Future<Void> slices(Claim claim, long after, int limit, Drafts drafts, List<Long> routedIds) {
    return pendingReads.add(new PendingQuery(claim.groupId(), after, limit)).compose(pending -> {
      if (pending.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Pending> firing = pending.stream().filter(p -> "firing".equals(p.status())).toList();
      List<Pending> resolved = pending.stream().filter(p -> "resolved".equals(p.status())).toList();
      long last = pending.get(pending.size() - 1).id();
      boolean more = pending.size() == limit && routedIds.size() + GROUP_SLICE <= MAX_PER_CLAIM;
      return resolutions(claim, resolved, drafts, routedIds)
          .compose(v -> firing(claim, firing, drafts, routedIds))
          .compose(v -> more ? slices(claim, last, GROUP_SLICE, drafts, routedIds) : Future.succeededFuture());
    });
  }

  /** The drafts of one claim's messages, by kind and recipient, in the order they began. */
  private final class Drafts {
    private record Key(String kind, Routing.Target target) {}

    private final Map<Key, Draft> byKey = new LinkedHashMap<>();

    void add(String kind, Routing.Target target, List<Pending> incidents) {
      Draft draft = byKey.computeIfAbsent(new Key(kind, target), k -> new Draft(kind, target));
      incidents.forEach(draft::add);
    }

    List<NewMessage> messages(long groupId) {
      return byKey.values().stream().map(d -> new NewMessage("group:" + groupId, groupId, d.ids(), d.kind,
          d.target.channel(), d.target.recipient(), Composer.compose(groupId, d, links))).toList();
    }
  }

  private Future<Void> resolutions(Claim claim, List<Pending> resolved, Drafts drafts, List<Long> routedIds) {
    if (resolved.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Long> ids = resolved.stream().map(Pending::id).toList();
    return outbox.cancelUnsentFiring(ids).compose(n -> outbox.firingOf(ids)).compose(told -> {
      Resolve.Decision decision = Resolve.decide(resolved, told);
      decision.tell().forEach((target, incidents) -> {
        drafts.add("resolved", target, incidents);
        incidents.forEach(p -> routedIds.add(p.id()));
      });
      List<Future<?>> moves = new ArrayList<>();
      moves.add(pipeline.postponed(claim, ids(decision.waiting()), now().plus(RESOLUTION_WAIT),
          "resolved: waiting for its firing message to be sent or to fail"));
      byReason(decision.silent()).forEach((reason, silentIds) -> moves.add(pipeline.suppressed(claim, silentIds, reason)));
      return Future.all(moves).mapEmpty();
    });
  }

  private Future<Void> firing(Claim claim, List<Pending> firing, Drafts drafts, List<Long> routedIds) {
    if (firing.isEmpty()) {
      return Future.succeededFuture();
    }
    return ownersOf(firing).compose(ownership -> suppress.muted(firing, ownership).compose(muted -> {
      List<Future<?>> moves = new ArrayList<>();
      Map<Pending, String> mutedByIncident = new LinkedHashMap<>();
      Map<OffsetDateTime, List<Long>> heldUntil = new LinkedHashMap<>();
      Map<OffsetDateTime, String> heldWhy = new HashMap<>();
      List<Pending> going = new ArrayList<>();
      for (Pending p : firing) {
        String reason = muted.get(p.id());
        if (reason != null) {
          mutedByIncident.put(p, reason);
          continue;
        }
        Ownership owner = ownership.get(p.id());
        var until = hold.until(p, owner);
        if (until.isPresent()) {
          heldUntil.computeIfAbsent(until.get(), k -> new ArrayList<>()).add(p.id());
          heldWhy.put(until.get(), hold.reason(owner));
          continue;
        }
        going.add(p);
      }
      byReason(mutedByIncident).forEach((reason, ids) -> moves.add(pipeline.suppressed(claim, ids, reason)));
      heldUntil.forEach((until, ids) -> moves.add(pipeline.postponed(claim, ids, until, heldWhy.get(until))));
      Route.Routed routed = route.route(going, ownership);
      moves.add(pipeline.failed(claim, ids(routed.unrouted()),
          "no recipient: nobody owns this alert and no default channel is configured"));
      Group.byTarget(routed.routed()).forEach(batch -> drafts.add("firing", batch.target(), batch.incidents()));
      routed.routed().keySet().forEach(p -> routedIds.add(p.id()));
      return Future.all(moves).mapEmpty();
    }));
  }

  /** The messages and the move to routed, in one statement; nothing if the claim was lost meanwhile. */
  private Future<Void> write(Claim claim, List<NewMessage> messages, List<Long> routedIds) {
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Long> distinct = new ArrayList<>(new LinkedHashSet<>(routedIds));
    return pipeline.routed(claim, distinct, Outbox.appendIfMoved(messages)).compose(routed -> routed.moved().isEmpty()
            ? Future.failedFuture(new IllegalStateException("the claim on alert group " + claim.groupId() + " was lost"))
            : Future.succeededFuture(routed.written()))
        .onSuccess(written::accept)
        .mapEmpty();
  }

  /** One round trip for the owners of every distinct instance and service labels of the group. */
  private Future<Map<Long, Ownership>> ownersOf(List<Pending> pending) {
    Map<Lookup, Integer> index = new LinkedHashMap<>();
    Map<Long, Lookup> byIncident = new HashMap<>();
    for (Pending p : pending) {
      String instance = p.labels().getString(config.hostLabel(), p.instance());
      List<String> services = config.serviceLabels().stream().map(l -> p.labels().getString(l))
          .filter(v -> v != null && !v.isBlank()).toList();
      Lookup lookup = new Lookup(instance, services);
      index.putIfAbsent(lookup, index.size());
      byIncident.put(p.id(), lookup);
    }
    return owners.ownersOf(new ArrayList<>(index.keySet())).map(found -> {
      Map<Long, Ownership> out = new HashMap<>();
      byIncident.forEach((id, lookup) -> out.put(id, found.get(index.get(lookup))));
      return out;
    });
  }

  private static Map<String, List<Long>> byReason(Map<Pending, String> reasons) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    reasons.forEach((p, reason) -> out.computeIfAbsent(reason, k -> new ArrayList<>()).add(p.id()));
    return out;
  }

  private static List<Long> ids(List<Pending> pending) {
    return pending.stream().map(Pending::id).toList();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
