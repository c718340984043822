package iris;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.TemplateClassResolver;
import freemarker.template.Configuration;
import freemarker.template.SimpleObjectWrapper;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FreeMarker, sandboxed: templates see only plain data (maps, lists, strings, numbers,
 * booleans, dates) and can neither call Java methods ({@code ?api} is off, the object wrapper
 * refuses other objects) nor instantiate classes ({@code ?new} resolves nothing). Files in
 * the operator's templates directory override the built-in ones of the same name.
 */
public final class Templates {
  private final Configuration freemarker;

  public Templates(Path directory) {
    freemarker = new Configuration(Configuration.VERSION_2_3_34);
    List<TemplateLoader> loaders = new ArrayList<>();
    if (directory != null && Files.isDirectory(directory)) {
      try {
        loaders.add(new FileTemplateLoader(directory.toFile()));
      } catch (IOException e) {
        throw new ConfigException("templates_dir (IRIS_TEMPLATES_DIR): cannot read " + directory + ": " + e.getMessage());
      }
    }
    loaders.add(new ClassTemplateLoader(Templates.class, "/iris/templates"));
    freemarker.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(TemplateLoader[]::new)));
    freemarker.setObjectWrapper(new SimpleObjectWrapper(Configuration.VERSION_2_3_34));
    freemarker.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
    freemarker.setAPIBuiltinEnabled(false);
    freemarker.setDefaultEncoding("UTF-8");
    freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    freemarker.setLogTemplateExceptions(false);
    freemarker.setWrapUncheckedExceptions(true);
    freemarker.setFallbackOnNullLoopVariable(false);
  }

  /** Renders {@code name} (a path under the templates directory) with plain-data {@code model}. */
  public String render(String name, Map<String, ?> model) throws IOException, TemplateException {
    Template template = freemarker.getTemplate(name);
    StringWriter out = new StringWriter();
    template.process(model, out);
    return out.toString();
  }

  /** The text of {@code name} as it is loaded: the operator's file, else the built-in one. */
  public String source(String name) throws IOException {
    Object found = freemarker.getTemplateLoader().findTemplateSource(name);
    if (found == null) {
      throw new java.io.FileNotFoundException(name);
    }
    try (java.io.Reader reader = freemarker.getTemplateLoader().getReader(found, "UTF-8")) {
      StringWriter out = new StringWriter();
      reader.transferTo(out);
      return out.toString();
    } finally {
      freemarker.getTemplateLoader().closeTemplateSource(found);
    }
  }

  /** Renders a template given as text (previews, overrides stored in the database). */
  public String renderText(String templateName, String source, Map<String, ?> model) throws IOException, TemplateException {
    Template template = new Template(templateName, source, freemarker);
    StringWriter out = new StringWriter();
    template.process(model, out);
    return out.toString();
  }
}
