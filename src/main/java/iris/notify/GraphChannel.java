package iris.notify;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import iris.Hashes;
import iris.IrisConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Teams through Microsoft Graph: one Adaptive Card per message, posted as the
 * signed-in account to a team's channel ({@code POST /v1.0/teams/{team}/channels/{channel}/messages})
 * or a chat ({@code POST /v1.0/chats/{chat}/messages}). A critical card @mentions a recipient
 * who asked for it, by Azure AD object id, resolved once from the email and kept.
 */
public final class GraphChannel implements Channel {
  public static final String NAME = "graph";
  private static final Logger LOG = LoggerFactory.getLogger(GraphChannel.class);
  /** Without a grant only a person can help: give them a minute between tries. */
  static final Duration SIGN_IN_WAIT = Duration.ofMinutes(1);

  /** Where a resolved object id is kept (the maintainer's row). */
  interface ObjectIds {
    Future<Void> record(String maintainer, String email, String objectId);
  }

  /** Where a post Graph refused for the account (401, 403) is reported (the grant's status). */
  interface Refusals {
    Future<Void> record(String error);
  }

  private final WebClient client;
  private final IrisConfig.Graph config;
  private final GraphTokens tokens;
  private final Refusals refusals;
  private final ObjectIds objectIds;
  private final Duration timeout;
  private final Clock clock;

