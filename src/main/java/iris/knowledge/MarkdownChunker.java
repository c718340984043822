package iris.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Cuts Markdown along its headings. Neighbouring short sections are kept together up to
 * {@code maxWords}, so a runbook's causes and remediation stay in one chunk; a section
 * longer than that is cut into windows that overlap by {@code overlapWords}, so a sentence
 * on a boundary is whole in at least one chunk.
 *
 * <p>Headings are the document's own (ATX or setext) as CommonMark defines them, so a
 * {@code # comment} inside fenced code is text, and a heading inside a list or quote does not
 * cut. A chunk's body keeps the source text, Markdown marks included.
 */
public final class MarkdownChunker {
  private static final Parser PARSER = Parser.builder()
      .extensions(List.of(TablesExtension.create()))
      .includeSourceSpans(IncludeSourceSpans.BLOCKS)
      .build();
  private static final Pattern LINE = Pattern.compile("\\r\\n|\\r|\\n");
  private static final Pattern FRONT_MATTER_END = Pattern.compile("(?m)^(?:---|\\.\\.\\.)[ \\t]*$");

  private final int maxWords;
  private final int overlapWords;

  public MarkdownChunker(int maxWords, int overlapWords) {
    if (overlapWords >= maxWords) {
      throw new IllegalArgumentException("overlap must be smaller than the chunk");
    }
    this.maxWords = maxWords;
    this.overlapWords = overlapWords;
  }

  private record Section(String heading, List<String> words) {}

  /**
   * The CommonMark document (GFM tables included) of a Markdown text, with source spans of its
   * blocks. A leading YAML front matter block ({@code ---} … {@code ---}, as static-site runbooks
   * carry) is left out: CommonMark alone would read its last line as a setext heading.
   */
  public static Node parse(String markdown) {
    return PARSER.parse(withoutFrontMatter(markdown));
  }

  static String withoutFrontMatter(String markdown) {
    var lines = LINE.split(markdown, 2);
    if (lines.length < 2 || !lines[0].strip().equals("---")) {
      return markdown;
    }
    var end = FRONT_MATTER_END.matcher(lines[1]);
    return end.find() ? lines[1].substring(end.end()).replaceFirst("^(?:\\r\\n|\\r|\\n)", "") : markdown;
  }

  public List<Chunk> chunk(String markdown) {
    List<Chunk> chunks = new ArrayList<>();
    String heading = null;
    List<String> words = new ArrayList<>();
    for (Section section : sections(markdown)) {
      boolean fits = words.size() + section.words().size() <= maxWords;
      if (!words.isEmpty() && !fits) {
        emit(chunks, heading, words);
        words = new ArrayList<>();
        heading = null;
      }
      if (heading == null) {
        heading = section.heading();
      }
      if (section.words().size() > maxWords) {
        emit(chunks, heading, section.words());
        heading = null;
      } else {
        words.addAll(section.words());
      }
    }
    if (!words.isEmpty()) {
      emit(chunks, heading, words);
    }
    return chunks;
  }

  private void emit(List<Chunk> chunks, String heading, List<String> words) {
    int step = maxWords - overlapWords;
    for (int start = 0; ; start += step) {
      int end = Math.min(words.size(), start + maxWords);
      chunks.add(new Chunk(chunks.size(), heading == null ? "" : heading, String.join(" ", words.subList(start, end))));
      if (end == words.size()) {
        return;
      }
    }
  }

  /**
   * Sections in order, one per top-level heading. A heading is part of its section's words in
   * ATX form ({@code ## Causes}, also for a setext heading); every other block gives its source.
   */
  private static List<Section> sections(String markdown) {
    String text = withoutFrontMatter(markdown);
    List<Section> sections = new ArrayList<>();
    String heading = "";
    List<String> words = new ArrayList<>();
    for (Node block = PARSER.parse(text).getFirstChild(); block != null; block = block.getNext()) {
      if (block instanceof Heading h) {
        if (!words.isEmpty()) {
          sections.add(new Section(heading, words));
        }
        heading = headingText(h);
        words = new ArrayList<>();
        addWords(words, "#".repeat(h.getLevel()) + " " + heading);
        continue;
      }
      for (SourceSpan span : block.getSourceSpans()) {
        int from = span.getInputIndex();
        addWords(words, text.substring(from, Math.min(text.length(), from + span.getLength())));
      }
    }
    if (!words.isEmpty()) {
      sections.add(new Section(heading, words));
    }
    return sections;
  }

  private static void addWords(List<String> words, String text) {
    for (String word : text.strip().split("\\s+")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
  }

  /** A heading's text: its words, with inline code kept in backticks and other marks dropped. */
  static String headingText(Heading heading) {
    StringBuilder out = new StringBuilder();
    appendText(out, heading);
    return out.toString().replaceAll("\\s+", " ").strip();
  }

  private static void appendText(StringBuilder out, Node node) {
    for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
      if (child instanceof Text t) {
        out.append(t.getLiteral());
      } else if (child instanceof Code c) {
        out.append('`').append(c.getLiteral()).append('`');
      } else if (child.getFirstChild() == null) {
        out.append(' ');
      } else {
        appendText(out, child);
      }
    }
  }

  /** The first Markdown heading's text, or the first non-empty line: a bulk import's title. */
  public static String title(String markdown, String fallback) {
    for (Node block = parse(markdown).getFirstChild(); block != null; block = block.getNext()) {
      if (block instanceof Heading h) {
        String text = headingText(h);
        if (!text.isEmpty()) {
          return text;
        }
      }
    }
    String firstLine = null;
    for (String line : LINE.split(withoutFrontMatter(markdown))) {
      if (!line.isBlank()) {
        firstLine = line.strip();
        break;
      }
    }
    return firstLine != null && firstLine.length() <= 200 ? firstLine : fallback;
  }
}
