package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package structure, read from the sources: the HTTP kit is a leaf, and no two packages
 * below {@code iris} import each other, directly or round a loop. The root package (launcher,
 * config, the capability contract) is left out: it is the composition root and knows them all.
 */
class PackageDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java");
  /** An import or a qualified name of a type in iris or a package below it. */
  private static final Pattern REFERENCE = Pattern.compile("\\biris\\.(?:([a-z][a-z0-9]*)\\.)?[A-Z]");
  private static final String ROOT = "(root)";

  /** Package below iris (e.g. "notify") to the packages it refers to; {@link #ROOT} for iris itself. */
  static Map<String, Set<String>> dependencies() {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES.resolve("iris"))) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
        Path dir = SOURCES.resolve("iris").relativize(file.getParent());
        if (dir.toString().isEmpty()) {
          return;
        }
        String pkg = dir.getName(0).toString();
        Set<String> targets = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(read(file));
        while (m.find()) {
          String target = m.group(1) == null ? ROOT : m.group(1);
          if (!target.equals(pkg)) {
            targets.add(target);
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deps;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theHttpKitImportsNoOtherIrisPackage() {
    Map<String, Set<String>> deps = dependencies();
    assertTrue(deps.containsKey("http"), "iris.http holds the HTTP kit");
    assertEquals(Set.of(), deps.get("http"), "iris.http must stay a leaf: it imports nothing of iris, not even the root package");
  }

  /** The front mounts what the capabilities contribute; it names none of them. */
  @Test
  void theApiImportsNoCapability() {
    Set<String> api = dependencies().get("api");
    assertTrue(Set.of(ROOT, "http", "db").containsAll(api), "iris.api refers to capabilities: " + api);
  }

  @Test
  void noPackagesImportEachOtherInACycle() {
    Map<String, Set<String>> deps = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String start : deps.keySet()) {
      List<String> path = cycleThrough(start, deps);
      if (path != null) {
        cycles.add(String.join(" -> ", path));
      }
    }
    assertEquals(List.of(), cycles, "packages that import each other: " + deps);
  }

  /** A shortest loop from {@code start} back to it, or null. */
  private static List<String> cycleThrough(String start, Map<String, Set<String>> deps) {
    Map<String, String> cameFrom = new TreeMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (String next : deps.getOrDefault(at, Set.of())) {
        if (next.equals(ROOT)) {
          continue;
        }
        if (next.equals(start)) {
          List<String> path = new ArrayList<>(List.of(start));
          for (String step = at; !step.equals(start); step = cameFrom.get(step)) {
            path.add(1, step);
          }
          path.add(start);
          return path;
        }
        if (!cameFrom.containsKey(next)) {
          cameFrom.put(next, at);
          queue.add(next);
        }
      }
    }
    return null;
  }
}
