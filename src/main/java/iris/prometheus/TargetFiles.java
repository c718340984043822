package iris.prometheus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * One Prometheus file_sd file per host ({@code iris-host-<id>.json}). Prometheus watches the
 * directory and reads a file the moment it changes, so a file is written whole under a temporary
 * name in the same directory and renamed over the old one: Prometheus never sees half a file.
 * Blocking file I/O: call from a worker thread.
 */
public final class TargetFiles {
  private TargetFiles() {}

  /** One scrape target group: a {@code host:port} and its labels. */
  public record Group(String target, Map<String, String> labels) {}

  public static Path fileFor(Path directory, long hostId) {
    return directory.resolve("iris-host-" + hostId + ".json");
  }

  public static String render(List<Group> groups) {
    JsonArray file = new JsonArray();
    for (Group group : groups) {
      file.add(new JsonObject().put("targets", new JsonArray().add(group.target()))
          .put("labels", new JsonObject(new java.util.TreeMap<>(group.labels()))));
    }
    return file.encodePrettily() + "\n";
  }

  public static Path write(Path directory, long hostId, List<Group> groups) throws IOException {
    Files.createDirectories(directory);
    Path target = fileFor(directory, hostId);
    // Not *.json, so a file_sd glob never matches the half-written file.
    Path temp = directory.resolve(".iris-host-" + hostId + ".json.tmp");
    byte[] content = render(groups).getBytes(StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(java.nio.ByteBuffer.wrap(content));
      channel.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(temp);
      throw new IOException("cannot rename atomically in " + directory + ": the targets directory must be one file system", e);
    }
    return target;
  }

  /** Removes a host's file; true when there was one. */
  public static boolean remove(Path directory, long hostId) throws IOException {
    return Files.deleteIfExists(fileFor(directory, hostId));
  }
}
