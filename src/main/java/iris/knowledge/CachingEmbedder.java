package iris.knowledge;

import iris.Hashes;
import io.vertx.core.Future;
import iris.db.SharedState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeds each distinct text once: a bounded in-JVM LRU in front, and, in a cluster, Redis
 * (keys {@code emb:<model>:<sha256>}) so every node shares what one node embedded.
 */
public final class CachingEmbedder implements Embedder {
  private final Embedder inner;
  private final SharedState shared;
  private final Duration ttl;
  private final Map<String, float[]> local;

  /** @param shared null for no cluster-wide cache */
  public CachingEmbedder(Embedder inner, SharedState shared, int localEntries, Duration ttl) {
    this.inner = inner;
    this.shared = shared;
    this.ttl = ttl;
    this.local = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
        return size() > localEntries;
      }
    });
  }

  @Override
  public String model() {
    return inner.model();
  }

  @Override
  public Future<List<float[]>> embed(List<String> texts) {
    int n = texts.size();
    float[][] found = new float[n][];
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      keys[i] = key(texts.get(i));
      found[i] = local.get(keys[i]);
    }
    return fromShared(keys, found).compose(v -> {
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (found[i] == null) {
          missing.add(i);
        }
      }
      if (missing.isEmpty()) {
        return Future.succeededFuture(List.of(found));
      }
      return inner.embed(missing.stream().map(texts::get).toList()).map(vectors -> {
        for (int j = 0; j < missing.size(); j++) {
          int i = missing.get(j);
          found[i] = vectors.get(j);
          local.put(keys[i], found[i]);
          if (shared != null) {
            // Best effort: a cache that cannot be written only costs a later recomputation.
            shared.set(keys[i], encode(found[i]), ttl);
          }
        }
        return List.of(found);
      });
    });
  }

  private Future<Void> fromShared(String[] keys, float[][] found) {
    if (shared == null) {
      return Future.succeededFuture();
    }
    List<Future<?>> reads = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      if (found[i] != null) {
        continue;
      }
      int index = i;
      reads.add(shared.get(keys[i]).map(value -> {
        if (value != null) {
          found[index] = decode(value);
          local.put(keys[index], found[index]);
        }
        return null;
      }).otherwiseEmpty());
    }
    return Future.join(reads).otherwiseEmpty().mapEmpty();
  }

  private String key(String text) {
    return "emb:" + inner.model() + ":" + Hashes.sha256Hex(text);
  }


  static String encode(float[] v) {
    ByteBuffer buffer = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(v);
    return Base64.getEncoder().encodeToString(buffer.array());
  }

  static float[] decode(String s) {
    ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(s)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[buffer.remaining() / 4];
    buffer.asFloatBuffer().get(v);
    return v;
  }
}
