package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.IrisConfig;
import iris.Templates;
import iris.enroll.HostFacts.DetectedService;
import iris.prometheus.PrometheusInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlloyTemplatesTest {
  private final AlloyTemplates templates = new AlloyTemplates(new Templates(Path.of("templates")), null);
  private final IrisConfig.Alloy alloy = new IrisConfig.Alloy("1.5.1", "repository", "", Path.of("a"), "p", "w.exe", 12345,
      Duration.ofSeconds(5));
  private final PrometheusInstance instance = new PrometheusInstance("main", "http://prom:9090", Path.of("t"), List.of(), true);

  private Map<String, String> builtIns(String... names) {
    Map<String, String> sources = new LinkedHashMap<>();
    for (String name : names) {
      sources.put(name, templates.builtIn(name));
    }
    return sources;
  }

  @Test
  void hostWithDatabaseGetsOneExporterPerService() throws Exception {
    HostFacts facts = new HostFacts("db-01", OsFamily.DEBIAN, "debian", "Debian GNU/Linux 12 (bookworm)", "12", "x86_64",
        List.of(new DetectedService("mysql", "unit"), new DetectedService("postgresql", "unit")), "none");
    AlloyConfig config = templates.render(builtIns("node", "mysql", "postgresql"),
        AlloyModel.of(facts, "db-01", "10.0.0.9", "production", Map.of("team", "db"), instance, alloy));
    assertTrue(config.text().startsWith("// db-01 (Debian GNU/Linux 12 (bookworm), x86_64)"), config.text());
    assertEquals(List.of("prometheus.exporter.unix.default", "prometheus.exporter.mysql.mysql",
        "prometheus.exporter.postgres.postgresql"), config.exporters().stream().map(AlloyConfig.Exporter::componentId).toList());
    assertEquals("/api/v0/component/prometheus.exporter.mysql.mysql/metrics", config.exporters().get(1).metricsPath());
    assertEquals("mysql", config.exporters().get(1).serviceType());
  }

  @Test
  void nginxIsWatchedThroughItsProcesses() throws Exception {
    HostFacts facts = new HostFacts("web-01", OsFamily.RHEL, "rocky", "Rocky Linux 9.4", "9.4", "x86_64",
        List.of(new DetectedService("nginx", "unit")), "firewalld");
    AlloyConfig config = templates.render(builtIns("node", "nginx"),
        AlloyModel.of(facts, "web-01", "10.0.0.8", "staging", Map.of(), instance, alloy));
    assertTrue(config.text().contains("comm = [\"nginx\"]"), config.text());
    assertEquals(List.of("node", "nginx"), config.exporters().stream().map(AlloyConfig.Exporter::serviceType).toList());
    assertEquals("/api/v0/component/prometheus.exporter.process.nginx/metrics", config.exporters().get(1).metricsPath());
  }

  @Test
  void templatesCannotReachJavaAndErrorsNameTheTemplate() {
    HostFacts facts = new HostFacts("h", OsFamily.DEBIAN, "debian", "Debian", "12", "x86_64", List.of(), "none");
    Map<String, Object> model = AlloyModel.of(facts, "h", "10.0.0.1", "prod", Map.of(), instance, alloy);
    AlloyTemplates.TemplateProblem api = assertThrows(AlloyTemplates.TemplateProblem.class,
        () -> templates.renderOne("node", "${host.hostname?api.getClass()}", model));
    assertTrue(api.getMessage().startsWith("template node:"), api.getMessage());
    assertThrows(AlloyTemplates.TemplateProblem.class,
        () -> templates.renderOne("node", "<#assign x = 'freemarker.template.utility.Execute'?new()>${x('id')}", model));
    assertThrows(AlloyTemplates.TemplateProblem.class, () -> templates.renderOne("mysql", "${missing.value}", model));
  }
}
