package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplatesTest {

  @Test
  void rendersPlainData() throws Exception {
    Templates t = new Templates(null);
    assertEquals("Hi a, b", t.renderText("t", "Hi ${names?join(\", \")}", Map.of("names", java.util.List.of("a", "b"))));
  }

  @Test
  void cannotInstantiateClasses() {
    Templates t = new Templates(null);
    Exception e = assertThrows(Exception.class, () -> t.renderText("evil",
        "<#assign ex = \"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}", Map.of()));
    assertTrue(e.getMessage().contains("Execute") || e.getMessage().contains("not allowed"), e.getMessage());
  }

  @Test
  void cannotReachJavaObjectsThroughData() {
    Templates t = new Templates(null);
    assertThrows(Exception.class, () -> t.renderText("api", "${x?api.getClass()}", Map.of("x", "s")));
    // a non-plain object in the model is refused outright, not exposed with its methods
    assertThrows(Exception.class, () -> t.renderText("obj", "${o.class}", Map.of("o", new Object())));
  }

  @Test
  void filesInTheTemplatesDirectoryOverrideBuiltIns(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("enrichment"));
    Files.writeString(dir.resolve("enrichment/narrative.json.ftl"), "{\"summary\": \"custom ${alert.name}\"}");
    Templates t = new Templates(dir);
    assertEquals("{\"summary\": \"custom X\"}", t.render("enrichment/narrative.json.ftl", Map.of("alert", Map.of("name", "X"))));
  }

  @Test
  void aTemplateThatLoopsForeverIsStoppedAtItsDeadline() throws Exception {
    Templates t = new Templates(null, java.time.Duration.ofMillis(300), 10_000);
    long started = System.nanoTime();
    Templates.LimitExceeded slow = assertThrows(Templates.LimitExceeded.class,
        () -> t.renderText("loop", "<#list 1.. as i><#if i < 0>never</#if></#list>", Map.of()));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(slow.getMessage().contains("longer than 300 ms"), slow.getMessage());
    assertTrue(tookMs < 3000, "stopped after " + tookMs + " ms");
    assertTrue(!Thread.currentThread().isInterrupted(), "the thread is handed back uninterrupted");
    assertEquals("still works", t.renderText("next", "still works", Map.of()));
  }

  @Test
  void aTemplateThatWritesWithoutEndIsStoppedAtItsOutputBound() throws Exception {
    Templates t = new Templates(null, java.time.Duration.ofSeconds(30), 10_000);
    Templates.LimitExceeded big = assertThrows(Templates.LimitExceeded.class,
        () -> t.renderText("flood", "<#list 1.. as i>${i} </#list>", Map.of()));
    assertTrue(big.getMessage().contains("more than 10000 characters"), big.getMessage());
    assertEquals(9_999, t.renderText("fits", "<#list 1..9999 as i>x</#list>", Map.of()).length());
  }
}

