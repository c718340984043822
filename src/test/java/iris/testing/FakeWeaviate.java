package iris.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import iris.testing.GraphQlQuery.ClassQuery;
import iris.testing.GraphQlQuery.Selection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A Weaviate on a free loopback port that speaks the REST and GraphQL shapes of the real
 * server (1.28) for what Iris uses: readiness, meta, schema, batch write and delete, and
 * Get with nearVector and where. Auto-schema is off, as in production: objects of an
 * unknown class or with unknown properties are refused per object. Text filters honour
 * the property's tokenization (word by default, or field). Every request is recorded.
 */
public final class FakeWeaviate implements AutoCloseable {
  /** A request as the fake received it. */
  public record Request(String method, String path, String authorization, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private record StoredObject(String id, ObjectNode properties, float[] vector) {}

  private record Scored(StoredObject object, Double distance) {}

  private record Reply(int status, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEFAULT_LIMIT = 10;

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> classes = new LinkedHashMap<>();
  private final Map<String, Map<String, StoredObject>> objects = new HashMap<>();
  private volatile boolean ready = true;

  private FakeWeaviate(HttpServer server) {
    this.server = server;
  }

  public static FakeWeaviate start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeWeaviate fake = new FakeWeaviate(server);
    server.createContext("/", fake::handle);
    server.start();
    return fake;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
  }

  public void clearRequests() {
    requests.clear();
  }

  /** Removes every object and keeps the schema. */
  public synchronized void clearObjects() {
    objects.clear();
  }

  public synchronized int objectCount(String className) {
    return objects.getOrDefault(className, Map.of()).size();
  }

  /** The class as GET /v1/schema/{class} would answer it, or null. */
  public synchronized JsonNode schemaClass(String className) {
    ObjectNode c = classes.get(className);
    return c == null ? null : c.deepCopy();
  }

  /** A Weaviate that is up but not ready answers 503 on /v1/.well-known/ready. */
  public void setReady(boolean ready) {
    this.ready = ready;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body));
      Reply reply;
      try {
        synchronized (this) {
          reply = route(method, path, body);
        }
      } catch (IllegalArgumentException | IOException badRequest) {
        reply = new Reply(422, errorBody(badRequest.getMessage()));
      } catch (RuntimeException bug) {
        reply = new Reply(500, errorBody(bug.toString()));
      }
      send(exchange, reply);
    }
  }

  private Reply route(String method, String path, String body) throws IOException {
    String route = method + " " + path;
    if (route.equals("GET /v1/.well-known/ready")) {
      return new Reply(ready ? 200 : 503, null);
    }
    if (route.equals("GET /v1/.well-known/live")) {
      return new Reply(200, null);
    }
    if (route.equals("GET /v1/meta")) {
      return new Reply(200, JSON.createObjectNode()
          .put("hostname", "http://[::]:8080").put("version", "1.28.4").set("modules", JSON.createObjectNode()));
    }
    if (route.equals("GET /v1/schema")) {
      ObjectNode schema = JSON.createObjectNode();
      schema.putArray("classes").addAll(classes.values());
      return new Reply(200, schema);
    }
    if (method.equals("GET") && path.startsWith("/v1/schema/")) {
      ObjectNode c = classes.get(path.substring("/v1/schema/".length()));
      return c == null ? new Reply(404, null) : new Reply(200, c);
    }
    return switch (route) {
      case "POST /v1/schema" -> createClass((ObjectNode) JSON.readTree(body));
      case "POST /v1/batch/objects" -> batchWrite(JSON.readTree(body));
      case "DELETE /v1/batch/objects" -> batchDelete(JSON.readTree(body));
      case "POST /v1/graphql" -> graphQl(JSON.readTree(body).path("query").asText());
      default -> new Reply(404, errorBody("the fake Weaviate does not serve " + route));
    };
  }

  private Reply createClass(ObjectNode definition) {
    String name = definition.path("class").asText();
    if (name.isEmpty() || !Character.isUpperCase(name.charAt(0))) {
      return new Reply(422, errorBody("'" + name + "' is not a valid class name"));
    }
    if (classes.containsKey(name)) {
      return new Reply(422, errorBody("class name " + name + " already exists"));
    }
    ObjectNode stored = withDefaults(definition.deepCopy());
    classes.put(name, stored);
    return new Reply(200, stored);
  }

  // Weaviate completes a class with its defaults and answers with the completed class.
  private static ObjectNode withDefaults(ObjectNode c) {
    if (!c.has("vectorizer")) {
      c.put("vectorizer", "none");
    }
    if (!c.has("vectorIndexType")) {
      c.put("vectorIndexType", "hnsw");
    }
    ObjectNode index = c.has("vectorIndexConfig") ? (ObjectNode) c.get("vectorIndexConfig") : c.putObject("vectorIndexConfig");
    if (!index.has("distance")) {
      index.put("distance", "cosine");
    }
    ArrayNode properties = c.has("properties") ? (ArrayNode) c.get("properties") : c.putArray("properties");
    for (JsonNode p : properties) {
      if (p.path("dataType").path(0).asText().equals("text") && !p.has("tokenization")) {
        ((ObjectNode) p).put("tokenization", "word");
      }
    }
    return c;
  }

  private Reply batchWrite(JsonNode request) {
    ArrayNode answers = JSON.createArrayNode();
    long now = System.currentTimeMillis();
    for (JsonNode o : request.path("objects")) {
      ObjectNode answer = ((ObjectNode) o.deepCopy()).put("creationTimeUnix", now).put("lastUpdateTimeUnix", now);
      String error = store(o);
      ObjectNode result = answer.putObject("result");
      if (error == null) {
        result.put("status", "SUCCESS");
      } else {
        result.put("status", "FAILED");
        result.putObject("errors").putArray("error").addObject().put("message", error);
      }
      answers.add(answer);
    }
    // Always 200: refused objects are reported one by one.
    return new Reply(200, answers);
  }

  /** Stores one object, or says why Weaviate would refuse it. */
  private String store(JsonNode o) {
    String className = o.path("class").asText();
    ObjectNode definition = classes.get(className);
    if (definition == null) {
      return "class \"" + className + "\" not found in schema";
    }
    ObjectNode properties = o.has("properties") ? (ObjectNode) o.get("properties").deepCopy() : JSON.createObjectNode();
    for (String name : (Iterable<String>) properties::fieldNames) {
      if (property(definition, name) == null) {
        return "no such prop with name '" + name + "' found in class '" + className
            + "' in the schema. Check your schema files for which properties in this class are available";
      }
    }
    float[] vector = o.hasNonNull("vector") ? floats(o.get("vector")) : null;
    Map<String, StoredObject> stored = objects.computeIfAbsent(className, k -> new LinkedHashMap<>());
    if (vector != null) {
      int existing = stored.values().stream().filter(s -> s.vector() != null && !s.id().equals(o.path("id").asText()))
          .mapToInt(s -> s.vector().length).findFirst().orElse(vector.length);
      if (existing != vector.length) {
        return "new node has a vector with length " + vector.length + ". Existing nodes have vectors with length " + existing;
      }
    }
    String id = o.path("id").asText();
    stored.put(id, new StoredObject(id, properties, vector));
    return null;
  }

  private Reply batchDelete(JsonNode request) {
    JsonNode match = request.path("match");
    String className = match.path("class").asText();
    if (!classes.containsKey(className)) {
      return new Reply(422, errorBody("validate: class \"" + className + "\" not found in schema"));
    }
    Map<?, ?> where = JSON.convertValue(match.path("where"), Map.class);
    boolean dryRun = request.path("dryRun").asBoolean(false);
    Map<String, StoredObject> stored = objects.getOrDefault(className, new LinkedHashMap<>());
    List<String> matched = stored.values().stream()
        .filter(o -> matches(where, className, o)).map(StoredObject::id).toList();
    if (!dryRun) {
      matched.forEach(stored::remove);
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.set("match", match);
    answer.put("output", request.path("output").asText("minimal")).put("dryRun", dryRun);
    answer.putObject("results")
        .put("matches", matched.size()).put("limit", 10000)
        .put("successful", dryRun ? 0 : matched.size()).put("failed", 0)
        .putNull("objects");
    return new Reply(200, answer);
  }

  private Reply graphQl(String query) {
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode errors = JSON.createArrayNode();
    ObjectNode get = JSON.createObjectNode();
    for (ClassQuery q : GraphQlQuery.parseGet(query)) {
      if (!classes.containsKey(q.className())) {
        errors.addObject().put("message", "Cannot query field \"" + q.className() + "\" on type \"GetObjectsObj\".");
        continue;
      }
      try {
        get.set(q.className(), search(q));
      } catch (IllegalArgumentException e) {
        errors.addObject().put("message", e.getMessage());
        get.putNull(q.className());
      }
    }
    // Like Weaviate: 200 with an "errors" list when the query fails.
    if (!errors.isEmpty()) {
      answer.set("errors", errors);
    }
    if (get.isEmpty() && !errors.isEmpty()) {
      answer.putNull("data");
    } else {
      answer.putObject("data").set("Get", get);
    }
    return new Reply(200, answer);
  }

  private ArrayNode search(ClassQuery q) {
    Map<String, Object> arguments = q.arguments();
    Map<?, ?> where = (Map<?, ?>) arguments.get("where");
    float[] near = arguments.get("nearVector") instanceof Map<?, ?> nv ? floats((List<?>) nv.get("vector")) : null;
    int limit = arguments.get("limit") instanceof Number n ? n.intValue() : DEFAULT_LIMIT;
    List<Scored> found = new ArrayList<>();
    for (StoredObject o : objects.getOrDefault(q.className(), Map.of()).values()) {
      if (where != null && !matches(where, q.className(), o)) {
        continue;
      }
      if (near == null) {
        found.add(new Scored(o, null));
      } else if (o.vector() != null) {
        if (o.vector().length != near.length) {
          throw new IllegalArgumentException("explorer: get class: vector search: vector lengths don't match: "
              + o.vector().length + " vs " + near.length);
        }
        found.add(new Scored(o, cosineDistance(o.vector(), near)));
      }
    }
    if (near != null) {
      found.sort(Comparator.comparingDouble(Scored::distance));
    }
    ArrayNode results = JSON.createArrayNode();
    found.stream().limit(limit).forEach(s -> results.add(render(s, q.fields())));
    return results;
  }

  private static ObjectNode render(Scored scored, List<Selection> fields) {
    ObjectNode out = JSON.createObjectNode();
    for (Selection field : fields) {
      if (!field.name().equals("_additional")) {
        out.set(field.name(), scored.object().properties().get(field.name()));
        continue;
      }
      ObjectNode additional = out.putObject("_additional");
      for (Selection sub : field.children()) {
        switch (sub.name()) {
          case "id" -> additional.put("id", scored.object().id());
          case "distance" -> additional.put("distance", scored.distance());
          case "certainty" -> additional.put("certainty", scored.distance() == null ? null : 1 - scored.distance() / 2);
          case "vector" -> {
            ArrayNode v = additional.putArray("vector");
            for (float x : scored.object().vector()) {
              v.add(x);
            }
          }
          default -> additional.putNull(sub.name());
        }
      }
    }
    return out;
  }

  private boolean matches(Map<?, ?> where, String className, StoredObject o) {
    String operator = String.valueOf(where.get("operator"));
    return switch (operator) {
      case "And" -> operands(where).stream().allMatch(w -> matches(w, className, o));
      case "Or" -> operands(where).stream().anyMatch(w -> matches(w, className, o));
      case "Equal" -> equal(where, className, o);
      case "NotEqual" -> !equal(where, className, o);
      default -> throw new IllegalArgumentException("operator " + operator + " is not supported by the fake Weaviate");
    };
  }

  private static List<Map<?, ?>> operands(Map<?, ?> where) {
    return ((List<?>) where.get("operands")).stream().<Map<?, ?>>map(w -> (Map<?, ?>) w).toList();
  }

  private boolean equal(Map<?, ?> where, String className, StoredObject o) {
    String name = String.valueOf(((List<?>) where.get("path")).get(0));
    JsonNode definition = property(classes.get(className), name);
    if (definition == null) {
      throw new IllegalArgumentException("invalid where filter: no such prop with name '" + name
          + "' found in class '" + className + "' in the schema");
    }
    JsonNode actual = o.properties().get(name);
    if (actual == null || actual.isNull()) {
      return false;
    }
    for (String key : List.of("valueInt", "valueNumber")) {
      if (where.get(key) instanceof Number expected) {
        return actual.isNumber() && actual.asDouble() == expected.doubleValue();
      }
    }
    if (where.get("valueBoolean") instanceof Boolean expected) {
      return actual.asBoolean() == expected;
    }
    Object text = where.containsKey("valueText") ? where.get("valueText") : where.get("valueString");
    if (text == null) {
      throw new IllegalArgumentException("invalid where filter: no value for " + name);
    }
    return textEquals(definition.path("tokenization").asText("word"), actual.asText(), String.valueOf(text));
  }

  /** Equal on text compares tokens: with "field" the whole value, with "word" every query word must occur. */
  private static boolean textEquals(String tokenization, String actual, String expected) {
    if (tokenization.equals("field")) {
      return actual.trim().equals(expected.trim());
    }
    Set<String> words = words(actual);
    return words.containsAll(words(expected));
  }

  private static Set<String> words(String text) {
    return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
        .filter(w -> !w.isEmpty()).collect(Collectors.toSet());
  }

  private static JsonNode property(JsonNode definition, String name) {
    for (JsonNode p : definition.path("properties")) {
      if (p.path("name").asText().equals(name)) {
        return p;
      }
    }
    return null;
  }

  private static double cosineDistance(float[] a, float[] b) {
    double dot = 0;
    double normA = 0;
    double normB = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      normA += a[i] * a[i];
      normB += b[i] * b[i];
    }
    return 1 - dot / Math.sqrt(normA * normB);
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static float[] floats(List<?> list) {
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).floatValue();
    }
    return out;
  }

  private static ObjectNode errorBody(String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("error").addObject().put("message", message);
    return body;
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    if (reply.body() == null) {
      exchange.sendResponseHeaders(reply.status(), -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(reply.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
