package iris.registry;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import iris.registry.Ownership.ActiveTag;
import iris.registry.Ownership.Contact;
import java.util.ArrayList;
import java.util.List;

/** Answers "whose is this alert?" from the registry, for routing and suppression. */
public final class OwnershipStore {
  private static final String CONTACT = "m.name, m.email, m.teams_webhook_url, m.channels, m.min_severity";

  private final Pool pool;
  private final HostStore hosts;

  public OwnershipStore(Pool pool) {
    this.pool = pool;
    this.hosts = new HostStore(pool);
  }

  /**
   * @param instance the value of the host label (e.g. {@code node-1:9100})
   * @param serviceNames candidate service names from the alert's labels, in order of preference
   */
  public Future<Ownership> owners(String instance, List<String> serviceNames) {
    return hosts.idForInstance(instance).compose(hostId -> {
      Future<Row> host = hostId == null ? Future.succeededFuture(null)
          : pool.preparedQuery("SELECT hostname, notify FROM hosts WHERE id = $1").execute(Tuple.of(hostId)).map(r -> r.iterator().next());
      Future<List<ActiveTag>> tags = hostId == null ? Future.succeededFuture(List.of())
          : pool.preparedQuery("SELECT id, type, name, reason, created_by FROM host_tags WHERE host_id = $1 AND "
              + HostTagStore.ACTIVE + " ORDER BY id").execute(Tuple.of(hostId)).map(OwnershipStore::tags);
      // The host's services, else the first alert label that names a known service.
      Future<List<Row>> services = pool.preparedQuery("""
              SELECT s.id, s.name, s.notify FROM services s
              WHERE s.id IN (SELECT service_id FROM host_services WHERE host_id = $1)
                 OR (NOT EXISTS (SELECT 1 FROM host_services WHERE host_id = $1) AND s.name = ANY($2))
              ORDER BY array_position($2, s.name), s.name""")
          .execute(Tuple.of(hostId).addArrayOfString(serviceNames.toArray(String[]::new))).map(OwnershipStore::rows);
      Future<List<Contact>> hostMaintainers = hostId == null ? Future.succeededFuture(List.of())
          : pool.preparedQuery("SELECT " + CONTACT + " FROM host_maintainers hm JOIN maintainers m ON m.id = hm.maintainer_id "
              + "WHERE hm.host_id = $1 ORDER BY m.name").execute(Tuple.of(hostId)).map(OwnershipStore::contacts);
      return Future.all(host, tags, services, hostMaintainers).compose(all -> {
        List<Row> serviceRows = services.result();
        Long[] serviceIds = serviceRows.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
        boolean notify = (host.result() == null || host.result().getBoolean("notify"))
            && serviceRows.stream().allMatch(r -> r.getBoolean("notify"));
        Future<List<Contact>> serviceMaintainers = pool.preparedQuery("SELECT DISTINCT " + CONTACT
                + " FROM service_maintainers sm JOIN maintainers m ON m.id = sm.maintainer_id WHERE sm.service_id = ANY($1) ORDER BY m.name")
            .execute(Tuple.tuple().addArrayOfLong(serviceIds)).map(OwnershipStore::contacts);
        Future<List<Contact>> escalation = pool.preparedQuery("SELECT DISTINCT " + CONTACT
                + " FROM services s JOIN maintainers m ON m.id = s.escalation_manager WHERE s.id = ANY($1) ORDER BY m.name")
            .execute(Tuple.tuple().addArrayOfLong(serviceIds)).map(OwnershipStore::contacts);
        return Future.all(serviceMaintainers, escalation).map(v -> new Ownership(hostId,
            host.result() == null ? null : host.result().getString("hostname"),
            serviceRows.stream().map(r -> r.getString("name")).toList(), notify, tags.result(),
            hostMaintainers.result().isEmpty() ? serviceMaintainers.result() : hostMaintainers.result(),
            escalation.result()));
      });
    });
  }

  /** A maintainer's addresses and preferences by name, or null when they no longer exist. */
  public Future<Contact> contact(String name) {
    return pool.preparedQuery("SELECT " + CONTACT + " FROM maintainers m WHERE m.name = $1").execute(Tuple.of(name))
        .map(rows -> rows.size() == 0 ? null : contacts(rows).get(0));
  }

  private static List<Row> rows(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }

  private static List<ActiveTag> tags(RowSet<Row> rows) {
    List<ActiveTag> out = new ArrayList<>();
    rows.forEach(r -> out.add(new ActiveTag(r.getLong("id"), r.getString("type"), r.getString("name"), r.getString("reason"),
        r.getString("created_by"))));
    return out;
  }

  private static List<Contact> contacts(RowSet<Row> rows) {
    List<Contact> out = new ArrayList<>();
    rows.forEach(r -> out.add(new Contact(r.getString("name"), r.getString("email"), r.getString("teams_webhook_url"),
        List.of(r.getArrayOfStrings("channels")), r.getString("min_severity"))));
    return out;
  }
}
