package iris.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  @Test
  void disksAreFullestFirstAndTheFullestIsTheFirst() {
    // Bind mounts of one file system report the same figure: the order must still be one.
    Reading reading = new Reading(1.0, 2.0, 0.1, List.of(new Reading.Disk("/etc/hosts", 42.0), new Reading.Disk("/boot", 12.5),
        new Reading.Disk("/", 42.0), new Reading.Disk("/data", 61.237)), 1, 1);
    Snapshot s = Snapshot.taken(3, "db1", "default", Instant.parse("2026-11-24T03:00:00Z"), reading,
        new Thresholds.Marking(Level.OK, List.of()), 1.0);
    assertEquals(List.of("/data", "/", "/etc/hosts", "/boot"), s.disks().stream().map(Reading.Disk::mountpoint).toList());
    assertEquals("/data", s.fullestMountpoint());
    assertEquals(61.237, s.fullestDiskPct());
    assertEquals((100 - 61.237) / 1.0, s.diskFullInDays(), 1e-9);
    JsonObject json = s.toJson();
    assertEquals(new JsonArray().add(new JsonObject().put("mountpoint", "/data").put("used_pct", 61.24))
        .add(new JsonObject().put("mountpoint", "/").put("used_pct", 42.0))
        .add(new JsonObject().put("mountpoint", "/etc/hosts").put("used_pct", 42.0))
        .add(new JsonObject().put("mountpoint", "/boot").put("used_pct", 12.5)), json.getJsonArray("disk"));
    assertEquals("ok", json.getString("state"));
    assertEquals(61.24, json.getDouble("fullest_disk_pct"));

    Reading tie = new Reading(null, null, null, List.of(new Reading.Disk("/var", 50), new Reading.Disk("/", 50)), 0, 0);
    assertEquals("/", tie.fullest().mountpoint());
  }
}
