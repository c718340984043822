package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.testing.Http;
import iris.testing.Multipart;
import iris.testing.Sql;
import iris.testing.TestIris;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The knowledge API with the real in-process embedding model: the project's 87 runbooks
 * imported as a multipart upload, then found by alert name and by paraphrase.
 */
class KnowledgeApiIT {
  static final Path RUNBOOKS = Path.of("bench/retrieval/runbooks");
  private static TestIris iris;

  @BeforeAll
  static void start() throws Exception {
    iris = TestIris.start();
    Multipart upload = new Multipart().field("tags", "imported, awesome-alerts");
    try (Stream<Path> files = Files.list(RUNBOOKS)) {
      for (Path file : files.sorted().toList()) {
        upload.file("files", file.getFileName().toString(), Files.readString(file));
      }
    }
    Http.Response imported = iris.http.post("/api/v1/knowledge/runbooks/import", upload.body(), upload.headers(TestIris.ADMIN_KEY));
    assertEquals(201, imported.status(), imported.body());
    JsonArray docs = imported.json().getJsonArray("imported");
    assertEquals(87, docs.size());
    assertTrue(docs.stream().map(o -> (JsonObject) o).allMatch(d -> d.getBoolean("embedded")), "every document got vectors");
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
  }

  private static JsonArray search(String q, String collection, int limit) {
    String path = "/api/v1/knowledge/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&limit=" + limit
        + (collection == null ? "" : "&collection=" + collection);
    Http.Response r = iris.api("GET", path, null);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("results");
  }

  private static List<String> titles(JsonArray results) {
    return results.stream().map(o -> ((JsonObject) o).getString("title")).toList();
  }

  @Test
  void importTitlesComeFromTheFirstHeadingAndTagsApply() {
    Http.Response list = iris.api("GET", "/api/v1/knowledge/runbooks/documents?limit=500", null);
    assertEquals(200, list.status());
    JsonObject first = list.json().getJsonArray("documents").getJsonObject(0);
    assertTrue(first.getString("title").startsWith("ApacheDown"), first.encode());
    assertEquals(new JsonArray().add("imported").add("awesome-alerts"), first.getJsonArray("tags"));
    assertTrue(first.getLong("chunks") >= 1);
  }

  @Test
  void alertNamesFindTheRunbookThatNamesThem() {
    for (String name : List.of("HostOutOfMemory", "PostgresqlDeadLocks", "NginxHighHttp5xxErrorRate", "MysqlSlaveReplicationLag")) {
      JsonArray results = search(name + " firing on db-1:9100", "runbooks", 3);
      assertTrue(results.getJsonObject(0).getString("title").startsWith(name), name + " → " + titles(results));
    }
    // siblings that differ in one word: the runbook that names the alert exactly comes first
    for (String name : List.of("HostUnusualNetworkThroughputIn", "HostUnusualNetworkThroughputOut",
        "HostEdacCorrectableErrorsDetected", "HostEdacUncorrectableErrorsDetected")) {
      assertTrue(search(name, "runbooks", 3).getJsonObject(0).getString("title").startsWith(name + ":"), name);
    }
  }

  @Test
  void aParaphraseFindsTheRunbookThatExplainsIt() {
    Map<String, String> paraphrases = Map.of(
        "the machine has almost no free RAM left and processes may get killed", "HostOutOfMemory",
        "transactions in the postgres database abort because each waits on rows the other locked", "PostgresqlDeadLocks",
        "the web server returns lots of 500-class responses to clients", "NginxHighHttp5xxErrorRate",
        "the mongo replica secondary is far behind the primary", "MongodbReplicationLag");
    paraphrases.forEach((q, expected) -> {
      List<String> top = titles(search(q, "runbooks", 3));
      assertTrue(top.stream().anyMatch(t -> t.startsWith(expected)), q + " → " + top);
    });
  }

  @Test
  void resultsCarryIdCollectionScoreAndSnippet() {
    JsonObject hit = search("disk is full", null, 5).getJsonObject(0);
    assertNotNull(hit.getLong("id"));
    assertEquals("runbooks", hit.getString("collection"));
    assertTrue(hit.getDouble("score") > 0);
    assertFalse(hit.getString("snippet").isBlank());
  }

