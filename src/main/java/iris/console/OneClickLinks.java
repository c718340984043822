package iris.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import iris.http.SignedLinks;
import iris.incident.IncidentEvents;
import iris.incident.IncidentStore;
import iris.registry.HostStore;
import iris.registry.HostTag;
import iris.registry.HostTagStore;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /console/links/{token}}: a one-click link from a message. Opening it shows what it
 * would do and a button; the button does it once, without a sign-in (the signed token is the
 * permission, bound to one incident and one action). A used, expired or forged token says so.
 */
final class OneClickLinks {
  static final Duration KNOWN_ISSUE_FOR = Duration.ofHours(4);
  static final String ACTOR = "one-click link";

  private final ConsoleWeb web;
  private final SignedLinks links;
  private final LinkUses uses;
  private final IncidentStore incidents;
  private final HostStore hosts;
  private final HostTagStore tags;
  private final String hostLabel;
  private final Clock clock;

  OneClickLinks(ConsoleWeb web, SignedLinks links, LinkUses uses, IncidentStore incidents, HostStore hosts, HostTagStore tags,
      String hostLabel, Clock clock) {
    this.web = web;
    this.links = links;
    this.uses = uses;
    this.incidents = incidents;
    this.hosts = hosts;
    this.tags = tags;
    this.hostLabel = hostLabel;
    this.clock = clock;
  }

  void addRoutes(Router router, Vertx vertx) {
    router.get("/console/links/:token").handler(ctx -> open(ctx));
    router.post("/console/links/:token").handler(ctx -> act(ctx, vertx));
  }

  private void open(RoutingContext ctx) {
    SignedLinks.Verdict verdict = links.verify(ctx.pathParam("token"));
    if (!verdict.valid()) {
      refused(ctx, verdict);
      return;
    }
    SignedLinks.Grant grant = verdict.grant();
    uses.usedAt(grant.nonce()).compose(used -> incidents.find(grant.incidentId()).map(incident -> {
      Map<String, Object> model = model(grant, incident);
      if (used != null) {
        model.put("used_at", used.toString());
      }
      return model;
    })).onSuccess(model -> web.render(ctx, ConsoleWeb.session(ctx), model.containsKey("used_at") ? 410 : 200,
        "console/link.ftlh", "", model))
        .onFailure(e -> web.failed(ctx, ConsoleWeb.session(ctx), e));
  }

  private void act(RoutingContext ctx, Vertx vertx) {
    SignedLinks.Verdict verdict = links.verify(ctx.pathParam("token"));
    if (!verdict.valid()) {
      refused(ctx, verdict);
      return;
    }
    SignedLinks.Grant grant = verdict.grant();
    incidents.find(grant.incidentId()).compose(incident -> {
      if (incident == null) {
        return Future.succeededFuture(result(grant, null, false, "Incident #" + grant.incidentId() + " no longer exists."));
      }
      return uses.claim(grant).compose(first -> {
        if (!first) {
          return uses.usedAt(grant.nonce()).map(at -> {
            Map<String, Object> model = model(grant, incident);
            model.put("used_at", at == null ? "" : at.toString());
            return model;
          });
        }
        return perform(grant, incident, vertx)
            .map(done -> result(grant, incident, true, done))
            .recover(e -> uses.release(grant).transform(r -> Future.failedFuture(e)));
      });
    }).onSuccess(model -> web.render(ctx, ConsoleWeb.session(ctx), model.containsKey("used_at") ? 410 : 200,
        "console/link.ftlh", "", model))
        .onFailure(e -> {
          if (e instanceof NoHost) {
            web.render(ctx, ConsoleWeb.session(ctx), 409, "console/link.ftlh", "", result(grant, null, false, e.getMessage()));
          } else {
            web.failed(ctx, ConsoleWeb.session(ctx), e);
          }
        });
  }

  /** Does the action; says what was done. */
  private Future<String> perform(SignedLinks.Grant grant, JsonObject incident, Vertx vertx) {
    long id = grant.incidentId();
    return switch (grant.action()) {
      case ACKNOWLEDGE -> incidents.annotate(id, null, null, ACTOR).map(updated -> {
        IncidentEvents.live(vertx.eventBus(), List.of(id), "changed");
        return "Incident #" + id + " is acknowledged.";
      });
      case KNOWN_ISSUE -> {
        String instance = incident.getJsonObject("labels", new JsonObject()).getString(hostLabel, incident.getString("instance"));
        yield hosts.findByInstance(instance).compose(host -> {
          if (host == null) {
            return Future.failedFuture(new NoHost(instance));
          }
          OffsetDateTime until = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).plus(KNOWN_ISSUE_FOR);
          HostTag tag = new HostTag("known_issue", null, "marked from a one-click link in a message about incident #" + id,
              new JsonObject().put("incident_id", id), until);
          return tags.add(host.getLong("id"), tag, ACTOR).map(added -> {
            IncidentEvents.live(vertx.eventBus(), List.of(id), "changed");
            return "Host " + host.getString("hostname") + " is marked as a known issue until " + until.toInstant()
                + ": its alerts are not notified until then.";
          });
        });
      }
    };
  }

  /** The incident names no registered host: nothing to tag. */
  static final class NoHost extends RuntimeException {
    NoHost(String instance) {
      super("no registered host matches instance " + (instance == null ? "(none)" : "'" + instance + "'")
          + "; register the host to mark it as a known issue");
    }
  }

  private void refused(RoutingContext ctx, SignedLinks.Verdict verdict) {
    Map<String, Object> model = new HashMap<>();
    if (verdict.refusal() == SignedLinks.Refusal.EXPIRED) {
      model.put("expired_at", verdict.grant().expiresAt().toString());
      model.put("incident_id", verdict.grant().incidentId());
      model.put("action", verdict.grant().action().title());
    } else {
      model.put("invalid", true);
    }
    web.render(ctx, ConsoleWeb.session(ctx), verdict.refusal() == SignedLinks.Refusal.EXPIRED ? 410 : 404,
        "console/link.ftlh", "", model);
  }

  private Map<String, Object> model(SignedLinks.Grant grant, JsonObject incident) {
    Map<String, Object> model = new HashMap<>();
    model.put("incident_id", grant.incidentId());
    model.put("action", grant.action().title());
    model.put("action_wire", grant.action().wire());
    model.put("expires_at", grant.expiresAt().toString());
    if (incident != null) {
      model.put("incident", Plain.of(incident));
    }
    return model;
  }

  private Map<String, Object> result(SignedLinks.Grant grant, JsonObject incident, boolean done, String message) {
    Map<String, Object> model = model(grant, incident);
    model.put(done ? "done" : "problem", message);
    return model;
  }
}
