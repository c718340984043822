package iris;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import iris.api.ApiKeyStore;
import iris.db.SharedState;
import iris.enroll.SecretBox;
import iris.incident.IncidentStore;
import iris.incident.Pipeline;
import iris.ingest.IntakeLoad;
import iris.ingest.IngestMetrics;
import iris.knowledge.KnowledgeBase;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the launcher builds once and hands to every verticle. Stores are thread-safe and
 * context-agnostic, so verticle instances share them.
 *
 * @param templates the sandboxed FreeMarker templates (one configuration, one template cache)
 * @param secrets seals and opens enrollment credentials
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
    IngestMetrics ingestMetrics,
    IncidentStore incidents,
    Pipeline pipeline,
    IntakeLoad intakeLoad,
    ApiKeyStore apiKeys,
    WebClient http,
    KnowledgeBase knowledge,
    Templates templates,
    SecretBox secrets,
    AtomicBoolean deployed) {}
