package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeywordsTest {

  @Test
  void spellsOutCamelCaseAlertNames() {
    assertEquals("host out of memory. kube pod crash looping.",
        Keywords.spelledOut("HostOutOfMemory and KubePodCrashLooping fired"));
    assertEquals("mysql too many connections.", Keywords.spelledOut("MysqlTooManyConnections(>80%)"));
    assertEquals("", Keywords.spelledOut("plain words only"));
    assertEquals("mysql innodb history len too long.", Keywords.spelledOut("MysqlInnodbHistory_lenTooLong"));
  }

  @Test
  void findsAlertNamesAsWritten() {
    assertEquals(java.util.List.of("HostOutOfMemory", "MysqlInnodbHistory_lenTooLong"),
        Keywords.identifiers("HostOutOfMemory then MysqlInnodbHistory_lenTooLong, HTTP and plain"));
  }
}
