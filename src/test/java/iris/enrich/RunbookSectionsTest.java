package iris.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunbookSectionsTest {

  @Test
  void findsCausesRemediationAndEscalationByHeading() {
    String md = """
        # HostOutOfMemory: host is short of RAM

        Alert: `HostOutOfMemory`

        ## What it means
        Less than 10% of memory is available.

        ## Probable causes
        - A memory leak in a service
        - Too many workers
          for the box

        ## Diagnosis
        1. free -m

        ## Remediation
        1. Find the biggest process: `ps aux --sort=-rss | head`
        2. Restart the leaking service

        ## Escalation
        Page the service owner.
        """;
    RunbookSections s = RunbookSections.parse(md);
    assertEquals("Alert: `HostOutOfMemory` Less than 10% of memory is available.", s.meaning());
    assertEquals(List.of("A memory leak in a service", "Too many workers for the box"), s.causes());
    assertEquals(List.of("Find the biggest process: `ps aux --sort=-rss | head`", "Restart the leaking service"), s.remediation());
    assertEquals("Page the service owner.", s.escalation());
  }

  @Test
  void runbookWithoutKnownHeadingsGivesItsFirstParagraph() {
    RunbookSections s = RunbookSections.parse("# Title\nJust restart it.\n## Notes\nignored");
    assertEquals("Just restart it.", s.meaning());
    assertEquals(List.of(), s.remediation());
  }
}
