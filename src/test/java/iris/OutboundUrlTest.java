package iris;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OutboundUrlTest {

  @Test
  void httpsToAPublicNameOrAddressIsAllowed() {
    assertNull(OutboundUrl.problem("https://prod-12.westeurope.logic.azure.com:443/workflows/abc?sig=x", false));
    assertNull(OutboundUrl.problem("https://203.0.113.7/hook", false));
    assertNull(OutboundUrl.problem("https://[2001:db8::1]/hook", false));
  }

  @Test
  void plainHttpAndLocalOrMetadataAddressesAreRefused() {
    for (String url : new String[] {
        "http://teams.example.org/hook", "ftp://x/", "not a url", "https:///nohost",
        "https://localhost/hook", "https://api.localhost/hook", "https://127.0.0.1/hook", "https://127.1.2.3/hook",
        "https://0.0.0.0/hook", "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook",
        "https://169.254.169.254/latest/meta-data/", "https://169.254.1.1/", "https://[fe80::1]/hook",
        "https://metadata.google.internal/computeMetadata/v1/", "https://100.100.100.200/", "https://[fd00:ec2::254]/",
        "https://2130706433/", "https://0x7f.0.0.1/"}) {
      assertNotNull(OutboundUrl.problem(url, false), url);
    }
  }

  @Test
  void theInsecureFlagAdmitsHttpAndLoopbackButNotOtherSchemes() {
    assertNull(OutboundUrl.problem("http://127.0.0.1:8089/teams/alice", true));
    assertNotNull(OutboundUrl.problem("ftp://127.0.0.1/", true));
  }
}
