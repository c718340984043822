package iris.registry;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import iris.db.Coalescer;
import iris.registry.Ownership.ActiveTag;
import iris.registry.Ownership.Contact;
import java.util.ArrayList;
import java.util.List;

/** Answers "whose is this alert?" from the registry, for routing and suppression. */
public final class OwnershipStore {
  private final Pool pool;
  /** When set, lookups made together (a stage's groups) go in one round trip; see {@link #coalescing}. */
  private final Coalescer<List<Lookup>, List<Ownership>> together;

  public OwnershipStore(Pool pool) {
    this.pool = pool;
    this.together = null;
  }

  private OwnershipStore(Pool pool, Context context) {
    this.pool = pool;
    this.together = new Coalescer<>(context, 64, lists -> lookup(lists.stream().flatMap(List::stream).toList()).map(found -> {
      List<List<Ownership>> out = new ArrayList<>();
      int from = 0;
      for (List<Lookup> l : lists) {
        out.add(found.subList(from, from + l.size()));
        from += l.size();
      }
      return out;
    }));
  }

  /**
   * The same store for use on {@code context} only, where lookups made while one is on its way
   * (the groups a stage works on at once) share the next round trip.
   */
  public OwnershipStore coalescing(Context context) {
    return new OwnershipStore(pool, context);
  }

  private static final String PERSON = "jsonb_build_object('name', m.name, 'email', m.email, 'teams', m.teams_webhook_url, "
      + "'channels', to_jsonb(m.channels), 'min_severity', m.min_severity, 'graph_team', m.graph_team_id, "
      + "'graph_channel', m.graph_channel_id, 'graph_chat', m.graph_chat_id, 'mention', m.mention, 'aad', m.aad_object_id)";

  // One round trip: the host the instance names (three lookups, one index each: an OR of the
  // three let the planner scan every host, the costliest statement of the alert path), its services (else the first alert label that
  // names a known service), its active tags, and the people to tell, as JSON.
  private static final String OWNERS = """
      WITH host AS (
        SELECT id, hostname, notify FROM (
          SELECT id, hostname, notify, 1 AS rank FROM hosts WHERE lower(hostname) = lower($1)
          UNION ALL SELECT id, hostname, notify, 2 FROM hosts WHERE lower(address) = lower($1)
          UNION ALL SELECT id, hostname, notify, 3 FROM hosts WHERE lower(split_part(hostname, '.', 1)) = lower($1)) named
        ORDER BY rank, id LIMIT 1),
      svc AS (
        SELECT s.id, s.name, s.notify, s.escalation_manager FROM services s
        WHERE s.id IN (SELECT service_id FROM host_services WHERE host_id = (SELECT id FROM host))
           OR (NOT EXISTS (SELECT 1 FROM host_services WHERE host_id = (SELECT id FROM host)) AND s.name = ANY($2)))
      SELECT
        (SELECT id FROM host) AS host_id,
        (SELECT hostname FROM host) AS hostname,
        coalesce((SELECT notify FROM host), true) AND coalesce((SELECT bool_and(notify) FROM svc), true) AS notify,
        (SELECT coalesce(json_agg(json_build_object('id', t.id, 'type', t.type, 'name', t.name, 'reason', t.reason,
                 'created_by', t.created_by) ORDER BY t.id), '[]'::json)
         FROM host_tags t WHERE t.host_id = (SELECT id FROM host) AND t.%s) AS tags,
        (SELECT coalesce(json_agg(name ORDER BY array_position($2, name), name), '[]'::json) FROM svc) AS services,
        (SELECT coalesce(json_agg(c ORDER BY c->>'name'), '[]'::json) FROM (SELECT DISTINCT %s AS c
           FROM host_maintainers hm JOIN maintainers m ON m.id = hm.maintainer_id WHERE hm.host_id = (SELECT id FROM host)) x) AS host_people,
        (SELECT coalesce(json_agg(c ORDER BY c->>'name'), '[]'::json) FROM (SELECT DISTINCT %s AS c
           FROM service_maintainers sm JOIN maintainers m ON m.id = sm.maintainer_id WHERE sm.service_id IN (SELECT id FROM svc)) x) AS service_people,
        (SELECT coalesce(json_agg(c ORDER BY c->>'name'), '[]'::json) FROM (SELECT DISTINCT %s AS c
           FROM maintainers m WHERE m.id IN (SELECT escalation_manager FROM svc)) x) AS escalation_people
      """.formatted(HostTagStore.ACTIVE, PERSON, PERSON, PERSON);

