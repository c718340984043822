package iris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import iris.testing.FakeTeams;
import iris.testing.Knowledge;
import iris.testing.Payloads;
import iris.testing.TestIris;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus rules that ship with Iris only name metrics a running
 * Iris exposes, and the rules file is one Prometheus loads.
 */
class ObservabilityFilesIT {
  static final Path DASHBOARD = Path.of("conf/grafana/iris-dashboard.json");
  static final Path RULES = Path.of("conf/prometheus/iris-rules.yml");
  private static final Pattern METRIC = Pattern.compile("\\biris_[a-z_]+");
  private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
  private static final Set<String> SUFFIXES = Set.of("_bucket", "_count", "_sum");

  private static FakeTeams teams;
  private static TestIris iris;

  @BeforeAll
  static void start() throws Exception {
    teams = new FakeTeams();
    iris = TestIris.start(Map.of("IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL", teams.webhookUrl("ops")));
    var answer = iris.webhook(Payloads.webhook("{}:{alertname=\"HostHighCpuLoad\"}",
        Payloads.firing("fp-obs-1", "HostHighCpuLoad", "obs-1:9100", Instant.now())).encode());
    assertEquals(200, answer.status(), answer.body());
    // Deliveries, enrichments and the lag to "notified" appear once the alert went the whole way.
    Knowledge.await("the alert delivered", 60_000, () -> iris.metric("iris_deliveries_total{channel=\"teams\"") > 0
        && iris.metric("iris_enrichments_total") > 0);
    // Job metrics appear with a job's first run: run one now rather than wait for its slot.
    var run = iris.api("POST", "/api/v1/jobs/pipeline-depth/run", null);
    assertEquals(202, run.status(), run.body());
    Knowledge.await("a job run counted", 30_000, () -> iris.metric("iris_job_runs_total") > 0);
  }

  @AfterAll
  static void stop() throws Exception {
    iris.close();
    teams.close();
  }

