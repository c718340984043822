package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import iris.http.HttpProblem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchFileTest {

  @Test
  void everyTemplateParsesBackIntoValidRequests() {
    for (String format : BatchFile.FORMATS) {
      List<JsonObject> rows = BatchFile.parse(BatchFile.template(format).getBytes(StandardCharsets.UTF_8), format);
      assertTrue(rows.size() >= 2, format);
      for (int i = 0; i < rows.size(); i++) {
        EnrollmentRequest request = EnrollmentRequest.parse(rows.get(i), "rows[" + i + "].");
        assertTrue(request.address().startsWith("10.0."), format + " row " + i);
      }
    }
  }

  @Test
  void csvSpreadsCredentialListsAndLabels() {
    String csv = "address,username,password,environment,services,labels\n"
        + "10.1.1.1,deploy,s3cret,production,shop;payments,team=web;rack=r1\n";
    JsonObject row = BatchFile.parse(csv.getBytes(StandardCharsets.UTF_8), "csv").get(0);
    EnrollmentRequest request = EnrollmentRequest.parse(row, "rows[0].");
    assertEquals("s3cret", request.credential().password());
    assertEquals(List.of("shop", "payments"), request.services());
    assertEquals("r1", request.labels().get("rack"));
    assertEquals(22, request.port());
  }

  @Test
  void badFilesAreRefusedNamingTheProblem() {
    HttpProblem unknownColumn = assertThrows(HttpProblem.class,
        () -> BatchFile.parse("address,colour\n1.2.3.4,blue\n".getBytes(StandardCharsets.UTF_8), "csv"));
    assertTrue(unknownColumn.getMessage().contains("unknown CSV column 'colour'"), unknownColumn.getMessage());
    HttpProblem notAList = assertThrows(HttpProblem.class,
        () -> BatchFile.parse("address: 1.2.3.4\n".getBytes(StandardCharsets.UTF_8), "yaml"));
    assertTrue(notAList.getMessage().contains("list of hosts"), notAList.getMessage());
    HttpProblem broken = assertThrows(HttpProblem.class, () -> BatchFile.parse("[{".getBytes(StandardCharsets.UTF_8), "json"));
    assertEquals(400, broken.status());
  }
}
