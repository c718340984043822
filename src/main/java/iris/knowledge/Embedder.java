package iris.knowledge;

import io.vertx.core.Future;
import java.util.List;

/** Turns texts into L2-normalised vectors. */
public interface Embedder {

  /** Recorded with every vector, so a change of model is noticed and re-embeds. */
  String model();

  /** One vector per text, in order. */
  Future<List<float[]>> embed(List<String> texts);

  static float[] normalise(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    double norm = Math.sqrt(sum);
    if (norm == 0 || Math.abs(norm - 1) < 1e-6) {
      return v;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
