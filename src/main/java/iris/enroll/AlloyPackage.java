package iris.enroll;

import java.nio.file.Path;

/**
 * Where a host gets Alloy: Grafana's repository, an internal mirror of package files, or a file
 * from Iris's artifact cache uploaded over SFTP. The version is pinned in every case.
 */
record AlloyPackage(String source, String version, String mirrorUrl, Path artifactDir, String namePattern, String arch) {

  String fileName(OsFamily family) {
    return namePattern.replace("{version}", version).replace("{arch}", arch).replace("{format}", family.packageFormat());
  }

  String url(OsFamily family) {
    return mirrorUrl + "/" + fileName(family);
  }

  Path artifact(OsFamily family) {
    return artifactDir.resolve(fileName(family));
  }

  AlloyPackage forArch(String packageArch) {
    return new AlloyPackage(source, version, mirrorUrl, artifactDir, namePattern, packageArch);
  }
}
