package iris.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bundled document reads, and every operation has a unique id (OpenApiIT checks the rest). */
class ApiDocsTest {
  @Test
  void theDocumentReadsAndItsOperationIdsAreUnique() {
    JsonObject document = ApiDocsCapability.document();
    assertEquals("3.1.0", document.getString("openapi"));
    Set<String> ids = new HashSet<>();
    JsonObject paths = document.getJsonObject("paths");
    int operations = 0;
    for (String path : paths.fieldNames()) {
      for (String method : Set.of("get", "post", "put", "patch", "delete")) {
        JsonObject operation = paths.getJsonObject(path).getJsonObject(method);
        if (operation != null) {
          operations++;
          assertTrue(ids.add(operation.getString("operationId")), "operationId used twice: " + operation.getString("operationId"));
          assertTrue(operation.containsKey("responses"), method + " " + path + " has responses");
        }
      }
    }
    assertTrue(operations > 70, "operations: " + operations);
  }
}
