package iris.knowledge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Ollama's {@code POST /api/embed} (e.g. nomic-embed-text, 768 dimensions). */
public final class OllamaEmbedder implements Embedder {
  private final WebClient client;
  private final String url;
  private final String model;
  private final Duration timeout;

  public OllamaEmbedder(WebClient client, String url, String model, Duration timeout) {
    this.client = client;
    this.url = url;
    this.model = model;
    this.timeout = timeout;
  }

  @Override
  public String model() {
    return "ollama/" + model;
  }

  @Override
  public Future<List<float[]>> embed(List<String> texts) {
    if (texts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    JsonObject request = new JsonObject().put("model", model).put("input", new JsonArray(new ArrayList<>(texts)));
    return client.postAbs(url + "/api/embed").timeout(timeout.toMillis()).sendJsonObject(request)
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture(new IllegalStateException("Ollama /api/embed answered " + response.statusCode()
                + ": " + OllamaErrors.message(response.bodyAsString())));
          }
          JsonArray embeddings = response.bodyAsJsonObject().getJsonArray("embeddings");
          if (embeddings == null || embeddings.size() != texts.size()) {
            return Future.failedFuture(new IllegalStateException("Ollama /api/embed returned "
                + (embeddings == null ? "no" : embeddings.size()) + " embeddings for " + texts.size() + " texts"));
          }
          List<float[]> vectors = new ArrayList<>(texts.size());
          for (int i = 0; i < embeddings.size(); i++) {
            JsonArray values = embeddings.getJsonArray(i);
            float[] v = new float[values.size()];
            for (int j = 0; j < v.length; j++) {
              v[j] = values.getNumber(j).floatValue();
            }
            vectors.add(Embedder.normalise(v));
          }
          return Future.succeededFuture(vectors);
        });
  }
}
