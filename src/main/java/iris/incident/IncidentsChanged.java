package iris.incident;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import iris.EventAddress;
import java.util.List;

/**
 * {@code iris.live.incidents}: incidents {@code ids} were created, changed (acknowledged,
 * annotated) or resolved, or a pipeline stage finished with alert group {@code groupId} (its
 * incidents' pipeline state moved). Ids only: a console page fetches what it shows through the API.
 *
 * @param ids the incidents, or empty when a stage tells of a group
 * @param groupId the alert group a stage worked on, or null
 * @param change "created", "changed" or "resolved"; a batch of the intake that holds both new and
 *     resolved incidents says "created"
 */
public record IncidentsChanged(List<Long> ids, Long groupId, String change) implements EventAddress.Body {
  /** An intake batch can touch thousands: a browser needs to know that something changed, not every id. */
  public static final int MAX_IDS = 100;

  public IncidentsChanged {
    ids = List.copyOf(ids.size() > MAX_IDS ? ids.subList(0, MAX_IDS) : ids);
  }

  public static IncidentsChanged fromJson(JsonObject json) {
    return new IncidentsChanged(json.getJsonArray("ids").stream().map(id -> ((Number) id).longValue()).toList(),
        json.getLong("group_id"), json.getString("change"));
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("ids", new JsonArray(ids)).put("group_id", groupId).put("change", change);
  }
}
