package iris.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WinRmAuthTest {

  @Test
  void parsesAnyCase() {
    assertEquals(WinRmAuth.NTLM, WinRmAuth.parse("ntlm"));
    assertEquals(WinRmAuth.BASIC, WinRmAuth.parse(" Basic "));
    assertEquals(WinRmAuth.KERBEROS, WinRmAuth.parse("KERBEROS"));
  }

  @Test
  void unknownSchemeNamesTheChoices() {
    IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> WinRmAuth.parse("digest"));
    assertTrue(failure.getMessage().contains("ntlm, basic, kerberos"), failure.getMessage());
    assertTrue(failure.getMessage().contains("'digest'"), failure.getMessage());
  }

  @Test
  void schemeNamesAreWinrm4js() {
    assertEquals("NTLM", WinRmAuth.NTLM.scheme());
    assertEquals("Basic", WinRmAuth.BASIC.scheme());
    assertEquals("Kerberos", WinRmAuth.KERBEROS.scheme());
  }
}
