package iris.notify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TeamsChannelTest {
  @Test
  void redactionRemovesTheUrlAndItsSignatureWhateverTheForm() {
    String url = "https://prod-12.westeurope.logic.azure.com:443/workflows/abc123def456/triggers/manual/paths/invoke"
        + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zm9vYmFyYmF6cXV4c2VjcmV0c2lnbmF0dXJl";
    String leaky = "The timeout period of 500ms has been exceeded while executing POST /workflows/abc123def456/triggers/manual/paths/invoke"
        + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zm9vYmFyYmF6cXV4c2VjcmV0c2lnbmF0dXJl for server x; "
        + "also " + url + " and sig Zm9vYmFyYmF6cXV4c2VjcmV0c2lnbmF0dXJl alone";
    String clean = TeamsChannel.redact(leaky, url);
    assertFalse(clean.contains("Zm9vYmFy"), clean);
    assertFalse(clean.contains("abc123def456"), clean);
    assertTrue(clean.contains("for server x"), clean);
  }
}
