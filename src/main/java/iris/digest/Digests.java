package iris.digest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.IrisConfig;
import iris.Templates;
import iris.http.HttpProblem;
import iris.knowledge.OllamaWriter;
import iris.notify.Outbox;
import iris.notify.Report;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the digests of one frequency and period for everyone who takes it, at once: a handful
 * of set-based reads, every digest computed in memory, then one transaction that stores those not
 * stored before and writes their outbox rows. A period's digest for a recipient is stored and
 * sent once, however often it is built and on however many nodes.
 */
public final class Digests {
  private static final Logger LOG = LoggerFactory.getLogger(Digests.class);
  /** LLM narratives written at once. */
  private static final int WRITERS = 4;

  private final DigestStore store;
  private final HostHealth health;
  private final Outbox outbox;
  private final DigestEmail email;
  private final IrisConfig config;
  private final OllamaWriter writer;
  private final Clock clock;

  Digests(DigestStore store, HostHealth health, Outbox outbox, Templates templates, IrisConfig config, OllamaWriter writer, Clock clock) {
    this.store = store;
    this.health = health;
    this.outbox = outbox;
    this.email = new DigestEmail(templates);
    this.config = config;
    this.writer = writer;
    this.clock = clock;
  }

  /** The scheduler's run: the last whole period before now, for everyone who takes {@code frequency}. */
  public Future<Void> scheduled(String frequency) {
    return run(frequency, null, clock.instant(), false).onSuccess(r -> LOG.info("Digests {} for {}: {} built, {} new, {} queries",
        frequency, r.getJsonObject("period").getString("label"), r.getJsonArray("digests").size(), r.getInteger("created"),
        r.getInteger("queries"))).mapEmpty();
  }

  /** One digest built and rendered, before it is stored. */
  private record Built(Audience audience, JsonObject data, OllamaWriter.Written narrative) {}

  /**
   * @param maintainer only this maintainer's digest (whatever their frequency), "default" for the
   *                   default channel's overview, or null for everyone who takes {@code frequency}
   * @param at the digest covers the last whole period ending at or before it
   */
  public Future<JsonObject> run(String frequency, String maintainer, Instant at, boolean dryRun) {
    long started = System.nanoTime();
    int before = store.statements();
    Period period = Period.endingBy(frequency, at, config.digest().zone());
    Period previous = period.previous();
    return store.estate().compose(estate -> {
      List<Audience> audiences = audiences(estate, frequency, maintainer);
      Set<Long> hosts = DigestBuilder.hostsOf(estate, audiences);
      return Future.all(store.incidents(previous.start(), period.end()), store.windows(previous.start(), period.end()),
          store.deployments(period.start(), period.end()),
          hosts.isEmpty() ? Future.succeededFuture(Map.<Long, HostHealth.Line>of()) : health.lines(hosts, period.start(), period.end()))
          .compose(all -> {
            DigestBuilder builder = new DigestBuilder(config.digest(), estate, period, all.resultAt(0), all.resultAt(1), all.resultAt(2),
                all.resultAt(3));
            List<JsonObject> data = audiences.stream().map(builder::build).toList();
            return narratives(audiences, data).compose(built -> dryRun ? Future.succeededFuture(dry(built))
                : store(period, built));
          });
    }).map(digests -> {
      int created = (int) digests.stream().filter(d -> d.getBoolean("created", false)).count();
      return new JsonObject().put("frequency", frequency).put("period", new JsonObject().put("start", period.start().toString())
              .put("end", period.end().toString()).put("label", period.label()).put("zone", period.zone().getId()))
          .put("dry_run", dryRun).put("digests", new JsonArray(digests)).put("created", created)
          .put("queries", store.statements() - before).put("took_ms", (System.nanoTime() - started) / 1_000_000);
    });
  }

  List<Audience> audiences(Estate estate, String frequency, String maintainer) {
    IrisConfig.Digest settings = config.digest();
    List<Audience> out = new ArrayList<>();
    if (maintainer != null) {
      if (Audience.DEFAULT.equals(maintainer)) {
        out.add(new Audience(Audience.DEFAULT, Audience.OVERVIEW, List.of("general"), true, null));
        return out;
      }
      Estate.Person p = estate.person(maintainer);
      if (p == null) {
        throw HttpProblem.badRequest("maintainer", "no maintainer named '" + maintainer + "'");
      }
      out.add(person(p, settings, estate));
      return out;
    }
    estate.people.values().stream().filter(p -> frequency.equals(p.frequency())).map(p -> person(p, settings, estate)).forEach(out::add);
    if (frequency.equals(settings.generalFrequency())) {
      for (String name : settings.general()) {
        Estate.Person p = Audience.DEFAULT.equals(name) ? null : estate.person(name);
        if (p == null && !Audience.DEFAULT.equals(name)) {
          LOG.warn("digest.general_recipients names '{}', who is not a maintainer: no overview for them", name);
          continue;
        }
        out.add(new Audience(name, Audience.OVERVIEW, List.of("general"), true, p));
      }
    }
    out.sort(Comparator.comparing(Audience::recipient).thenComparing(Audience::kind));
    return out;
  }

  private static Audience person(Estate.Person p, IrisConfig.Digest settings, Estate estate) {
    return settings.infrastructure().contains(p.name())
        ? new Audience(p.name(), Audience.DIGEST, List.of("infrastructure"), true, p)
        : new Audience(p.name(), Audience.DIGEST, estate.segments(p.id()), false, p);
  }

