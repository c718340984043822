package iris;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import iris.db.SharedState;
import iris.incident.IncidentStore;
import iris.incident.Pipeline;
import iris.ingest.IntakeLoad;
import iris.knowledge.KnowledgeBase;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the launcher builds once and hands to every capability: what more than one capability
 * uses. What only one uses, that capability builds itself. Stores are thread-safe and
 * context-agnostic, so verticle instances share them.
 *
 * @param incidents the incident store: the intake writes it, enrichment and the API read it
 * @param knowledge the knowledge base: its API, and enrichment's search
 * @param templates the sandboxed FreeMarker templates (one configuration, one template cache)
 * @param leasePool asynchronous-commit connections for claims and leases (see {@code Database.leasePool})
 * @param pipeline the one owner of incidents' pipeline states
 * @param intakeLoad how busy this node's intake is (the stages yield to it)
 * @param deployed false until every verticle of this node's roles has started (readiness)
 */
public record Components(
    IrisConfig config,
    Clock clock,
    PgConnectOptions dbOptions,
    Pool pool,
    Pool leasePool,
    SharedState sharedState,
    PrometheusMeterRegistry registry,
    IncidentStore incidents,
    Pipeline pipeline,
    IntakeLoad intakeLoad,
    WebClient http,
    KnowledgeBase knowledge,
    Templates templates,
    AtomicBoolean deployed) {}
