package iris.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ChangeTest {
  @Test
  void semanticVersionsGiveUpgradeRollbackRedeployAndTheBump() {
    assertEquals(new Change("upgrade", "minor", "semver"), Change.of("2.3.0", "2.4.0", false));
    assertEquals(new Change("upgrade", "major", "semver"), Change.of("v1.9.9", "v2.0.0", false));
    assertEquals(new Change("rollback", "minor", "semver"), Change.of("2.3.0", "2.2.9", true));
    assertEquals(new Change("rollback", "patch", "semver"), Change.of("2.3.1", "2.3.0", true));
    assertEquals(new Change("redeploy", null, "semver"), Change.of("2.3.0", "2.3.0+build.7", true));
    // a pre-release comes before its release
    assertEquals(new Change("upgrade", "prerelease", "semver"), Change.of("2.4.0-rc.1", "2.4.0", false));
    assertEquals(new Change("rollback", "prerelease", "semver"), Change.of("2.4.0-rc.2", "2.4.0-rc.1", true));
    // numbers compare as numbers
    assertEquals(new Change("upgrade", "minor", "semver"), Change.of("1.9.0", "1.10.0", false));
  }

  @Test
  void otherVersionsAreOrderedByTimeAndSaySo() {
    assertEquals(new Change("upgrade", null, "time"), Change.of("build-418", "build-419", false));
    assertEquals(new Change("rollback", null, "time"), Change.of("build-419", "build-418", true));
    assertEquals(new Change("redeploy", null, "time"), Change.of("2024.05", "2024.05", true));
  }

  @Test
  void theDescriptionReadsAsAnOperatorWouldSayIt() {
    assertEquals("2.3.0 → 2.4.0, minor upgrade", Change.of("2.3.0", "2.4.0", false).describe("2.3.0", "2.4.0"));
    assertEquals("rollback to 2.2.9 (from 2.3.0, minor)", Change.of("2.3.0", "2.2.9", true).describe("2.3.0", "2.2.9"));
  }

  @Test
  void commitsAreGroupedByConventionalCommitType() {
    JsonArray commits = new JsonArray()
        .add(new JsonObject().put("sha", "a1").put("message", "feat(api): paginate invoices"))
        .add(new JsonObject().put("sha", "a2").put("message", "fix: rounding of VAT\n\nCloses #12"))
        .add(new JsonObject().put("sha", "a3").put("message", "feat!: drop the v1 endpoints"))
        .add(new JsonObject().put("sha", "a4").put("message", "refactor: split billing module\n\nBREAKING CHANGE: config key renamed"))
        .add(new JsonObject().put("sha", "a5").put("message", "Bump jackson"));
    assertEquals("Breaking changes: drop the v1 endpoints; split billing module. Features: paginate invoices (api). "
        + "Fixes: rounding of VAT. Other: Bump jackson.", ChangeSummary.of(commits));
  }
}