  /** Each digest's narrative: the template's, or the LLM's when one is configured, a few at a time. */
  private Future<List<Built>> narratives(List<Audience> audiences, List<JsonObject> data) {
    List<Built> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < audiences.size(); from += WRITERS) {
      int start = from;
      chain = chain.compose(v -> {
        List<Future<OllamaWriter.Written>> batch = new ArrayList<>();
        for (int i = start; i < Math.min(start + WRITERS, audiences.size()); i++) {
          String template = Narrative.template(data.get(i));
          batch.add(OllamaWriter.orTemplate(writer, "digest narrative for " + audiences.get(i).recipient(), Narrative.SYSTEM,
              Narrative.prompt(data.get(i), template), template));
        }
        return Future.all(batch).map(all -> {
          for (int i = 0; i < batch.size(); i++) {
            OllamaWriter.Written w = all.resultAt(i);
            JsonObject d = data.get(start + i).put("narrative", new JsonObject().put("text", w.text()).mergeIn(w.toJson()));
            out.add(new Built(audiences.get(start + i), d, w));
          }
          return null;
        });
      });
    }
    return chain.map(v -> out);
  }

  private List<JsonObject> dry(List<Built> built) {
    List<JsonObject> out = new ArrayList<>();
    for (Built b : built) {
      DigestEmail.Rendered e = render(b, null);
      out.add(summary(b, null, false).put("data", b.data()).put("card", DigestCard.message(b.data(), b.narrative().text(), null))
          .put("subject", e.subject()).put("text", e.text()).put("html", e.html()));
    }
    return out;
  }

  private DigestEmail.Rendered render(Built b, String reportUrl) {
    try {
      return email.render(b.data(), b.narrative().text(), reportUrl);
    } catch (Exception e) {
      throw new IllegalStateException("cannot render the digest for " + b.audience().recipient() + ": " + e.getMessage(), e);
    }
  }

  private Future<List<JsonObject>> store(Period period, List<Built> built) {
    return store.newIds(built.size()).compose(ids -> {
      List<DigestStore.NewDigest> rows = new ArrayList<>();
      List<Report> reports = new ArrayList<>();
      for (int i = 0; i < built.size(); i++) {
        Built b = built.get(i);
        long id = ids.get(i);
        String url = reportUrl(id);
        DigestEmail.Rendered e = render(b, url);
        rows.add(new DigestStore.NewDigest(id, period.frequency(), b.audience().kind(), b.audience().recipient(), b.audience().segments(),
            period, b.data().copy().put("id", id).put("report_url", url), e.html(), e.text(), b.narrative().toJson()));
        reports.add(new Report(DigestCard.title(b.data()), DigestCard.message(b.data(), b.narrative().text(), url), e.subject(), e.text(),
            e.html()));
      }
      return store.pool().withTransaction(tx -> store.insert(tx, rows).compose(inserted -> {
        List<Outbox.NewMessage> messages = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
          if (inserted.contains(rows.get(i).id())) {
            messages.addAll(messages(period, built.get(i).audience(), reports.get(i)));
          }
        }
        return store.counted(outbox.once(tx, messages)).map(inserted);
      })).map(inserted -> {
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i < built.size(); i++) {
          boolean created = inserted.contains(rows.get(i).id());
          out.add(summary(built.get(i), created ? rows.get(i).id() : null, created));
        }
        return out;
      });
    });
  }

  private static JsonObject summary(Built b, Long id, boolean created) {
    return new JsonObject().put("id", id).put("recipient", b.audience().recipient()).put("kind", b.audience().kind())
        .put("segments", new JsonArray(new ArrayList<>(b.audience().segments()))).put("created", created)
        .put("title", DigestCard.title(b.data())).put("incidents", b.data().getJsonObject("incidents").getInteger("total"));
  }

  /** One row per channel the recipient takes and can be reached on: the Teams card, the email. */
  private List<Outbox.NewMessage> messages(Period period, Audience a, Report report) {
    boolean emailOn = !"off".equals(config.email().transport());
    String topic = DigestStore.topic(period);
    List<Outbox.NewMessage> out = new ArrayList<>();
    boolean teams;
    boolean mail;
    if (a.person() == null) {
      teams = !config.notifications().defaultTeamsWebhookUrl().isBlank();
      mail = emailOn && !config.notifications().defaultEmail().isBlank();
    } else {
      teams = a.person().channels().contains("teams") && a.person().teams();
      mail = a.person().channels().contains("email") && emailOn && a.person().email() != null && !a.person().email().isBlank();
    }
    if (teams) {
      out.add(new Outbox.NewMessage(topic, null, List.of(), a.kind(), "teams", a.recipient(), report.forTeams()));
    }
    if (mail) {
      out.add(new Outbox.NewMessage(topic, null, List.of(), a.kind(), "email", a.recipient(), report.forEmail()));
    }
    return out;
  }

  /** The card's link: the API's HTML where digest.public_url is set, else the console's page under http.public_url. */
  private String reportUrl(long id) {
    String base = config.digest().publicUrl();
    if (!base.isEmpty()) {
      return base + "/api/v1/digests/" + id + "/html";
    }
    String console = config.http().publicUrl();
    return console == null || console.isEmpty() ? null : console + "/console/digests/" + id;
  }

  public Future<List<JsonObject>> list(String recipient, String frequency, int limit) {
    return store.list(recipient, frequency, limit);
  }

  public Future<JsonObject> find(long id) {
    return store.find(id).compose(d -> d == null ? Future.failedFuture(HttpProblem.notFound("digest " + id)) : Future.succeededFuture(d));
  }

  public Future<String> html(long id) {
    return store.html(id).compose(h -> h == null ? Future.failedFuture(HttpProblem.notFound("digest " + id)) : Future.succeededFuture(h));
  }
}