  GraphChannel(WebClient client, IrisConfig.Graph config, GraphTokens tokens, Refusals refusals, ObjectIds objectIds,
      Duration timeout, Clock clock) {
    this.client = client;
    this.config = config;
    this.tokens = tokens;
    this.refusals = refusals;
    this.objectIds = objectIds;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean reaches(Recipient recipient) {
    return recipient != null && recipient.hasGraphDestination();
  }

  /** Graph allows about 10 posts per 10 s to one channel or chat: wait for a slot instead of being throttled. */
  @Override
  public RateLimit rateLimit(Recipient recipient) {
    return reaches(recipient) ? new RateLimit("graph:" + Hashes.sha256Hex(path(recipient)).substring(0, 16), config.ratePerSecond())
        : null;
  }

  @Override
  public Future<Void> send(Message message, Recipient recipient) {
    String who = Recipient.who(recipient);
    if (!reaches(recipient)) {
      return Future.failedFuture(DeliveryFailure.permanent(who + " has no Teams channel or chat for Graph"));
    }
    return tokens.accessToken()
        .recover(e -> Future.failedFuture(noToken(e, who)))
        .compose(token -> mention(message, recipient, token)
            .compose(mention -> post(recipient, token, body(message, mention), who)));
  }

  /** The chatMessage for {@code message}, shrunk like a Workflows card until it fits Graph's 28 KB. */
  static JsonObject body(Message message, AdaptiveCard.Mention mention) {
    return message instanceof Notification n ? AdaptiveCard.fitted(n, mention, GraphChannel::chatMessage)
        : chatMessage(AdaptiveCard.noticeCard((Notice) message));
  }

  /**
   * A chatMessage whose HTML body points at its one attachment, the card, which Graph takes as
   * a JSON string. The attachment id only has to be unique in the message and the same in both places.
   */
  static JsonObject chatMessage(JsonObject card) {
    String content = card.encode();
    String id = Hashes.sha256Hex(content).substring(0, 32);
    return new JsonObject()
        .put("body", new JsonObject().put("contentType", "html").put("content", "<attachment id=\"" + id + "\"></attachment>"))
        .put("attachments", new JsonArray().add(new JsonObject().put("id", id).put("contentType", AdaptiveCard.CONTENT_TYPE)
            .putNull("contentUrl").put("content", content)));
  }

  /** The path of the recipient's chat, else of their team's channel. */
  static String path(Recipient recipient) {
    if (recipient.graphChatId() != null && !recipient.graphChatId().isBlank()) {
      return "/v1.0/chats/" + segment(recipient.graphChatId()) + "/messages";
    }
    return "/v1.0/teams/" + segment(recipient.graphTeamId()) + "/channels/" + segment(recipient.graphChannelId()) + "/messages";
  }

  /** Teams ids hold ':' and '@', which a path segment may carry as they are (Graph's own examples do). */
  private static String segment(String id) {
    return URLEncoder.encode(id.strip(), StandardCharsets.UTF_8).replace("%3A", ":").replace("%40", "@").replace("+", "%20");
  }

  private Future<AdaptiveCard.Mention> mention(Message message, Recipient recipient, String token) {
    if (!recipient.mention() || !AdaptiveCard.callsForMention(message)) {
      return Future.succeededFuture(null);
    }
    if (recipient.aadObjectId() != null && !recipient.aadObjectId().isBlank()) {
      return Future.succeededFuture(new AdaptiveCard.Mention(recipient.aadObjectId(), recipient.name()));
    }
    String email = recipient.email();
    if (email == null || email.isBlank()) {
      LOG.info("{} asked for mentions but has no email to find their Teams user by: the card names nobody", recipient.name());
      return Future.succeededFuture(null);
    }
    // An alert goes out without its mention rather than late: a failed look-up is logged and tried at the next one.
    return client.getAbs(config.apiUrl() + "/v1.0/users/" + segment(email)).addQueryParam("$select", "id,displayName")
        .bearerTokenAuthentication(token).putHeader("Accept", "application/json").timeout(timeout.toMillis()).send()
        .transform(done -> {
          String id = done.succeeded() && done.result().statusCode() == 200 ? objectId(done.result()) : null;
          if (id == null) {
            LOG.warn("The Teams user of {} ({}) could not be found ({}): the critical card goes without the mention",
                recipient.name(), email, done.succeeded() ? "HTTP " + done.result().statusCode()
                    + GraphAnswer.detail(done.result().bodyAsString()) : done.cause().toString());
            return Future.succeededFuture(null);
          }
          Future<Void> kept = Routing.DEFAULT.equals(recipient.name()) ? Future.succeededFuture()
              : objectIds.record(recipient.name(), email, id).recover(e -> {
                LOG.warn("The object id of {} could not be kept: {}", recipient.name(), e.toString());
                return Future.succeededFuture();
              });
          return kept.map(v -> new AdaptiveCard.Mention(id, recipient.name()));
        });
  }

  private static String objectId(HttpResponse<Buffer> response) {
    try {
      String id = new JsonObject(response.bodyAsString()).getString("id");
      return id == null || id.isBlank() ? null : id;
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      return null;
    }
  }

  private Future<Void> post(Recipient recipient, String token, JsonObject body, String who) {
    return client.postAbs(config.apiUrl() + path(recipient))
        .bearerTokenAuthentication(token)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        // bounds the wait for a connection and silence on it, and resets the request: never sent after its retry
        .timeout(timeout.toMillis())
        .sendBuffer(body.toBuffer())
        .transform(done -> done.succeeded() ? answered(done.result(), token, who) : Future.failedFuture(unreachable(done.cause(), who)));
  }

  private Future<Void> answered(HttpResponse<Buffer> response, String token, String who) {
    int status = response.statusCode();
    DeliveryFailure failure = GraphAnswer.failure(who, null, status, response.getHeader("Retry-After"), response.bodyAsString(),
        clock.instant());
    if (failure == null) {
      return Future.succeededFuture();
    }
    if (status == 401 || status == 403) {
      if (status == 401) {
        tokens.forget(token);
      }
      LOG.warn("Graph refused a post: {}", failure.getMessage());
      return refusals.record(failure.getMessage()).transform(v -> Future.failedFuture(failure));
    }
    return Future.failedFuture(failure);
  }

  private DeliveryFailure noToken(Throwable e, String who) {
    String reason = "no Graph token for " + who + ": " + e.getMessage();
    return e instanceof GraphTokens.Unavailable u && u.needsSignIn()
        ? new DeliveryFailure(reason, true, SIGN_IN_WAIT) : DeliveryFailure.retryable(reason);
  }

  /** A timeout or a network error: the message may not have arrived, so another try is fair. */
  private DeliveryFailure unreachable(Throwable cause, String who) {
    if (cause instanceof TimeoutException) {
      return DeliveryFailure.retryable("Graph did not answer the post for " + who + " within " + timeout.toMillis() + " ms");
    }
    return DeliveryFailure.retryable("Graph unreachable for " + who + " (" + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")");
  }
}
