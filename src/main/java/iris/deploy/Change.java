package iris.deploy;

import com.github.zafarkhaja.semver.Version;
import java.util.Optional;

/**
 * How a version compares with the one deployed before it (Semantic Versioning 2.0.0 precedence:
 * major, minor, patch, then pre-release; build metadata ignored; a leading "v" accepted). When
 * either is not a semantic version, the order is by time: a version deployed before is a
 * rollback, another one an upgrade, and {@code orderedBy} says "time".
 *
 * @param change first, upgrade, rollback or redeploy
 * @param bump major, minor, patch or prerelease: the highest part that differs; null when none or unknown
 */
public record Change(String change, String bump, String orderedBy) {

  public static Change first() {
    return new Change("first", null, "semver");
  }

  /** @param seenBefore whether {@code version} was deployed to this service and environment before (for the time order) */
  public static Change of(String previous, String version, boolean seenBefore) {
    Optional<Version> a = semver(previous);
    Optional<Version> b = semver(version);
    if (a.isEmpty() || b.isEmpty()) {
      if (previous.equals(version)) {
        return new Change("redeploy", null, "time");
      }
      return new Change(seenBefore ? "rollback" : "upgrade", null, "time");
    }
    Version from = a.get().withoutBuildMetadata();
    Version to = b.get().withoutBuildMetadata();
    int order = to.compareTo(from);
    if (order == 0) {
      return new Change("redeploy", null, "semver");
    }
    Version low = order > 0 ? from : to;
    Version high = order > 0 ? to : from;
    String bump = high.majorVersion() != low.majorVersion() ? "major"
        : high.minorVersion() != low.minorVersion() ? "minor"
        : high.patchVersion() != low.patchVersion() ? "patch" : "prerelease";
    return new Change(order > 0 ? "upgrade" : "rollback", bump, "semver");
  }

  static Optional<Version> semver(String v) {
    String s = v.strip();
    if (s.length() > 1 && (s.charAt(0) == 'v' || s.charAt(0) == 'V') && Character.isDigit(s.charAt(1))) {
      s = s.substring(1);
    }
    return Version.tryParse(s);
  }

  /** "2.3.0 → 2.4.0, minor upgrade", "rollback to 2.2.9", "first deployment of 1.0.0". */
  public String describe(String previous, String version) {
    switch (change) {
      case "first":
        return "first deployment of " + version;
      case "redeploy":
        return "redeploy of " + version;
      case "rollback":
        return "rollback to " + version + " (from " + previous + (bump == null ? "" : ", " + bump) + ")";
      default:
        return previous + " → " + version + ", " + (bump == null ? "upgrade (not semantic versions: ordered by time)" : bump + " upgrade");
    }
  }
}
