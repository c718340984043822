package iris.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

  @Test
  void hashLinesInFencedCodeUnderRemediationAreCodeNotHeadings() {
    String md = """
        # DiskFull

        ## Remediation
        1. Find what grew:
           ```sh
           # the biggest directories first
           du -xh / | sort -h | tail
           ```
        2. Rotate the logs:

        ```bash
        # as root
        logrotate -f /etc/logrotate.conf
        ```

        ~~~
        ## not a heading either
        ~~~

        3. Check again with `df -h`

        ## Escalation
        Page storage.
        """;
    RunbookSections s = RunbookSections.parse(md);
    assertEquals(List.of(
        "Find what grew: `# the biggest directories first` `du -xh / | sort -h | tail`",
        "Rotate the logs: `# as root` `logrotate -f /etc/logrotate.conf` `## not a heading either`",
        "Check again with `df -h`"), s.remediation());
    assertEquals("Page storage.", s.escalation());
  }

  @Test
  void nestedListsStayWithTheirStep() {
    String md = """
        # Title
        text
        ## Probable causes
        - Too many connections
          - from the batch jobs
          - from a retry storm
        - Slow disk
        ## Remediation
        1. Stop the sources:
           1. pause the batch jobs
           2. raise the client back-off
        2. Restart
        """;
    RunbookSections s = RunbookSections.parse(md);
    assertEquals(List.of("Too many connections from the batch jobs; from a retry storm", "Slow disk"), s.causes());
    assertEquals(List.of("Stop the sources: pause the batch jobs; raise the client back-off", "Restart"), s.remediation());
  }

  @Test
  void setextHeadingsAreHeadings() {
    String md = """
        HostDown
        ========

        The host answers no scrape.

        Probable causes
        ---------------
        * powered off

        Remediation
        -----------
        * power it on
        """;
    RunbookSections s = RunbookSections.parse(md);
    assertEquals("The host answers no scrape.", s.meaning());
    assertEquals(List.of("powered off"), s.causes());
    assertEquals(List.of("power it on"), s.remediation());
  }

  @Test
  void tableRowsAreEntriesAndSubheadingsStayInTheirPart() {
    String md = """
        # CertExpiring

        ## Probable causes
        | Cause | How to tell |
        |-------|-------------|
        | renewal job failed | `systemctl status certbot.timer` |
        | wrong **issuer** | see [the CA docs](https://ca.example/docs) |

        ## Remediation
        ### Renew by hand
        Run `certbot renew`.
        ### Reload the proxy
        Run `systemctl reload nginx`.

        ## Notes
        Not a step.
        """;
    RunbookSections s = RunbookSections.parse(md);
    assertEquals(List.of("renewal job failed — `systemctl status certbot.timer`",
        "wrong issuer — see the CA docs (https://ca.example/docs)"), s.causes());
    assertEquals(List.of("Run `certbot renew`.", "Run `systemctl reload nginx`."), s.remediation());
  }

  @Test
  void prometheusOperatorRunbookKeepsEveryMitigationStep() throws IOException {
    RunbookSections s = RunbookSections.parse(runbook("NodeFilesystemSpaceFillingUp.md"));
    assertEquals(8, s.remediation().size(), s.remediation().toString());
    assertEquals("Remove dangling images: `# TODO: Command needed`", s.remediation().get(2));
    assertEquals("Exit debug: `$ exit` `$ exit`", s.remediation().get(4));
    assertEquals("2 (https://kubernetes.io/docs/concepts/cluster-administration/logging/)", s.remediation().get(6));
    assertTrue(s.meaning().startsWith("This alert is based on an extrapolation"), s.meaning());
    assertFalse(s.meaning().contains("title:"), "the front matter is not the meaning");
  }

  @Test
  void prometheusOperatorRunbookWithARootPromptInItsDiagnosis() throws IOException {
    RunbookSections s = RunbookSections.parse(runbook("NodeFileDescriptorLimit.md"));
    assertEquals(List.of("Reduce the number of files opened simultaneously by either adjusting application "
        + "configuration or by moving some applications to other nodes."), s.remediation());
    assertTrue(s.meaning().startsWith("This alert is triggered when a node's kernel"), s.meaning());
  }

  @Test
  void aFenceThatIsNeverClosedRunsToTheEnd() throws IOException {
    // As CommonMark (and every renderer) reads it: the "## Mitigation" after an unclosed fence is code.
    RunbookSections s = RunbookSections.parse(runbook("PrometheusOperatorNodeLookupErrors.md"));
    assertEquals(List.of(), s.remediation());
    assertEquals("Errors while reconciling information about kubernetes nodes.", s.meaning());
  }

  static String runbook(String name) throws IOException {
    try (InputStream in = RunbookSectionsTest.class.getResourceAsStream("/runbooks/prometheus-operator/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
