package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** swarm-stack.yml and the Dockerfile: what a deploy needs is declared, checked and rolled back. */
class DeploymentFilesTest {
  private static final Pattern SECRET_FILE = Pattern.compile("IRIS_[A-Z0-9_]+_FILE");

  /** SnakeYAML resolves the stack's anchors and aliases (Jackson's YAML parser does not). */
  static JsonNode stack() throws IOException {
    Object tree = new Yaml().load(Files.readString(Path.of("swarm-stack.yml")));
    return new ObjectMapper().valueToTree(tree);
  }

  @Test
  void everyReferenceIsDeclaredAtTopLevel() throws IOException {
    JsonNode stack = stack();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> service : stack.get("services").properties()) {
      String name = service.getKey();
      JsonNode s = service.getValue();
      for (JsonNode secret : s.path("secrets")) {
        String ref = secret.isTextual() ? secret.asText() : secret.path("source").asText();
        if (!stack.path("secrets").has(ref)) {
          problems.add(name + ": secret " + ref);
        }
      }
      for (JsonNode config : s.path("configs")) {
        String ref = config.isTextual() ? config.asText() : config.path("source").asText();
        if (!stack.path("configs").has(ref)) {
          problems.add(name + ": config " + ref);
        }
      }
      for (JsonNode volume : s.path("volumes")) {
        String source = volume.isTextual() ? volume.asText().split(":")[0] : volume.path("source").asText();
        if (!source.startsWith("/") && !source.startsWith(".") && !stack.path("volumes").has(source)) {
          problems.add(name + ": volume " + source);
        }
      }
      JsonNode networks = s.path("networks");
      List<String> refs = new ArrayList<>();
      networks.forEach(n -> refs.add(n.asText()));
      networks.fieldNames().forEachRemaining(refs::add);
      for (String ref : refs) {
        if (!stack.path("networks").has(ref)) {
          problems.add(name + ": network " + ref);
        }
      }
    }
    assertEquals(List.of(), problems, "references to nothing declared at top level");
  }

  @Test
  void everyServiceIsCheckedLimitedAndRolledBack() throws IOException {
    JsonNode services = stack().get("services");
    assertTrue(services.size() >= 5, "iris, iris-worker, iris-beat, postgres, redis");
    for (Map.Entry<String, JsonNode> service : services.properties()) {
      String name = service.getKey();
      JsonNode s = service.getValue();
      JsonNode test = s.path("healthcheck").path("test");
      assertTrue(test.isArray() && test.size() >= 2, name + " has a healthcheck test");
      assertFalse(s.path("deploy").path("resources").path("limits").path("memory").asText().isEmpty(), name + " has a memory limit");
      assertFalse(s.path("deploy").path("resources").path("limits").path("cpus").asText().isEmpty(), name + " has a CPU limit");
      assertFalse(s.path("deploy").path("resources").path("reservations").isMissingNode(), name + " has reservations");
      assertEquals("rollback", s.path("deploy").path("update_config").path("failure_action").asText(), name + " rolls back a failed update");
      assertTrue(s.path("deploy").path("rollback_config").isObject(), name + " has a rollback_config");
    }
  }

  @Test
  void irisNodesCheckLivenessAndReadTheirConfigFromAConfig() throws IOException {
    JsonNode stack = stack();
    for (String name : List.of("iris", "iris-worker", "iris-beat")) {
      JsonNode s = stack.path("services").path(name);
      assertTrue(s.path("healthcheck").path("test").toString().contains("/health/live"), name + " checks /health/live");
      assertTrue(s.path("healthcheck").path("test").toString().contains("$${IRIS_HTTP_PORT"), name + " checks the configured port");
      JsonNode configs = s.path("configs");
      assertEquals(1, configs.size(), name + " mounts iris.yaml");
      String target = configs.get(0).path("target").asText();
      assertEquals(target, s.path("environment").path("IRIS_CONFIG").asText(), name + " reads the mounted config");
    }
    assertTrue(stack.path("configs").path("iris_yaml").path("file").asText().endsWith("conf/iris.yaml"));
  }

  @Test
  void everySecretFileVariableNamesADeclaredSecretTheServiceMounts() throws IOException {
    JsonNode stack = stack();
    int seen = 0;
    for (Map.Entry<String, JsonNode> service : stack.get("services").properties()) {
      JsonNode s = service.getValue();
      List<String> mounted = new ArrayList<>();
      s.path("secrets").forEach(n -> mounted.add(n.isTextual() ? n.asText() : n.path("target").asText(n.path("source").asText())));
      for (Map.Entry<String, JsonNode> variable : s.path("environment").properties()) {
        if (!SECRET_FILE.matcher(variable.getKey()).matches()) {
          continue;
        }
        seen++;
        String path = variable.getValue().asText();
        String where = service.getKey() + " " + variable.getKey() + "=" + path;
        assertTrue(path.startsWith("/run/secrets/"), where + " is under /run/secrets/");
        String secret = path.substring("/run/secrets/".length());
        assertTrue(stack.path("secrets").has(secret), where + " names a declared secret");
        assertTrue(mounted.contains(secret), where + " names a secret the service mounts");
      }
    }
    assertTrue(seen >= 12, "the three Iris services read their secrets from files, saw " + seen);
  }

  @Test
  void postgresStaysOnTheNodeWithItsVolumeAndTheOverlayIsEncrypted() throws IOException {
    JsonNode stack = stack();
    JsonNode constraints = stack.path("services").path("postgres").path("deploy").path("placement").path("constraints");
    assertTrue(constraints.isArray() && constraints.toString().contains("node."), "postgres is pinned to a node: " + constraints);
    for (Map.Entry<String, JsonNode> network : stack.get("networks").properties()) {
      assertEquals("overlay", network.getValue().path("driver").asText(), network.getKey());
      assertEquals("true", network.getValue().path("driver_opts").path("encrypted").asText(), network.getKey() + " is encrypted");
    }
  }

  /** The Dockerfile's HEALTHCHECK, its continuation lines joined. */
  static String healthcheck(String dockerfile) {
    String joined = dockerfile.replaceAll("\\\\\\r?\\n", " ");
    Matcher m = Pattern.compile("(?m)^HEALTHCHECK\\s+(.*)$").matcher(joined);
    assertTrue(m.find(), "the Dockerfile has a HEALTHCHECK");
    String line = m.group(1);
    assertFalse(m.find(), "one HEALTHCHECK");
    return line;
  }

  @Test
  void theImageChecksLivenessOnTheConfiguredPort() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    String check = healthcheck(dockerfile);
    assertTrue(check.matches(".*\\bCMD\\b.*"), check);
    assertTrue(check.contains("/health/live"), check);
    assertTrue(check.contains("${IRIS_HTTP_PORT"), "the port follows IRIS_HTTP_PORT: " + check);
    assertFalse(check.contains("CMD ["), "shell form, so the variable is expanded: " + check);
    assertTrue(Pattern.compile("(?m)^ENV[\\s\\S]*IRIS_HTTP_PORT=8080").matcher(dockerfile).find(), "the image sets IRIS_HTTP_PORT");
    assertTrue(Pattern.compile("(?m)^RUN .*\\bcurl\\b").matcher(dockerfile).find(), "curl is installed in the runtime image");
  }

  @Test
  void theHealthcheckParserJoinsContinuationLines() {
    assertEquals("--interval=5s CMD curl -fs http://x/health/live", healthcheck("FROM x\nHEALTHCHECK --interval=5s \\\n  CMD curl -fs http://x/health/live\n").replaceAll("\\s+", " "));
  }

  @Test
  void theHeapFollowsTheContainersMemoryLimit() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertFalse(dockerfile.contains("-Xmx"), "no fixed heap in the image");
    assertTrue(Pattern.compile("JAVA_TOOL_OPTIONS=\"[^\"]*-XX:MaxRAMPercentage=\\d+").matcher(dockerfile).find(),
        "the heap is a share of the container's memory");
  }

  @Test
  void dependenciesAreAnImageLayerBelowIrissCode() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
    int deps = -1;
    int app = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.matches("COPY --from=build \\S+/lib /app/lib")) {
        deps = i;
      }
      if (line.matches("COPY --from=build \\S+/iris\\.jar /app/iris\\.jar")) {
        app = i;
      }
    }
    assertTrue(deps >= 0 && app > deps, "the dependencies are copied first, Iris's jar after them: " + deps + ", " + app);
    assertTrue(String.join("\n", lines).contains("ENTRYPOINT [\"java\", \"-cp\", \"/app/iris.jar:/app/lib/*\", \"iris.Iris\"]"),
        "Iris's jar comes first on the class path");
    String pom = Files.readString(Path.of("pom.xml"));
    assertTrue(pom.contains("<id>image</id>") && pom.contains("iris-deps.jar"), "mvn -Pimage builds the dependencies' jar");
    assertTrue(String.join("\n", lines).contains("-Pimage package"), "the image is built with that profile");
  }

  @Test
  void theBuildContextHoldsOnlyWhatTheDockerfileCopies() throws IOException {
    List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertEquals("*", ignore.get(0), "everything is left out unless named");
    Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(Files.readString(Path.of("Dockerfile")));
    int copies = 0;
    while (copy.find()) {
      copies++;
      String source = copy.group(1);
      String top = source.contains("/") ? source.substring(0, source.indexOf('/')) : source;
      assertTrue(ignore.contains("!" + top) || ignore.contains("!" + top + "/"), ".dockerignore lets " + source + " in");
    }
    assertTrue(copies >= 5, "pom.xml, src, conf, migrations, templates: " + copies);
    for (String local : List.of("target", "data", ".git")) {
      assertFalse(ignore.contains("!" + local) || ignore.contains("!" + local + "/"), local + " stays out of the context");
    }
  }
}
