package iris.knowledge;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;

/**
 * The in-process all-MiniLM-L6-v2 model (quantised ONNX, 384 dimensions) that ships inside
 * the jar: no server needed. Inference is CPU work, so it runs on its own worker pool and
 * the model is loaded on first use.
 */
public final class LocalEmbedder implements Embedder {
  public static final String MODEL = "all-minilm-l6-v2-q";

  private final WorkerExecutor workers;
  private volatile AllMiniLmL6V2QuantizedEmbeddingModel model;

  public LocalEmbedder(Vertx vertx) {
    this.workers = vertx.createSharedWorkerExecutor("iris-embed", Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public Future<List<float[]>> embed(List<String> texts) {
    if (texts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return workers.executeBlocking(() -> loaded().embedAll(texts.stream().map(TextSegment::from).toList())
        .content().stream().map(e -> Embedder.normalise(e.vector())).toList(), false);
  }

  private AllMiniLmL6V2QuantizedEmbeddingModel loaded() {
    AllMiniLmL6V2QuantizedEmbeddingModel m = model;
    if (m == null) {
      synchronized (this) {
        if (model == null) {
          // Inference on the calling worker thread: our pool already bounds the parallelism.
          model = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
        }
        m = model;
      }
    }
    return m;
  }
}
