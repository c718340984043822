package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import iris.db.LocalSharedState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CachingEmbedderTest {
  /** Records what it was asked to embed; the vector is the text's length and first letter. */
  static final class CountingEmbedder implements Embedder {
    final List<String> asked = new ArrayList<>();

    @Override
    public String model() {
      return "counting";
    }

    @Override
    public Future<List<float[]>> embed(List<String> texts) {
      asked.addAll(texts);
      return Future.succeededFuture(texts.stream().map(t -> new float[] {t.length(), t.charAt(0)}).toList());
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void repeatedTextsAreEmbeddedOnceAndOrderIsKept() throws Exception {
    CountingEmbedder inner = new CountingEmbedder();
    CachingEmbedder cached = new CachingEmbedder(inner, null, 100, Duration.ofHours(1));
    await(cached.embed(List.of("alpha", "bb")));
    List<float[]> second = await(cached.embed(List.of("bb", "new", "alpha")));
    assertEquals(List.of("alpha", "bb", "new"), inner.asked, "only the new text reached the model");
    assertArrayEquals(new float[] {2, 'b'}, second.get(0));
    assertArrayEquals(new float[] {3, 'n'}, second.get(1));
    assertArrayEquals(new float[] {5, 'a'}, second.get(2));
  }

  @Test
  void theSharedCacheServesAnotherNode() throws Exception {
    LocalSharedState shared = new LocalSharedState(Clock.systemUTC());
    CountingEmbedder first = new CountingEmbedder();
    await(new CachingEmbedder(first, shared, 100, Duration.ofHours(1)).embed(List.of("shared text")));
    CountingEmbedder second = new CountingEmbedder();
    List<float[]> v = await(new CachingEmbedder(second, shared, 100, Duration.ofHours(1)).embed(List.of("shared text")));
    assertEquals(List.of(), second.asked, "the second node found the vector in the shared cache");
    assertArrayEquals(new float[] {11, 's'}, v.get(0));
  }

  @Test
  void theLocalCacheIsBounded() throws Exception {
    CountingEmbedder inner = new CountingEmbedder();
    CachingEmbedder cached = new CachingEmbedder(inner, null, 2, Duration.ofHours(1));
    await(cached.embed(List.of("a1", "b2", "c3")));
    await(cached.embed(List.of("a1")));
    assertEquals(List.of("a1", "b2", "c3", "a1"), inner.asked, "the eldest entry was evicted");
  }

  @Test
  void vectorsRoundTripThroughTheirTextForm() {
    float[] v = {0.25f, -1.5f, 3.0e-7f};
    assertArrayEquals(v, CachingEmbedder.decode(CachingEmbedder.encode(v)));
  }
}
