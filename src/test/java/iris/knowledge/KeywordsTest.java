package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void queryMatchesAnyWordAndKeepsIdentifiersWhole() {
    String q = Keywords.anyWordQuery("HostOutOfMemory on node-1: 95%!");
    assertTrue(q.startsWith("hostoutofmemory | on | node | 95"), q);
    assertTrue(q.contains("| memory"), q);
    assertTrue(!q.contains("'") && !q.contains("&") && !q.contains("!"), "only plain words reach to_tsquery: " + q);
  }

  @Test
  void noWordsNoQuery() {
    assertNull(Keywords.anyWordQuery("!! -- ??"));
  }
}
