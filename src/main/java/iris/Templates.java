package iris;

import freemarker.cache.ClassTemplateLoader;
import freemarker.core._CoreAPI;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;

/**
 * FreeMarker, sandboxed: templates see only plain data (maps, lists, strings, numbers,
 * booleans, dates) and can neither call Java methods ({@code ?api} is off, the object wrapper
 * refuses other objects) nor instantiate classes ({@code ?new} resolves nothing). Files in
 * the operator's templates directory override the built-in ones of the same name. Every
 * rendering is bounded in time and output size ({@link LimitExceeded}).
 */
public final class Templates {
  /** Longest one rendering may take: an operator's template that loops forever is stopped. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
  /** Largest output one rendering may produce (characters). */
  public static final int DEFAULT_MAX_OUTPUT = 1024 * 1024;
  private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

  private final Configuration freemarker;
  private final Duration timeout;
  private final int maxOutput;
  /** Cached templates that already have their interruption checks (added once per parsed template). */
  private final Set<Template> guarded = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** A rendering refused for its cost: too slow or too large. */
  public static final class LimitExceeded extends IOException {
    public LimitExceeded(String message) {
      super(message);
    }
  }

  public Templates(Path directory) {
    this(directory, DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT);
  }

  public Templates(Path directory, Duration timeout, int maxOutput) {
    this.timeout = timeout;
    this.maxOutput = maxOutput;
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
    if (guarded.add(template)) {
      _CoreAPI.addThreadInterruptedChecks(template);
    }
    return process(template, model);
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
    _CoreAPI.addThreadInterruptedChecks(template);
    return process(template, model);
  }

  /**
   * Renders within the time and size bounds. Loops carry FreeMarker's interruption checks; a
   * watchdog interrupts this thread at the deadline, and the flag is cleared before returning,
   * so a pooled thread is handed back as it came.
   */
  private String process(Template template, Map<String, ?> model) throws IOException, TemplateException {
    BoundedWriter out = new BoundedWriter(maxOutput);
    Deadline deadline = new Deadline();
    ScheduledFuture<?> alarm = WATCHDOG.schedule(deadline::fire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      template.process(model, out);
      return out.toString();
    } catch (RuntimeException | TemplateException e) {
      if (deadline.fired()) {
        throw tooSlow(template);
      }
      if (e.getCause() instanceof LimitExceeded limit) {
        throw limit;
      }
      throw e;
    } finally {
      alarm.cancel(false);
      deadline.finish();
    }
  }

  /** Interrupts the rendering thread once, unless the rendering finished first. */
  private static final class Deadline {
    private final Thread thread = Thread.currentThread();
    private boolean finished;
    private boolean fired;

    synchronized void fire() {
      if (!finished) {
        fired = true;
        thread.interrupt();
      }
    }

    synchronized boolean fired() {
      return fired;
    }

    /** On the rendering thread: clears the interruption this deadline caused. */
    synchronized void finish() {
      finished = true;
      if (fired) {
        Thread.interrupted();
      }
    }
  }

  private LimitExceeded tooSlow(Template template) {
    return new LimitExceeded(template.getName() + ": rendering took longer than " + timeout.toMillis() + " ms (a loop that does not end?)");
  }

  /** Refuses output past a bound instead of filling memory. */
  private static final class BoundedWriter extends StringWriter {
    private final int max;

    BoundedWriter(int max) {
      this.max = max;
    }

    private void check(int adding) throws LimitExceeded {
      if (getBuffer().length() + adding > max) {
        throw new LimitExceeded("rendering produced more than " + max + " characters");
      }
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      sneaky(length);
      super.write(chars, offset, length);
    }

    @Override
    public void write(String text, int offset, int length) {
      sneaky(length);
      super.write(text, offset, length);
    }

    @Override
    public void write(int c) {
      sneaky(1);
      super.write(c);
    }

    @Override
    public void write(String text) {
      sneaky(text.length());
      super.write(text);
    }

    /** StringWriter's methods declare no IOException; FreeMarker passes it on to the caller all the same. */
    private void sneaky(int adding) {
      try {
        check(adding);
      } catch (LimitExceeded e) {
        throw Templates.<RuntimeException>rethrow(e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E rethrow(Throwable e) throws E {
    throw (E) e;
  }

  private static ScheduledThreadPoolExecutor watchdog() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "iris-template-watchdog");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