  /**
   * @param instance the value of the host label (e.g. {@code node-1:9100})
   * @param serviceNames candidate service names from the alert's labels, in order of preference
   */
  public Future<Ownership> owners(String instance, List<String> serviceNames) {
    return ownersOf(List.of(new Lookup(instance, serviceNames))).map(found -> found.get(0));
  }

  /** What {@link #owners} finds for an instance and its candidate service names. */
  public record Lookup(String instance, List<String> serviceNames) {}

  /** {@link #owners} for many lookups (an alert group's instances) in one round trip; answers in the same order. */
  public Future<List<Ownership>> ownersOf(List<Lookup> lookups) {
    if (lookups.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return together == null ? lookup(lookups) : together.add(lookups);
  }

  private Future<List<Ownership>> lookup(List<Lookup> lookups) {
    if (lookups.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Tuple> batch = lookups.stream().map(l -> Tuple.of(HostStore.hostPart(l.instance()))
        .addArrayOfString(l.serviceNames().toArray(String[]::new))).toList();
    return pool.preparedQuery(OWNERS).executeBatch(batch).map(rows -> {
      List<Ownership> out = new ArrayList<>();
      for (var r = rows; r != null; r = r.next()) {
        out.add(ownership(r.iterator().next()));
      }
      return out;
    });
  }

  private static Ownership ownership(Row r) {
    List<ActiveTag> tags = new ArrayList<>();
    for (Object o : array(r.getValue("tags"))) {
      JsonObject t = (JsonObject) o;
      tags.add(new ActiveTag(t.getLong("id"), t.getString("type"), t.getString("name"), t.getString("reason"), t.getString("created_by")));
    }
    List<String> services = array(r.getValue("services")).stream().map(String::valueOf).toList();
    List<Contact> hostPeople = people(r.getValue("host_people"));
    return new Ownership(r.getLong("host_id"), r.getString("hostname"), services, r.getBoolean("notify"), tags,
        hostPeople.isEmpty() ? people(r.getValue("service_people")) : hostPeople, people(r.getValue("escalation_people")));
  }

  private static JsonArray array(Object value) {
    if (value instanceof JsonArray a) {
      return a;
    }
    return value == null ? new JsonArray() : new JsonArray(String.valueOf(value));
  }

  private static List<Contact> people(Object value) {
    List<Contact> out = new ArrayList<>();
    for (Object o : array(value)) {
      JsonObject c = (JsonObject) o;
      out.add(new Contact(c.getString("name"), c.getString("email"), c.getString("teams"),
          c.getJsonArray("channels", new JsonArray()).stream().map(String::valueOf).toList(), c.getString("min_severity"),
          c.getString("graph_team"), c.getString("graph_channel"), c.getString("graph_chat"), c.getBoolean("mention", false),
          c.getString("aad")));
    }
    return out;
  }

  /** A maintainer's addresses and preferences by name, or null when they no longer exist. */
  public Future<Contact> contact(String name) {
    return contacts(List.of(name)).map(found -> found.get(0));
  }

  /** {@link #contact} for many names in one statement; answers in the order of {@code names}. */
  public Future<List<Contact>> contacts(List<String> names) {
    return pool.preparedQuery("SELECT m.name, " + PERSON + " AS c FROM maintainers m WHERE m.name = ANY($1)")
        .execute(Tuple.of(names.toArray(String[]::new))).map(rows -> {
          java.util.Map<String, Contact> byName = new java.util.HashMap<>();
          rows.forEach(r -> byName.put(r.getString("name"), people(new JsonArray().add(r.getValue("c"))).get(0)));
          return names.stream().map(byName::get).toList();
        });
  }

}