  static List<String> dashboardExpressions() throws Exception {
    List<String> exprs = new ArrayList<>();
    new ObjectMapper().readTree(DASHBOARD.toFile()).findValues("expr").forEach(n -> exprs.add(n.asText()));
    return exprs;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> rules() throws Exception {
    return new Yaml().load(Files.readString(RULES));
  }

  @SuppressWarnings("unchecked")
  static List<String> ruleExpressions() throws Exception {
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules().get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        exprs.add(String.valueOf(rule.get("expr")));
      }
    }
    return exprs;
  }

  static Set<String> names(List<String> exprs) {
    Set<String> names = new TreeSet<>();
    for (String expr : exprs) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** Sample names on /metrics, and each family's # TYPE. */
  record Scrape(Set<String> samples, Map<String, String> types) {
    static Scrape of(String text) {
      Set<String> samples = new TreeSet<>();
      Map<String, String> types = new HashMap<>();
      for (String line : text.lines().toList()) {
        if (line.startsWith("# TYPE ")) {
          String[] parts = line.split(" ");
          types.put(parts[2], parts[3]);
        } else if (!line.startsWith("#") && !line.isBlank()) {
          samples.add(line.split("[{ ]", 2)[0]);
        }
      }
      return new Scrape(samples, types);
    }

    /** The family a name used in PromQL belongs to: a histogram's _bucket/_count/_sum series are its own. */
    String family(String name) {
      for (String suffix : SUFFIXES) {
        if (name.endsWith(suffix)) {
          String base = name.substring(0, name.length() - suffix.length());
          if ("histogram".equals(types.get(base))) {
            return base;
          }
        }
      }
      return name;
    }

    boolean exposes(String name) {
      String family = family(name);
      return samples.contains(name) || (!family.equals(name) && types.containsKey(family));
    }
  }

  private static Scrape scrape() {
    var r = iris.http.get("/metrics", Map.of());
    assertEquals(200, r.status());
    return Scrape.of(r.body());
  }

  private static void assertAllExposed(String file, Set<String> used) {
    Scrape scrape = scrape();
    Set<String> missing = new TreeSet<>();
    for (String name : used) {
      if (!scrape.exposes(name)) {
        missing.add(name);
      }
    }
    assertEquals(Set.of(), missing, file + " uses metrics that /metrics does not have; it has " + scrape.samples());
  }

  @Test
  void theDashboardUsesOnlyMetricsIrisExposes() throws Exception {
    Set<String> used = names(dashboardExpressions());
    assertTrue(used.containsAll(Set.of("iris_webhook_requests_total", "iris_webhook_refused_total", "iris_pipeline_lag_seconds_bucket",
        "iris_pipeline_queue_depth", "iris_deliveries_total", "iris_enrichments_total", "iris_build_info")), used.toString());
    assertAllExposed(DASHBOARD.toString(), used);
  }

  @Test
  void theRulesUseOnlyMetricsIrisExposes() throws Exception {
    Set<String> used = names(ruleExpressions());
    assertTrue(used.containsAll(Set.of("iris_webhook_requests_total", "iris_webhook_refused_total", "iris_pipeline_lag_seconds_bucket",
        "iris_pipeline_queue_depth", "iris_deliveries_total", "iris_enrichments_total",
        "iris_job_runs_total", "iris_job_last_success_timestamp_seconds", "iris_webhook_rejected_total")), used.toString());
    assertTrue(ruleExpressions().stream().anyMatch(e -> e.contains("up{job=\"iris\"}")), "a rule for a node that is down");
    assertAllExposed(RULES.toString(), used);
  }

  @Test
  void theHistogramsUsedAreHistogramsOnMetrics() throws Exception {
    Scrape scrape = scrape();
    List<String> all = new ArrayList<>(dashboardExpressions());
    all.addAll(ruleExpressions());
    for (String name : names(all)) {
      if (name.endsWith("_bucket")) {
        assertEquals("histogram", scrape.types().get(scrape.family(name)), name);
      }
    }
    assertEquals("iris_pipeline_lag_seconds", scrape.family("iris_pipeline_lag_seconds_bucket"));
    assertFalse(scrape.exposes("iris_no_such_metric_bucket"), "the check can fail");
  }

  @Test
  void quantilesComeFromHistogramBucketsOverRate() throws Exception {
    List<String> all = new ArrayList<>(dashboardExpressions());
    all.addAll(ruleExpressions());
    int quantiles = 0;
    for (String expr : all) {
      assertFalse(expr.contains("quantile=\""), "no client-side quantiles: " + expr);
      if (expr.contains("histogram_quantile")) {
        quantiles++;
        assertTrue(expr.matches("(?s).*histogram_quantile\\(\\s*0?\\.\\d+,\\s*sum by \\([^)]*\\ble\\b[^)]*\\) \\(rate\\(iris_[a-z_]+_bucket.*"),
            "histogram_quantile over sum by (le) of rate(..._bucket): " + expr);
      }
    }
    assertTrue(quantiles >= 4, "latency panels and rules use histogram_quantile");
  }

  @Test
  void theDashboardTakesItsDatasourceAsAVariable() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<JsonNode> datasources = dashboard.findValues("datasource");
    assertFalse(datasources.isEmpty());
    for (JsonNode ds : datasources) {
      String uid = ds.isTextual() ? ds.asText() : ds.path("uid").asText();
      assertEquals("${DS_PROMETHEUS}", uid, "every panel and target uses the datasource variable");
    }
    assertEquals("DS_PROMETHEUS", dashboard.path("__inputs").get(0).path("name").asText());
    assertTrue(dashboard.path("panels").size() > 10);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRulesFileHasThePrometheusRuleFileShape() throws Exception {
    Map<String, Object> file = rules();
    assertEquals(Set.of("groups"), file.keySet());
    List<Map<String, Object>> groups = (List<Map<String, Object>>) file.get("groups");
    assertFalse(groups.isEmpty());
    Set<String> groupNames = new TreeSet<>();
    Set<String> alerts = new TreeSet<>();
    for (Map<String, Object> group : groups) {
      assertTrue(groupNames.add((String) group.get("name")), "group names are unique: " + group.get("name"));
      List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
      assertFalse(rules == null || rules.isEmpty(), group.get("name") + " has rules");
      for (Map<String, Object> rule : rules) {
        Object alert = rule.get("alert");
        assertTrue(alert instanceof String a && a.matches("[A-Z][A-Za-z0-9]+"), "alert name: " + rule);
        alerts.add((String) alert);
        assertTrue(Set.of("alert", "expr", "for", "labels", "annotations").containsAll(rule.keySet()), "rule keys: " + rule.keySet());
        assertTrue(rule.get("expr") instanceof String e && !e.isBlank(), alert + " has an expr");
        if (rule.containsKey("for")) {
          assertTrue(DURATION.matcher(String.valueOf(rule.get("for"))).matches(), alert + " for: " + rule.get("for"));
        }
        Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
        assertTrue(labels != null && Set.of("critical", "warning", "info").contains(labels.get("severity")), alert + " has a severity");
        Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
        assertTrue(annotations != null && annotations.get("summary") instanceof String, alert + " has a summary");
        assertTrue(annotations.get("description") instanceof String, alert + " has a description");
      }
    }
    assertTrue(alerts.containsAll(Set.of("IrisNodeDown", "IrisWebhookErrors", "IrisPipelineLagHigh", "IrisPipelineBacklog",
        "IrisDeliveriesFailing", "IrisJobFailing", "IrisJobMissed")), alerts.toString());
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    String promtool = promtool();
    assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus; .ci/run installs it)");
    Process p = new ProcessBuilder(promtool, "check", "rules", RULES.toString()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool finished");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("SUCCESS"), out);
  }

  private static String promtool() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