  @Test
  void createUpdateReindexAndDelete() {
    Http.Response created = iris.api("POST", "/api/v1/knowledge/infrastructure/documents", new JsonObject()
        .put("title", "db-7 storage layout").put("content", "# db-7\n\nThe WAL lives on /dev/nvme1, a tiny 20 GB disk.")
        .put("tags", new JsonArray().add("postgres")).put("service", "billing").put("source", "wiki/db-7").encode());
    assertEquals(201, created.status(), created.body());
    long id = created.json().getLong("id");
    assertTrue(titles(search("where is the write-ahead log of db-7 stored", "infrastructure", 1)).contains("db-7 storage layout"));

    Http.Response updated = iris.api("PUT", "/api/v1/knowledge/infrastructure/documents/" + id, new JsonObject()
        .put("title", "db-7 storage layout").put("content", "# db-7\n\nThe WAL moved to a Ceph volume named quasar-wal.").encode());
    assertEquals(200, updated.status(), updated.body());
    assertTrue(updated.json().getBoolean("reindexed"));
    assertEquals("db-7 storage layout", search("quasar-wal", "infrastructure", 1).getJsonObject(0).getString("title"),
        "the new text is searchable");
    assertEquals(0, Sql.count(iris.env.get("IRIS_DB_URL"),
        "SELECT count(*) FROM knowledge_chunks WHERE document_id = " + id + " AND body LIKE '%nvme1%'"), "old chunks are gone");

    Http.Response same = iris.api("PUT", "/api/v1/knowledge/infrastructure/documents/" + id, new JsonObject()
        .put("title", "db-7 storage layout").put("content", "# db-7\n\nThe WAL moved to a Ceph volume named quasar-wal.")
        .put("tags", new JsonArray().add("ceph")).encode());
    assertFalse(same.json().getBoolean("reindexed"), "unchanged content is not re-embedded");

    assertEquals(204, iris.api("DELETE", "/api/v1/knowledge/infrastructure/documents/" + id, null).status());
    assertEquals(404, iris.api("GET", "/api/v1/knowledge/infrastructure/documents/" + id, null).status());
    assertTrue(search("quasar-wal", "infrastructure", 5).isEmpty());
  }

  @Test
  void badInputIsRejectedByName() {
    assertProblem(iris.api("POST", "/api/v1/knowledge/runbooks/documents", "{\"content\":\"x\"}"), 400, "title");
    assertProblem(iris.api("POST", "/api/v1/knowledge/runbooks/documents", "{\"title\":\"t\",\"content\":\"x\",\"tags\":\"a\"}"), 400, "tags");
    assertProblem(iris.api("POST", "/api/v1/knowledge/runbooks/documents", "{\"title\":\"t\",\"content\":\"x\",\"colour\":1}"), 400, "colour");
    assertEquals(404, iris.api("POST", "/api/v1/knowledge/recipes/documents", "{\"title\":\"t\",\"content\":\"x\"}").status());
    assertProblem(iris.api("GET", "/api/v1/knowledge/search", null), 400, "q");
    assertProblem(iris.api("GET", "/api/v1/knowledge/search?q=x&collection=recipes", null), 400, "collection");
    assertProblem(iris.api("GET", "/api/v1/knowledge/search?q=x&limit=0", null), 400, "limit");
    Multipart wrongType = new Multipart().file("files", "evil.exe", "MZ");
    assertProblem(iris.http.post("/api/v1/knowledge/runbooks/import", wrongType.body(), wrongType.headers(TestIris.ADMIN_KEY)), 400, "files");
    Multipart noFiles = new Multipart().field("tags", "x");
    assertProblem(iris.http.post("/api/v1/knowledge/runbooks/import", noFiles.body(), noFiles.headers(TestIris.ADMIN_KEY)), 400, "files");
    assertEquals(401, iris.http.get("/api/v1/knowledge/search?q=x", Map.of()).status());
  }

  private static void assertProblem(Http.Response r, int status, String field) {
    assertEquals(status, r.status(), r.body());
    assertEquals(field, r.json().getString("field"), r.body());
  }
}
