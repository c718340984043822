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
}
