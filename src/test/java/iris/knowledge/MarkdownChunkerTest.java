package iris.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
