package iris.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** Test helpers to fill the knowledge base and wait for the pipeline. */
public final class Knowledge {
  public static final Path RUNBOOKS = Path.of("bench/retrieval/runbooks");

  private Knowledge() {}

  /** Imports runbooks of the project's set by alert name, e.g. "HostOutOfMemory". */
  public static void importRunbooks(TestIris iris, String... names) throws IOException {
    Multipart upload = new Multipart();
    for (String name : names) {
      upload.file("files", name + ".md", Files.readString(RUNBOOKS.resolve(name + ".md")));
    }
    Http.Response r = iris.http.post("/api/v1/knowledge/runbooks/import", upload.body(), upload.headers(TestIris.ADMIN_KEY));
    if (r.status() != 201) {
      throw new IllegalStateException("import failed: " + r.status() + " " + r.body());
    }
  }

  public static long add(TestIris iris, String collection, String title, String content) {
    Http.Response r = iris.api("POST", "/api/v1/knowledge/" + collection + "/documents",
        new JsonObject().put("title", title).put("content", content).encode());
    if (r.status() != 201) {
      throw new IllegalStateException("add failed: " + r.status() + " " + r.body());
    }
    return r.json().getLong("id");
  }

  public static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
