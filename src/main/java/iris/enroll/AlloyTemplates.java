package iris.enroll;

import freemarker.template.TemplateException;
import io.vertx.core.Future;
import iris.Templates;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Alloy template store: built-in FreeMarker files {@code templates/alloy/<name>.alloy.ftl},
 * each overridable by an operator's version in the database. A host's config is the base
 * template ({@code node}, or {@code windows}) followed by one template per detected service.
 */
public final class AlloyTemplates {
  public static final List<String> NAMES = List.of("node", "nginx", "apache", "mysql", "postgresql", "mongodb", "windows");

  private final Templates templates;
  private final AlloyTemplateStore store;

  public AlloyTemplates(Templates templates, AlloyTemplateStore store) {
    this.templates = templates;
    this.store = store;
  }

  public static String fileName(String name) {
    return "alloy/" + name + ".alloy.ftl";
  }

  public String builtIn(String name) {
    try {
      return templates.source(fileName(name));
    } catch (IOException e) {
      throw new IllegalStateException("built-in template " + fileName(name) + " is missing", e);
    }
  }

  /** The templates a host needs, in order, with the text in use for each (one query for all overrides). */
  public Future<Map<String, String>> sourcesFor(HostFacts facts) {
    List<String> names = new ArrayList<>();
    names.add(facts.family() == OsFamily.WINDOWS ? "windows" : "node");
    facts.serviceNames().stream().filter(NAMES::contains).filter(n -> !names.contains(n)).forEach(names::add);
    return store.current().map(overrides -> {
      Map<String, String> sources = new LinkedHashMap<>();
      for (String name : names) {
        sources.put(name, overrides.stream().filter(o -> o.name().equals(name)).findFirst()
            .map(AlloyTemplateStore.Stored::body).orElseGet(() -> builtIn(name)));
      }
      return sources;
    });
  }

  /** Renders every template with the host's model; a template error names the template. */
  public AlloyConfig render(Map<String, String> sources, Map<String, Object> model) throws TemplateProblem {
    StringBuilder text = new StringBuilder();
    List<AlloyConfig.Exporter> exporters = new ArrayList<>();
    for (Map.Entry<String, String> entry : sources.entrySet()) {
      String rendered = renderOne(entry.getKey(), entry.getValue(), model);
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(rendered.strip()).append('\n');
      exporters.addAll(AlloyConfig.exportersIn(entry.getKey(), rendered));
    }
    return new AlloyConfig(text.toString(), exporters);
  }

  public String renderOne(String name, String source, Map<String, Object> model) throws TemplateProblem {
    Map<String, Object> withService = new LinkedHashMap<>(model);
    withService.put("service", serviceModel(name, model));
    try {
      return templates.renderText(fileName(name), source, withService);
    } catch (TemplateException e) {
      throw new TemplateProblem("template " + name + ": " + firstLine(e.getMessage()));
    } catch (IOException e) {
      throw new TemplateProblem("template " + name + ": " + firstLine(e.getMessage()));
    }
  }

  @SuppressWarnings("unchecked")
  private static Object serviceModel(String name, Map<String, Object> model) {
    Object settings = model.get("service_settings");
    if (settings instanceof Map<?, ?> map && map.get(name) instanceof Map<?, ?> own) {
      Map<String, Object> service = new LinkedHashMap<>((Map<String, Object>) own);
      service.put("name", name);
      return service;
    }
    return Map.of("name", name);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "cannot be rendered";
    }
    String line = message.strip().lines().findFirst().orElse(message);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  /** A template that does not parse or render; the message names the template and the problem. */
  public static final class TemplateProblem extends Exception {
    public TemplateProblem(String message) {
      super(message, null, false, false);
    }
  }
}
