package iris;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import iris.metrics.MetricsSettings;
import iris.prometheus.PrometheusInstance;

/** Iris's settings, validated once at start-up. Secrets never appear in {@link #toString()}. */
public record IrisConfig(
    Path dataDir,
    Set<Role> roles,
    Http http,
    Auth auth,
    Db db,
    String redisUrl,
    Webhook webhook,
    Pipeline pipeline,
    Cluster cluster,
    Path templatesDir,
    Knowledge knowledge,
    Weaviate weaviate,
    Ollama ollama,
    Enrich enrich,
    Notify notifications,
    Email email,
    Enroll enroll,
    List<PrometheusInstance> prometheus,
    Duration prometheusVerifyTimeout,
    Schedule schedule,
    Maintenance maintenance,
    MetricsSettings metrics,
    Digest digest,
    Console console) {

  /**
   * The HTTP listener. {@code tlsCert}/{@code tlsKey} (PEM files) both set means HTTPS; an idle
   * connection closes after {@code idleTimeout}; a request must arrive whole within
   * {@code requestTimeout}; at most {@code maxUploads} bulk uploads are received at once per node.
   */
  public record Http(String host, int port, int instances, Path tlsCert, Path tlsKey, Duration idleTimeout,
                     Duration requestTimeout, int maxUploads, Cors cors, String publicUrl) {
    public boolean tls() {
      return tlsCert != null;
    }
  }

  /**
   * Browser pages on these origins may call the API; none = no CORS headers at all. Origins are
   * compared exactly ({@code scheme://host[:port]}); {@code *} only with authentication off.
   */
  public record Cors(List<String> allowedOrigins, Duration maxAge) {
    public boolean enabled() {
      return !allowedOrigins.isEmpty();
    }

    public boolean anyOrigin() {
      return allowedOrigins.contains("*");
    }
  }

  public record Auth(boolean enabled, String seedApiKey) {
    @Override
    public String toString() {
      return "Auth[enabled=" + enabled + ", seedApiKey=" + (seedApiKey.isEmpty() ? "unset" : "***") + "]";
    }
  }

  /**
   * {@code url} empty means the embedded server. {@code ingestPoolSize} connections serve only
   * the webhook's commits, so no other stage can starve the intake.
   */
  public record Db(String url, int poolSize, int ingestPoolSize, Duration connectTimeout, int embeddedPort) {
    public static final int DEFAULT_INGEST_POOL_SIZE = 4;

    public Db(String url, int poolSize, Duration connectTimeout, int embeddedPort) {
      this(url, poolSize, DEFAULT_INGEST_POOL_SIZE, connectTimeout, embeddedPort);
    }

    public boolean embedded() {
      return url.isEmpty();
    }

    @Override
    public String toString() {
      return "Db[url=" + redact(url) + ", poolSize=" + poolSize + ", ingestPoolSize=" + ingestPoolSize
          + ", connectTimeout=" + connectTimeout + "]";
    }
  }

  /**
   * {@code token} empty with {@code generateToken} means none was configured: one is generated
   * into the data directory at first start; empty without it means the operator opened the webhook.
   * {@code maxQueuedRequests} and {@code maxQueuedAlerts} bound what waits per HTTP event loop; beyond: 503 busy.
   */
  public record Webhook(
      String token,
      boolean generateToken,
      int maxBodyBytes,
      Duration batchWindow,
      int batchMaxAlerts,
      int maxInFlight,
      int retryAfterSeconds,
      int maxQueuedRequests,
      int maxQueuedAlerts) {
    public Webhook(String token, int maxBodyBytes, Duration batchWindow, int batchMaxAlerts, int maxInFlight, int retryAfterSeconds) {
      this(token, false, maxBodyBytes, batchWindow, batchMaxAlerts, maxInFlight, retryAfterSeconds, 1000, 20_000);
    }

    @Override
    public String toString() {
      return "Webhook[token=" + (generateToken ? "generated" : token.isEmpty() ? "none (open)" : "***") + ", maxBodyBytes=" + maxBodyBytes
          + ", batchWindow=" + batchWindow + ", batchMaxAlerts=" + batchMaxAlerts + ", maxInFlight=" + maxInFlight
          + ", maxQueuedRequests=" + maxQueuedRequests + ", maxQueuedAlerts=" + maxQueuedAlerts + "]";
    }
  }

  /**
   * The web console: how long a sign-in lasts, and the key that signs one-click links in
   * messages ({@code linkKey} empty with {@code generateLinkKey}: generated into the data
   * directory at first start) and how long such a link stays valid.
   */
  public record Console(Duration sessionTtl, String linkKey, boolean generateLinkKey, Duration linkTtl) {
    @Override
    public String toString() {
      return "Console[sessionTtl=" + sessionTtl + ", linkKey=" + (generateLinkKey ? "generated" : linkKey.isEmpty() ? "none" : "***")
          + ", linkTtl=" + linkTtl + "]";
    }
  }

  /** Cron expressions of scheduled jobs are read in {@code timezone}; runs are kept {@code keepRunsDays}. */
  public record Schedule(java.time.ZoneId timezone, int keepRunsDays) {}

  /**
   * Maintenance windows and deployments: the longest window without a stated reason, how long
   * before its end a window still muting firing alerts reminds its maintainers, and how long after
   * a deployment an incident on its service or hosts carries it.
   */
  public record Maintenance(Duration maxDuration, Duration endingReminder, Duration deploymentLookback) {}

  /**
   * The stages' claims: how long one holds, how often a stage looks for work no wake-up
   * announced, how many groups it takes at once, and the intake rate above which it yields.
   */
  /**
   * Digests: when each frequency runs (cron in {@code zone}, which also draws the periods' day
   * boundaries), each severity's time to resolve, who gets more than their own scope, and the
   * address people open Iris at (for the report's link; empty: no link).
   */
  public record Digest(java.time.ZoneId zone, String dailyCron, String weeklyCron, String monthlyCron,
                       java.util.Map<String, Duration> sla, List<String> infrastructure, List<String> general,
                       String generalFrequency, String publicUrl, int noisyRules, Duration shortFire, Duration coFireWindow) {
    public static final List<String> FREQUENCIES = List.of("daily", "weekly", "monthly");

    public String cron(String frequency) {
      return switch (frequency) {
        case "daily" -> dailyCron;
        case "weekly" -> weeklyCron;
        default -> monthlyCron;
      };
    }
  }

  public record Pipeline(Duration lease, Duration poll, int batchGroups, int yieldAboveAlertsPerSecond) {}

  public record Cluster(boolean enabled, String host, int port, List<String> members, int eventBusPort) {}

  public record Knowledge(int chunkWords, int chunkOverlapWords, int embeddingCacheEntries, Duration embeddingCacheTtl) {}

  /** {@code url} empty means the PostgreSQL vector store. */
  public record Weaviate(String url, String apiKey) {
    public boolean enabled() {
      return !url.isEmpty();
    }

    @Override
    public String toString() {
      return "Weaviate[url=" + (url.isEmpty() ? "unset" : url) + ", apiKey=" + (apiKey.isEmpty() ? "unset" : "***") + "]";
    }
  }

  /** {@code url} empty means the in-process embedding model and template narratives. */
  public record Ollama(String url, String embedModel, String chatModel, Duration timeout) {
    public boolean enabled() {
      return !url.isEmpty();
    }
  }

  public record Enrich(int concurrency, Duration reuse, int runbooks, int pastIncidents, int infrastructure) {}

  /**
   * Routing and delivery; {@code defaultTeamsWebhookUrl} is a secret. Teams URLs must be https
   * to a public address unless {@code allowInsecureUrls} (local test servers).
   */
  public record Notify(String hostLabel, List<String> serviceLabels, String defaultTeamsWebhookUrl, String defaultEmail,
                       Duration flakyHold, int maxAttempts, Duration retryBase, int teamsRatePerSecond, Duration timeout,
                       boolean allowInsecureUrls, Graph graph) {
    /** Settings built by hand (tests of routing and delivery), where no URL is checked. */
    public Notify(String hostLabel, List<String> serviceLabels, String defaultTeamsWebhookUrl, String defaultEmail,
                  Duration flakyHold, int maxAttempts, Duration retryBase, int teamsRatePerSecond, Duration timeout) {
      this(hostLabel, serviceLabels, defaultTeamsWebhookUrl, defaultEmail, flakyHold, maxAttempts, retryBase, teamsRatePerSecond,
          timeout, false);
    }

    public Notify(String hostLabel, List<String> serviceLabels, String defaultTeamsWebhookUrl, String defaultEmail,
                  Duration flakyHold, int maxAttempts, Duration retryBase, int teamsRatePerSecond, Duration timeout,
                  boolean allowInsecureUrls) {
      this(hostLabel, serviceLabels, defaultTeamsWebhookUrl, defaultEmail, flakyHold, maxAttempts, retryBase, teamsRatePerSecond,
          timeout, allowInsecureUrls, Graph.OFF);
    }

    @Override
    public String toString() {
      return "Notify[hostLabel=" + hostLabel + ", serviceLabels=" + serviceLabels + ", defaultTeams="
          + (defaultTeamsWebhookUrl.isEmpty() ? "unset" : "***") + ", defaultEmail=" + defaultEmail + ", flakyHold=" + flakyHold
          + ", maxAttempts=" + maxAttempts + ", retryBase=" + retryBase + ", teamsRate=" + teamsRatePerSecond + ", " + graph + "]";
    }
  }

  /**
   * Teams through Microsoft Graph, off while {@code clientId} is empty: the Azure AD app (tenant,
   * client id, optional client secret: secrets, never in {@link #toString()}), the hosts of the
   * identity platform and of Graph, the delegated scopes asked for at sign-in, posts a second to
   * one channel or chat, how long before its expiry an access token is replaced, and the default
   * destination (a team's channel, or a chat).
   */
  public record Graph(String tenant, String clientId, String clientSecret, String loginUrl, String apiUrl, String scopes,
                      int ratePerSecond, Duration refreshBefore, String defaultTeamId, String defaultChannelId,
                      String defaultChatId) {
    public static final String LOGIN_URL = "https://login.microsoftonline.com";
    public static final String API_URL = "https://graph.microsoft.com";
    public static final Graph OFF = new Graph("organizations", "", "", LOGIN_URL, API_URL, "", 1, Duration.ofMinutes(5), "", "", "");

    public boolean enabled() {
      return !clientId.isEmpty();
    }

    /** True when unowned alerts have a Graph destination. */
    public boolean hasDefault() {
      return !defaultChatId.isEmpty() || !defaultTeamId.isEmpty() && !defaultChannelId.isEmpty();
    }

    @Override
    public String toString() {
      return "Graph[" + (enabled() ? "tenant=***, clientId=***, clientSecret=" + (clientSecret.isEmpty() ? "unset" : "***")
          + ", login=" + loginUrl + ", api=" + apiUrl + ", scopes=" + scopes + ", rate=" + ratePerSecond
          + ", refreshBefore=" + refreshBefore + ", default=" + (hasDefault() ? "set" : "unset") : "off") + "]";
    }
  }

  /** {@code transport} off, smtp or gateway; passwords and keys never in {@link #toString()}. */
  public record Email(String transport, String from, String smtpHost, int smtpPort, String smtpStarttls, boolean smtpSsl,
                      String smtpUsername, String smtpPassword, String gatewayUrl, String gatewayApiKey) {
    @Override
    public String toString() {
      return "Email[transport=" + transport + ", from=" + from + ", smtp=" + smtpHost + ":" + smtpPort + ", starttls=" + smtpStarttls
          + ", ssl=" + smtpSsl + ", user=" + (smtpUsername.isEmpty() ? "none" : smtpUsername) + ", password="
          + (smtpPassword.isEmpty() ? "unset" : "***") + ", gateway=" + (gatewayUrl.isEmpty() ? "unset" : gatewayUrl)
          + ", gatewayKey=" + (gatewayApiKey.isEmpty() ? "unset" : "***") + "]";
    }
  }

  /** Enrollment; {@code secretKey} seals credentials at rest and never appears in {@link #toString()}. */
  public record Enroll(int concurrency, Path knownHosts, Path keysDir, String secretKey, Duration connectTimeout, Duration stepTimeout,
                       int maxAttempts, int minFreeMb, Alloy alloy, WinRm winrm) {
    @Override
    public String toString() {
      return "Enroll[concurrency=" + concurrency + ", knownHosts=" + knownHosts + ", keysDir=" + keysDir + ", secretKey="
          + (secretKey.isEmpty() ? "generated" : "***") + ", connectTimeout=" + connectTimeout + ", stepTimeout=" + stepTimeout
          + ", maxAttempts=" + maxAttempts + ", minFreeMb=" + minFreeMb + ", " + alloy + ", " + winrm + "]";
    }
  }

  /** How Alloy reaches a host: its pinned version, where the package comes from, its port. */
  public record Alloy(String version, String source, String mirrorUrl, Path artifactDir, String packageName,
                      String windowsInstaller, int port, Duration readyTimeout) {
    public static final List<String> SOURCES = List.of("repository", "mirror", "upload");
  }

  public record WinRm(int port, boolean https, String auth) {}

  public static IrisConfig from(ConfigSource source) {
    Path dataDir = Path.of(source.string("data_dir").isBlank() ? "./data" : source.string("data_dir"));
    String dbUrl = source.string("db.url").strip();
    if (!dbUrl.isEmpty() && !dbUrl.startsWith("postgresql://") && !dbUrl.startsWith("postgres://")) {
      throw new ConfigException("db.url (IRIS_DB_URL): must look like postgresql://user:pass@host:port/db");
    }
    String redisUrl = source.string("redis.url").strip();
    if (!redisUrl.isEmpty() && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
      throw new ConfigException("redis.url (IRIS_REDIS_URL): must look like redis://host:port");
    }
    List<String> members = Arrays.stream(source.string("cluster.members").split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
    return new IrisConfig(
        dataDir,
        Role.parse(source.string("roles"), "roles (IRIS_ROLES)"),
        http(source),
        new Auth(source.flag("auth"), source.string("api_key").strip()),
        new Db(dbUrl, source.integer("db.pool_size", 1, 100), source.integer("db.ingest_pool_size", 1, 100),
            Duration.ofMillis(source.integer("db.connect_timeout_ms", 100, 60_000)),
            source.integer("db.embedded_port", 0, 65535)),
        redisUrl,
        new Webhook(source.string("webhook.token").strip(), !source.isSet("webhook.token"),
            source.integer("webhook.max_body_bytes", 1024, 1024 * 1024 * 1024),
            Duration.ofMillis(source.integer("webhook.batch_window_ms", 0, 1000)),
            source.integer("webhook.batch_max_alerts", 1, 100_000),
            source.integer("webhook.max_in_flight", 1, 64),
            source.integer("webhook.retry_after_seconds", 1, 3600),
            source.integer("webhook.max_queued_requests", 1, 1_000_000),
            source.integer("webhook.max_queued_alerts", 1, 10_000_000)),
        new Pipeline(Duration.ofSeconds(source.integer("pipeline.lease_seconds", 1, 86_400)),
            Duration.ofMillis(source.integer("pipeline.poll_ms", 50, 3_600_000)),
            source.integer("pipeline.batch_groups", 1, 1000),
            source.integer("pipeline.yield_above_alerts_per_second", 0, 10_000_000)),
        new Cluster(source.flag("cluster.enabled"), source.string("cluster.host"),
            source.integer("cluster.port", 1, 65535), members, source.integer("cluster.eventbus_port", 0, 65535)),
        Path.of(source.string("templates_dir").isBlank() ? "./templates" : source.string("templates_dir")),
        new Knowledge(source.integer("knowledge.chunk_words", 20, 2000),
            source.integer("knowledge.chunk_overlap_words", 0, 500),
            source.integer("knowledge.embedding_cache_entries", 0, 10_000_000),
            Duration.ofHours(source.integer("knowledge.embedding_cache_ttl_hours", 1, 24 * 365))),
        new Weaviate(httpUrl(source, "weaviate.url", "IRIS_WEAVIATE_URL"), source.string("weaviate.api_key").strip()),
        new Ollama(httpUrl(source, "ollama.url", "IRIS_OLLAMA_URL"), source.string("ollama.embed_model").strip(),
            source.string("ollama.chat_model").strip(),
            Duration.ofMillis(source.integer("ollama.timeout_ms", 100, 600_000))),
        new Enrich(source.integer("enrich.concurrency", 1, 256),
            Duration.ofMinutes(source.integer("enrich.reuse_minutes", 0, 10_080)),
            source.integer("enrich.runbooks", 0, 20), source.integer("enrich.past_incidents", 0, 20),
            source.integer("enrich.infrastructure", 0, 20)),
        new Notify(nonBlank(source, "notify.host_label", "instance"),
            Arrays.stream(source.string("notify.service_labels").split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList(),
            httpUrl(source, "notify.default_teams_webhook_url", "IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL"),
            source.string("notify.default_email").strip(),
            Duration.ofMinutes(source.integer("notify.flaky_hold_minutes", 0, 1440)),
            source.integer("notify.max_attempts", 1, 100),
            Duration.ofSeconds(source.integer("notify.retry_base_seconds", 1, 3600)),
            source.integer("notify.teams_rate_per_second", 1, 100),
            Duration.ofMillis(source.integer("notify.timeout_ms", 100, 120_000)),
            source.flag("notify.allow_insecure_urls"), graph(source)),
        email(source),
        enroll(source, dataDir),
        PrometheusInstance.parseList(source.string("prometheus.instances"), "prometheus.instances (IRIS_PROMETHEUS_INSTANCES)",
            dataDir.resolve("prometheus-targets")),
        Duration.ofSeconds(source.integer("prometheus.verify_timeout_seconds", 0, 3600)),
        new Schedule(zone(source, "schedule.timezone"), source.integer("schedule.keep_runs_days", 1, 3650)),
        new Maintenance(duration(source, "maintenance.max_duration"), duration(source, "maintenance.ending_reminder"),
            duration(source, "maintenance.deployment_lookback")),
        MetricsSettings.from(source),
        digest(source),
        new Console(duration(source, "console.session_ttl"), source.string("console.link_key").strip(),
            !source.isSet("console.link_key") || source.string("console.link_key").isBlank(), duration(source, "console.link_ttl")));
  }

  private static Digest digest(ConfigSource source) {
    java.time.ZoneId zone = source.string("digest.timezone").isBlank() ? zone(source, "schedule.timezone") : zone(source, "digest.timezone");
    String[] crons = new String[3];
    for (int i = 0; i < 3; i++) {
      String key = "digest." + Digest.FREQUENCIES.get(i) + "_cron";
      crons[i] = source.string(key).strip();
      try {
        iris.schedule.Schedule.cron(crons[i], zone);
      } catch (RuntimeException e) {
        throw new ConfigException(key + " (" + ConfigSource.envName(key) + "): not a five-field cron expression: " + e.getMessage());
      }
    }
    java.util.Map<String, Duration> sla = new java.util.LinkedHashMap<>();
    for (String part : source.string("digest.sla").split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] kv = part.split("=", 2);
      try {
        Duration d = Duration.parse(kv[1].strip());
        if (d.isNegative() || d.isZero()) {
          throw new java.time.format.DateTimeParseException("not positive", kv[1], 0);
        }
        sla.put(kv[0].strip().toLowerCase(java.util.Locale.ROOT), d);
      } catch (RuntimeException e) {
        throw new ConfigException("digest.sla (IRIS_DIGEST_SLA): write severity=ISO-8601 duration pairs, e.g. critical=PT4H,warning=PT24H; got '"
            + part.strip() + "'");
      }
    }
    String general = source.string("digest.general_frequency").strip().toLowerCase(java.util.Locale.ROOT);
    if (!general.equals("none") && !Digest.FREQUENCIES.contains(general)) {
      throw new ConfigException("digest.general_frequency (IRIS_DIGEST_GENERAL_FREQUENCY): must be none, daily, weekly or monthly");
    }
    return new Digest(zone, crons[0], crons[1], crons[2], java.util.Collections.unmodifiableMap(sla),
        names(source, "digest.infrastructure_stakeholders"), names(source, "digest.general_recipients"), general,
        httpUrl(source, "digest.public_url", "IRIS_DIGEST_PUBLIC_URL"), source.integer("digest.noisy_rules", 0, 50),
        duration(source, "digest.short_fire"), duration(source, "digest.co_fire_window"));
  }

  private static List<String> names(ConfigSource source, String key) {
    return Arrays.stream(source.string(key).split(",")).map(String::strip).filter(x -> !x.isEmpty()).distinct().toList();
  }

  private static Duration duration(ConfigSource source, String key) {
    String raw = source.string(key).strip();
    try {
      Duration d = Duration.parse(raw);
      if (d.isNegative() || d.isZero()) {
        throw new java.time.format.DateTimeParseException("not positive", raw, 0);
      }
      return d;
    } catch (java.time.format.DateTimeParseException e) {
      throw new ConfigException(key + " (" + ConfigSource.envName(key) + "): must be a positive ISO-8601 duration such as PT30M or P7D, got '" + raw + "'");
    }
  }

  private static java.time.ZoneId zone(ConfigSource source, String key) {
    String raw = source.string(key).strip();
    try {
      return java.time.ZoneId.of(raw.isEmpty() ? "UTC" : raw);
    } catch (java.time.DateTimeException e) {
      throw new ConfigException(key + " (" + ConfigSource.envName(key) + "): must be a time zone such as UTC or Europe/Berlin, got '" + raw + "'");
    }
  }

  private static Http http(ConfigSource source) {
    String cert = source.string("http.tls_cert").strip();
    String key = source.string("http.tls_key").strip();
    if (cert.isEmpty() != key.isEmpty()) {
      throw new ConfigException((cert.isEmpty() ? "http.tls_cert (IRIS_HTTP_TLS_CERT)" : "http.tls_key (IRIS_HTTP_TLS_KEY)")
          + ": HTTPS needs both a certificate and its key (PEM files)");
    }
    for (String[] file : new String[][] {{"http.tls_cert", cert}, {"http.tls_key", key}}) {
      if (!file[1].isEmpty() && !java.nio.file.Files.isReadable(Path.of(file[1]))) {
        throw new ConfigException(file[0] + " (" + ConfigSource.envName(file[0]) + "): cannot read " + file[1]);
      }
    }
    return new Http(source.string("http.host"), source.integer("http.port", 0, 65535), source.integer("http.instances", 0, 64),
        cert.isEmpty() ? null : Path.of(cert), key.isEmpty() ? null : Path.of(key),
        Duration.ofSeconds(source.integer("http.idle_timeout_seconds", 1, 86_400)),
        Duration.ofSeconds(source.integer("http.request_timeout_seconds", 1, 3600)),
        source.integer("http.max_uploads", 1, 1000), cors(source), publicUrl(source));
  }

  private static final java.util.regex.Pattern ORIGIN = java.util.regex.Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

  private static Cors cors(ConfigSource source) {
    List<String> origins = Arrays.stream(source.string("http.cors.allowed_origins").split(",")).map(String::strip)
        .filter(x -> !x.isEmpty()).toList();
    for (String origin : origins) {
      if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
        throw new ConfigException("http.cors.allowed_origins (" + ConfigSource.envName("http.cors.allowed_origins")
            + "): '" + origin + "' is not an origin; write scheme://host[:port], e.g. https://portal.example.com, with no path or wildcard");
      }
    }
    return new Cors(origins, Duration.ofSeconds(source.integer("http.cors.max_age_seconds", 0, 86_400)));
  }

  /** Where people reach this Iris (links in messages): scheme://host[:port][/path], no trailing slash. */
  private static String publicUrl(ConfigSource source) {
    String url = httpUrl(source, "http.public_url", "IRIS_HTTP_PUBLIC_URL");
    if (!url.isEmpty()) {
      try {
        URI uri = URI.create(url);
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException("http.public_url (IRIS_HTTP_PUBLIC_URL): must be an address such as https://iris.example.com, got '" + url + "'");
      }
    }
    return url;
  }

  private static Enroll enroll(ConfigSource source, Path dataDir) {
    String alloySource = source.string("enroll.alloy.source").strip().toLowerCase(java.util.Locale.ROOT);
    if (!Alloy.SOURCES.contains(alloySource)) {
      throw new ConfigException("enroll.alloy.source (IRIS_ENROLL_ALLOY_SOURCE): must be one of " + Alloy.SOURCES + ", got '" + alloySource + "'");
    }
    String mirror = httpUrl(source, "enroll.alloy.mirror_url", "IRIS_ENROLL_ALLOY_MIRROR_URL");
    if (!mirror.matches("[A-Za-z0-9:/._~%@+=,\\-]*")) {
      // It is written into the hosts' shell scripts: no quotes, spaces or shell characters.
      throw new ConfigException("enroll.alloy.mirror_url (IRIS_ENROLL_ALLOY_MIRROR_URL): letters, digits and : / . _ ~ % @ + = , - only");
    }
    if (alloySource.equals("mirror") && mirror.isEmpty()) {
      throw new ConfigException("enroll.alloy.mirror_url (IRIS_ENROLL_ALLOY_MIRROR_URL): required when enroll.alloy.source is mirror");
    }
    String version = source.string("enroll.alloy.version").strip();
    if (!version.matches("[0-9]+\\.[0-9]+\\.[0-9]+([-.+~][0-9A-Za-z.]+)?")) {
      throw new ConfigException("enroll.alloy.version (IRIS_ENROLL_ALLOY_VERSION): must be a version like 1.5.1, got '" + version + "'");
    }
    String winrmAuth = source.string("enroll.winrm.auth").strip().toLowerCase(java.util.Locale.ROOT);
    if (!List.of("ntlm", "basic", "kerberos").contains(winrmAuth)) {
      throw new ConfigException("enroll.winrm.auth (IRIS_ENROLL_WINRM_AUTH): must be ntlm, basic or kerberos");
    }
    String packageName = nonBlank(source, "enroll.alloy.package_name", "alloy-{version}-1.{arch}.{format}");
    String installer = nonBlank(source, "enroll.alloy.windows_installer", "alloy-installer-windows-amd64.exe");
    for (String[] name : new String[][] {{"enroll.alloy.package_name", packageName}, {"enroll.alloy.windows_installer", installer}}) {
      if (!name[1].matches("[A-Za-z0-9._{}+~-]+")) {
        throw new ConfigException(name[0] + " (" + ConfigSource.envName(name[0]) + "): a file name (letters, digits, . _ - + ~ and {placeholders})");
      }
    }
    Alloy alloy = new Alloy(version, alloySource, mirror, Path.of(nonBlank(source, "enroll.alloy.artifact_dir", dataDir.resolve("artifacts").toString())),
        packageName, installer,
        source.integer("enroll.alloy.port", 1, 65535),
        Duration.ofSeconds(source.integer("enroll.alloy.ready_timeout_seconds", 1, 3600)));
    return new Enroll(source.integer("enroll.concurrency", 1, 256),
        Path.of(nonBlank(source, "enroll.known_hosts", dataDir.resolve("known_hosts").toString())),
        Path.of(nonBlank(source, "enroll.keys_dir", dataDir.resolve("keys").toString())).toAbsolutePath().normalize(),
        source.string("enroll.secret_key").strip(),
        Duration.ofSeconds(source.integer("enroll.connect_timeout_seconds", 1, 600)),
        Duration.ofSeconds(source.integer("enroll.step_timeout_seconds", 5, 7200)),
        source.integer("enroll.max_attempts", 1, 20),
        source.integer("enroll.min_free_mb", 0, 1_000_000),
        alloy,
        new WinRm(source.integer("enroll.winrm.port", 1, 65535), source.flag("enroll.winrm.https"), winrmAuth));
  }

  private static Graph graph(ConfigSource source) {
    String team = source.string("notify.graph.default_team_id").strip();
    String channel = source.string("notify.graph.default_channel_id").strip();
    String chat = source.string("notify.graph.default_chat_id").strip();
    if (team.isEmpty() != channel.isEmpty()) {
      throw new ConfigException("notify.graph.default_team_id and notify.graph.default_channel_id"
          + " (IRIS_NOTIFY_GRAPH_DEFAULT_TEAM_ID, IRIS_NOTIFY_GRAPH_DEFAULT_CHANNEL_ID): a channel is named by both, or set neither");
    }
    if (!chat.isEmpty() && !team.isEmpty()) {
      throw new ConfigException("notify.graph.default_chat_id (IRIS_NOTIFY_GRAPH_DEFAULT_CHAT_ID): a default chat or a default"
          + " team channel, not both");
    }
    String tenant = nonBlank(source, "notify.graph.tenant", "organizations");
    if (!tenant.matches("[A-Za-z0-9.-]{1,253}")) {
      throw new ConfigException("notify.graph.tenant (IRIS_NOTIFY_GRAPH_TENANT): a tenant id (GUID), a domain such as"
          + " contoso.onmicrosoft.com, or organizations");
    }
    String login = httpUrl(source, "notify.graph.login_url", "IRIS_NOTIFY_GRAPH_LOGIN_URL");
    String api = httpUrl(source, "notify.graph.api_url", "IRIS_NOTIFY_GRAPH_API_URL");
    return new Graph(tenant, source.string("notify.graph.client_id").strip(), source.string("notify.graph.client_secret").strip(),
        login.isEmpty() ? Graph.LOGIN_URL : login, api.isEmpty() ? Graph.API_URL : api,
        nonBlank(source, "notify.graph.scopes", "offline_access openid profile ChannelMessage.Send ChatMessage.Send User.ReadBasic.All"),
        source.integer("notify.graph.rate_per_second", 1, 100),
        Duration.ofSeconds(source.integer("notify.graph.refresh_before_seconds", 30, 3000)), team, channel, chat);
  }

  private static Email email(ConfigSource source) {
    String transport = source.string("email.transport").strip().toLowerCase(java.util.Locale.ROOT);
    if (!List.of("off", "smtp", "gateway").contains(transport)) {
      throw new ConfigException("email.transport (IRIS_EMAIL_TRANSPORT): must be off, smtp or gateway, got '" + transport + "'");
    }
    String starttls = source.string("email.smtp.starttls").strip().toLowerCase(java.util.Locale.ROOT);
    if (!List.of("none", "optional", "required").contains(starttls)) {
      throw new ConfigException("email.smtp.starttls (IRIS_EMAIL_SMTP_STARTTLS): must be none, optional or required");
    }
    String gateway = httpUrl(source, "email.gateway.url", "IRIS_EMAIL_GATEWAY_URL");
    if (transport.equals("gateway") && gateway.isEmpty()) {
      throw new ConfigException("email.gateway.url (IRIS_EMAIL_GATEWAY_URL): required when email.transport is gateway");
    }
    return new Email(transport, nonBlank(source, "email.from", "iris@localhost"), source.string("email.smtp.host").strip(),
        source.integer("email.smtp.port", 1, 65535), starttls, source.flag("email.smtp.ssl"),
        source.string("email.smtp.username").strip(), source.string("email.smtp.password"), gateway,
        source.string("email.gateway.api_key").strip());
  }

  private static String nonBlank(ConfigSource source, String key, String fallback) {
    String value = source.string(key).strip();
    return value.isEmpty() ? fallback : value;
  }

  private static String httpUrl(ConfigSource source, String key, String env) {
    String url = source.string(key).strip();
    if (!url.isEmpty() && !url.startsWith("http://") && !url.startsWith("https://")) {
      throw new ConfigException(key + " (" + env + "): must be an http:// or https:// URL");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The console settings with the link-signing key in force (the generated one). */
  public IrisConfig withConsoleLinkKey(String key) {
    return new IrisConfig(dataDir, roles, http, auth, db, redisUrl, webhook, pipeline, cluster,
        templatesDir, knowledge, weaviate, ollama, enrich, notifications, email, enroll, prometheus, prometheusVerifyTimeout, schedule, maintenance,
        metrics, digest, new Console(console.sessionTtl, key, false, console.linkTtl));
  }

  /** The webhook settings with the token in force (the generated one). */
  public IrisConfig withWebhookToken(String token) {
    Webhook w = new Webhook(token, false, webhook.maxBodyBytes, webhook.batchWindow, webhook.batchMaxAlerts,
        webhook.maxInFlight, webhook.retryAfterSeconds, webhook.maxQueuedRequests, webhook.maxQueuedAlerts);
    return new IrisConfig(dataDir, roles, http, auth, db, redisUrl, w, pipeline, cluster,
        templatesDir, knowledge, weaviate, ollama, enrich, notifications, email, enroll, prometheus, prometheusVerifyTimeout, schedule, maintenance, metrics, digest, console);
  }

  public IrisConfig withRoles(Set<Role> newRoles) {
    return new IrisConfig(dataDir, newRoles, http, auth, db, redisUrl, webhook, pipeline, cluster,
        templatesDir, knowledge, weaviate, ollama, enrich, notifications, email, enroll, prometheus, prometheusVerifyTimeout, schedule, maintenance, metrics, digest, console);
  }

  /** Settings that only go wrong together; checked once the command line is applied. */
  public IrisConfig validated() {
    if (cluster.enabled && enroll.secretKey().isEmpty()) {
      throw new ConfigException("enroll.secret_key (IRIS_ENROLL_SECRET_KEY): required in a cluster, the same on every node"
          + " (a key generated per node could not open credentials sealed by another): openssl rand -base64 32");
    }
    String teams = notifications.defaultTeamsWebhookUrl();
    String teamsProblem = teams.isEmpty() ? null : OutboundUrl.problem(teams, notifications.allowInsecureUrls());
    if (teamsProblem != null) {
      throw new ConfigException("notify.default_teams_webhook_url (IRIS_NOTIFY_DEFAULT_TEAMS_WEBHOOK_URL): " + teamsProblem);
    }
    Graph graph = notifications.graph();
    for (String[] url : new String[][] {{"notify.graph.login_url", graph.loginUrl()}, {"notify.graph.api_url", graph.apiUrl()}}) {
      String problem = graph.enabled() ? OutboundUrl.problem(url[1], notifications.allowInsecureUrls()) : null;
      if (problem != null) {
        throw new ConfigException(url[0] + " (" + ConfigSource.envName(url[0]) + "): " + problem);
      }
    }
    if (graph.hasDefault() && !graph.enabled()) {
      throw new ConfigException("notify.graph.client_id (IRIS_NOTIFY_GRAPH_CLIENT_ID): a default Graph destination is set,"
          + " but Teams through Graph is off without the Azure AD app's client id");
    }
    if (http.cors().anyOrigin() && auth.enabled()) {
      throw new ConfigException("http.cors.allowed_origins (IRIS_HTTP_CORS_ALLOWED_ORIGINS): '*' lets any web page call the API;"
          + " list the origins that may, or use '*' only with IRIS_AUTH=off for local development");
    }
    if (cluster.enabled && webhook.generateToken) {
      throw new ConfigException("webhook.token (IRIS_WEBHOOK_TOKEN): required in a cluster, the same on every node"
          + " (a token generated per node would fail Alertmanager on the others); set it empty to open the webhook");
    }
    return this;
  }

  public IrisConfig withClusterEnabled() {
    return new IrisConfig(dataDir, roles, http, auth, db, redisUrl, webhook, pipeline,
        new Cluster(true, cluster.host, cluster.port, cluster.members, cluster.eventBusPort),
        templatesDir, knowledge, weaviate, ollama, enrich, notifications, email, enroll, prometheus, prometheusVerifyTimeout, schedule, maintenance, metrics, digest, console);
  }

  @Override
  public String toString() {
    return "IrisConfig[dataDir=" + dataDir + ", roles=" + roles + ", " + http + ", " + auth + ", " + db
        + ", redis=" + (redisUrl.isEmpty() ? "local" : redact(redisUrl)) + ", " + webhook + ", " + pipeline + ", " + cluster
        + ", templatesDir=" + templatesDir + ", " + knowledge + ", " + weaviate + ", " + ollama + ", " + enrich + ", " + notifications + ", " + email
        + ", " + enroll + ", prometheus=" + prometheus + ", prometheusVerifyTimeout=" + prometheusVerifyTimeout + ", " + schedule + ", " + maintenance + ", " + metrics + ", " + digest + ", " + console + "]";
  }

  /** A URL with any password replaced, for logs. */
  static String redact(String url) {
    if (url.isEmpty()) {
      return "embedded";
    }
    try {
      URI uri = URI.create(url);
      return uri.getRawUserInfo() == null ? url : url.replace(uri.getRawUserInfo(), "***");
    } catch (IllegalArgumentException e) {
      return "***";
    }
  }
}
