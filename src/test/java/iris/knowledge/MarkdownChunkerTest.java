package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MarkdownChunkerTest {

  @Test
  void shortSectionsStayTogetherUnderTheFirstHeading() {
    String md = "# Disk full\n\nIntro text.\n\n## Causes\n- logs\n\n## Remediation\n1. clean\n";
    List<Chunk> chunks = new MarkdownChunker(100, 10).chunk(md);
    assertEquals(1, chunks.size());
    assertEquals("Disk full", chunks.get(0).heading());
    assertTrue(chunks.get(0).body().contains("## Remediation 1. clean"), chunks.get(0).body());
  }

  @Test
  void cutsAtHeadingsWhenSectionsDoNotFitTogether() {
    String words = IntStream.range(0, 30).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    String md = "## First\n" + words + "\n## Second\n" + words + "\n";
    List<Chunk> chunks = new MarkdownChunker(40, 5).chunk(md);
    assertEquals(List.of("First", "Second"), chunks.stream().map(Chunk::heading).toList());
    assertTrue(chunks.get(1).body().startsWith("## Second w0"));
  }

  @Test
  void longSectionsAreWindowedWithOverlap() {
    String words = IntStream.range(0, 100).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    List<Chunk> chunks = new MarkdownChunker(40, 10).chunk("# Long\n" + words);
    // 101 words (heading included), windows of 40 stepping by 30: 0-40, 30-70, 60-100, 90-101
    assertEquals(4, chunks.size());
    String[] first = chunks.get(0).body().split(" ");
    String[] second = chunks.get(1).body().split(" ");
    assertEquals(first[30], second[0], "the second window starts 10 words before the first ends");
    assertTrue(chunks.stream().allMatch(c -> c.heading().equals("Long")));
  }

  @Test
  void headingsInsideCodeFencesAreNotHeadings() {
    String md = "# Real\n```\n# comment in a shell script\n```\ntext";
    List<Chunk> chunks = new MarkdownChunker(5, 1).chunk(md);
    assertTrue(chunks.stream().allMatch(c -> c.heading().equals("Real")), chunks.toString());
  }

  @Test
  void titleIsTheFirstHeadingElseTheFirstLine() {
    assertEquals("HostOutOfMemory: RAM", MarkdownChunker.title("\n\n## HostOutOfMemory: RAM\ntext", "f.md"));
    assertEquals("Plain first line", MarkdownChunker.title("Plain first line\nmore", "f.txt"));
    assertEquals("f.txt", MarkdownChunker.title("   \n", "f.txt"));
  }

  @Test
  void fencesOfEveryKindHideTheirHashLines() {
    String md = """
        # Real
        ~~~sh
        # tilde fence
        ~~~
        - a step
          ```
          # fence inside a list item
          ```
        ````markdown
        ```
        # inside a longer fence that holds a shorter one
        ```
        ````
        text
        """;
    List<Chunk> chunks = new MarkdownChunker(5, 1).chunk(md);
    assertTrue(chunks.size() > 1, "small windows: the section is long");
    assertTrue(chunks.stream().allMatch(c -> c.heading().equals("Real")), chunks.toString());
    List<Chunk> whole = new MarkdownChunker(100, 10).chunk(md);
    assertEquals(1, whole.size());
    assertTrue(whole.get(0).body().contains("~~~sh # tilde fence ~~~"), "code stays in the body as written");
  }

  @Test
  void setextHeadingsCutSectionsAndReadAsAtxHeadings() {
    String words = IntStream.range(0, 30).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    String md = "First part\n==========\n" + words + "\n\nSecond part\n-----------\n" + words + "\n";
    List<Chunk> chunks = new MarkdownChunker(40, 5).chunk(md);
    assertEquals(List.of("First part", "Second part"), chunks.stream().map(Chunk::heading).toList());
    assertTrue(chunks.get(1).body().startsWith("## Second part w0"), chunks.get(1).body());
  }

  @Test
  void tablesAndNestedListsStayInTheirSectionAsWritten() {
    String md = """
        # Causes
        | cause | check |
        |---|---|
        | disk | `df -h` |

        - outer
          - inner
        ## Remediation
        clean
        """;
    List<Chunk> chunks = new MarkdownChunker(100, 10).chunk(md);
    assertEquals(1, chunks.size());
    assertEquals("# Causes | cause | check | |---|---| | disk | `df -h` | - outer - inner ## Remediation clean",
        chunks.get(0).body());
  }

  @Test
  void frontMatterIsNeitherTitleNorText() throws IOException {
    String md = runbook("NodeFileDescriptorLimit.md");
    assertEquals("NodeFileDescriptorLimit", MarkdownChunker.title(md, "f.md"));
    List<Chunk> chunks = new MarkdownChunker(400, 40).chunk(md);
    assertTrue(chunks.get(0).body().startsWith("# NodeFileDescriptorLimit ## Meaning"), chunks.get(0).body());
    assertTrue(chunks.stream().noneMatch(c -> c.body().contains("weight:")), chunks.toString());
    assertTrue(chunks.stream().noneMatch(c -> c.heading().startsWith("sysctl")), "a root prompt is no heading");
  }

  @Test
  void titleOfASetextHeadingAndOfTextWithoutHeadings() {
    assertEquals("Disk `full`", MarkdownChunker.title("Disk *`full`*\n===\nbody", "f.md"));
    assertEquals("```", MarkdownChunker.title("```\n# code\n```", "f.md"), "a heading in code is not the title");
  }

  private static String runbook(String name) throws IOException {
    try (InputStream in = MarkdownChunkerTest.class.getResourceAsStream("/runbooks/prometheus-operator/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
