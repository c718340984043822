package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IRIS_LOG_FORMAT=json: the launcher, in a JVM of its own, writes JSON lines through logback's
 * JsonEncoder, and the secrets of its configuration stay masked; without it, text as before.
 */
class JsonLogsTest {
  private static final String TOKEN = "tok-SECRET-7f3a";
  private static final String API_KEY = "key-SECRET-91bc";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path temp;

  /** Starts Iris with a data directory it cannot create: it logs its configuration, then fails with a stack trace. */
  private List<String> launch(String format) throws IOException, InterruptedException {
    Path blocker = Files.writeString(temp.resolve("not-a-directory"), "x");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m"));
    if (format == null) {
      // The shipped logback.xml, not the tests' logback-test.xml that the class path also holds (JSON
      // mode names its own file, so it needs no help).
      String config = JsonLogsTest.class.getResource("/logback.xml").toString();
      assertTrue(config.contains("/classes/"), config);
      command.add("-Dlogback.configurationFile=" + config);
    }
    command.addAll(List.of("-cp", classpath, "iris.Iris"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("IRIS_"));
    env.put("IRIS_DATA_DIR", blocker.resolve("data").toString());
    env.put("IRIS_HTTP_HOST", "127.0.0.1");
    env.put("IRIS_WEBHOOK_TOKEN", TOKEN);
    env.put("IRIS_API_KEY", API_KEY);
    if (format != null) {
      env.put("IRIS_LOG_FORMAT", format);
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "Iris exits");
    assertTrue(p.exitValue() != 0, "Iris could not start");
    return new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void jsonLinesCarryLevelLoggerAndMessageWithSecretsMasked() throws Exception {
    List<String> lines = launch("json");
    String all = String.join("\n", lines);
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("Picked up JAVA_TOOL_OPTIONS")) {
        continue; // the JVM's own notice, not a log line
      }
      try {
        events.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new AssertionError("not one JSON object per line: " + line + "\nin\n" + all, e);
      }
    }
    JsonNode starting = events.stream().filter(e -> e.path("formattedMessage").asText().startsWith("Starting Iris: "))
        .findFirst().orElseThrow(() -> new AssertionError("no start line in\n" + all));
    assertEquals("INFO", starting.path("level").asText());
    assertEquals("iris.IrisApp", starting.path("loggerName").asText());
    assertEquals("Starting Iris: {}", starting.path("message").asText());
    assertTrue(starting.path("timestamp").asLong() > 0);
    assertTrue(starting.path("formattedMessage").asText().contains("***"), "masked secrets: " + starting);

    JsonNode failure = events.stream().filter(e -> "ERROR".equals(e.path("level").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no error line in\n" + all));
    assertEquals("iris.Iris", failure.path("loggerName").asText());
    assertTrue(failure.path("throwable").isObject(), "the stack trace is a field, not extra lines: " + failure);

    assertFalse(all.contains(TOKEN), "the webhook token is never logged");
    assertFalse(all.contains(API_KEY), "the API key is never logged");
  }

  @Test
  void textStaysTheDefault() throws Exception {
    List<String> lines = launch(null);
    String all = String.join("\n", lines);
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^]]+] iris\\.IrisApp - Starting Iris: .*")), all);
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("{")), all);
    assertFalse(all.contains(TOKEN), all);
  }

  @Test
  void theFormatIsTextOrJsonAndATypoIsAnError() {
    assertEquals("text", LogFormat.select(Map.of()));
    assertEquals("text", LogFormat.select(Map.of("IRIS_LOG_FORMAT", "text")));
    assertEquals("json", LogFormat.select(Map.of("IRIS_LOG_FORMAT", " JSON ")));
    ConfigException e = assertThrows(ConfigException.class, () -> LogFormat.select(Map.of("IRIS_LOG_FORMAT", "jsno")));
    assertTrue(e.getMessage().contains("IRIS_LOG_FORMAT"), e.getMessage());
  }
}
