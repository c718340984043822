package iris.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import iris.http.HttpProblem;
import iris.incident.Alert;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads a webhook body as it arrives, chunk by chunk, with Jackson's non-blocking parser: each
 * alert becomes a small tree only while it is read and is kept as an {@link Alert}, so a group
 * of 50,000 alerts never exists as one tree (nor as one buffer). The group's own fields come
 * before or after the alerts (Alertmanager writes {@code version} and {@code groupKey} after
 * them), so they are checked at the end, before the first bad alert is reported.
 *
 * <p>Past {@code maxBytes} it keeps reading the group's fields only, so the refusal can name
 * the receiver and group key; {@link #tooLarge()} then says so.
 */
final class PayloadStream {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      // A label value over 20 MB is refused by the body limit, never by the parser's own.
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final long maxBytes;
  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final ObjectNode group = NODES.objectNode();
  private final List<Alert> alerts = new ArrayList<>();
  /** Open containers of the value being read; the root object is the first. */
  private final Deque<ContainerNode<?>> open = new ArrayDeque<>();
  private String field;
  /** Inside the root's alerts array, where each element is one alert. */
  private boolean inAlerts;
  private boolean sawAlerts;
  private boolean rootDone;
  private long bytes;
  private int alertIndex;
  private HttpProblem firstBadAlert;
  private HttpProblem malformed;

  PayloadStream(long maxBytes) {
    this.maxBytes = maxBytes;
    try {
      this.parser = FACTORY.createNonBlockingByteArrayParser();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  /** The whole body at once (tests, and callers that already hold it). */
  static AlertmanagerPayload.Parsed parse(byte[] body) {
    PayloadStream stream = new PayloadStream(Long.MAX_VALUE);
    if (body != null) {
      stream.feed(body, 0, body.length);
    }
    return stream.end();
  }

  long bytes() {
    return bytes;
  }

  boolean tooLarge() {
    return bytes > maxBytes;
  }

  /** What the group's fields say so far (for a refusal's log line): the receiver, or "". */
  String receiver() {
    JsonNode r = group.get("receiver");
    return r != null && r.isTextual() ? StorableText.clean(r.textValue()) : "";
  }

  String groupKey() {
    JsonNode k = group.get("groupKey");
    return k != null && k.isTextual() ? StorableText.clean(k.textValue()) : "";
  }

  void feed(byte[] chunk, int from, int to) {
    bytes += to - from;
    if (malformed != null || to == from) {
      return;
    }
    try {
      feeder.feedInput(chunk, from, to);
      drain();
    } catch (IOException e) {
      malformed = HttpProblem.badRequest("body", "malformed JSON: " + originalMessage(e));
    }
  }

  /** The body has ended: the payload, or the 400 that names what is wrong with it. */
  AlertmanagerPayload.Parsed end() {
    if (bytes == 0) {
      throw HttpProblem.badRequest("body", "empty; an Alertmanager webhook payload (JSON object) expected");
    }
    if (malformed == null) {
      try {
        feeder.endOfInput();
        drain();
        if (!rootDone) {
          malformed = HttpProblem.badRequest("body", "malformed JSON: unexpected end of input");
        }
      } catch (IOException e) {
        malformed = HttpProblem.badRequest("body", "malformed JSON: " + originalMessage(e));
      }
    }
    if (malformed != null) {
      throw malformed;
    }
    if (sawAlerts) {
      group.set("alerts", NODES.arrayNode()); // read already, alert by alert
    }
    var parsedGroup = AlertmanagerPayload.group(group);
    if (firstBadAlert != null) {
      throw firstBadAlert;
    }
    return new AlertmanagerPayload.Parsed(parsedGroup, alerts);
  }

  private void drain() throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      if (malformed != null) {
        return;
      }
      take(token);
    }
  }

  private void take(JsonToken token) throws IOException {
    if (rootDone) {
      malformed = HttpProblem.badRequest("body", "malformed JSON: more after the payload's object");
      return;
    }
    if (open.isEmpty() && !inAlerts) {
      if (token != JsonToken.START_OBJECT) {
        malformed = HttpProblem.badRequest("body", "must be a JSON object (Alertmanager webhook payload)");
        return;
      }
      open.push(group);
      return;
    }
    if (inAlerts && open.size() == 1) {
      alertElement(token);
      return;
    }
    switch (token) {
      case FIELD_NAME -> field = parser.currentName();
      case START_OBJECT, START_ARRAY -> startContainer(token);
      case END_OBJECT, END_ARRAY -> endContainer();
      default -> put(scalar(token));
    }
  }

  /** A token directly inside the alerts array: an alert starts, or the array ends. */
  private void alertElement(JsonToken token) throws IOException {
    if (token == JsonToken.END_ARRAY) {
      inAlerts = false;
      return;
    }
    if (token == JsonToken.START_OBJECT) {
      open.push(NODES.objectNode());
      return;
    }
    JsonNode element = token == JsonToken.START_ARRAY ? NODES.arrayNode() : scalar(token);
    if (element.isArray()) {
      open.push((ArrayNode) element);
      return;
    }
    alertDone(element);
  }

  private void startContainer(JsonToken token) {
    if (open.size() == 1 && "alerts".equals(field) && token == JsonToken.START_ARRAY) {
      inAlerts = true;
      sawAlerts = true;
      return;
    }
    ContainerNode<?> node = token == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
    put(node);
    open.push(node);
  }

  private void endContainer() {
    ContainerNode<?> closed = open.pop();
    if (open.isEmpty()) {
      rootDone = true;
      return;
    }
    if (inAlerts && open.size() == 1) {
      alertDone(closed);
    }
  }

  /** A value into the container being read (or, for the group, under its field name). */
  private void put(JsonNode value) {
    ContainerNode<?> parent = open.peek();
    if (parent instanceof ArrayNode array) {
      array.add(value);
    } else {
      ((ObjectNode) parent).set(field, value);
    }
  }

  /** One whole element of the alerts array: kept as an alert unless the body is refused already. */
  private void alertDone(JsonNode element) {
    String path = "alerts[" + alertIndex++ + "]";
    if (firstBadAlert != null || tooLarge()) {
      return;
    }
    try {
      alerts.add(AlertmanagerPayload.alert(element, path));
    } catch (HttpProblem e) {
      firstBadAlert = e;
      alerts.clear();
    }
  }

  private JsonNode scalar(JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT -> NODES.numberNode(parser.getIntValue());
        case LONG -> NODES.numberNode(parser.getLongValue());
        default -> NODES.numberNode(parser.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      default -> NODES.nullNode();
    };
  }

  private static String originalMessage(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : "unreadable body";
  }
}
