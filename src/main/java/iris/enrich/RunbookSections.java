package iris.enrich;

import iris.knowledge.MarkdownChunker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;

/**
 * The parts of a Markdown runbook a notification needs, found by their headings:
 * what it means, probable causes, remediation steps, escalation. Runbooks written
 * without those headings still give their first paragraph as the meaning.
 *
 * <p>The runbook is read as CommonMark (with GFM tables): a {@code #} line inside fenced code
 * is code, setext headings are headings. In the causes and remediation, each list item, each
 * paragraph and each table row is one entry; nested lists and code stay with the entry they
 * belong to (code in backticks, one span per line). A subheading that names no part of its own
 * (say "### Restart the pod" under "## Remediation") stays in its parent's part.
 */
public record RunbookSections(String meaning, List<String> causes, List<String> remediation, String escalation) {
  private enum Part { MEANING, CAUSES, REMEDIATION, ESCALATION, OTHER }

  public static RunbookSections parse(String markdown) {
    Reader reader = new Reader();
    for (Node block = MarkdownChunker.parse(markdown).getFirstChild(); block != null; block = block.getNext()) {
      reader.block(block);
    }
    return new RunbookSections(reader.meaning.toString(), reader.causes, reader.remediation, reader.escalation.toString());
  }

  /** Reads the top-level blocks in order; the last heading says which part a block belongs to. */
  private static final class Reader {
    final StringBuilder meaning = new StringBuilder();
    final StringBuilder escalation = new StringBuilder();
    final List<String> causes = new ArrayList<>();
    final List<String> remediation = new ArrayList<>();
    Part part = Part.MEANING;
    /** The level of the heading that named the current part; 0 while no heading named one. */
    int partLevel = 0;
    boolean sawHeading = false;

    void block(Node block) {
      if (block instanceof Heading heading) {
        heading(heading);
        return;
      }
      switch (part) {
        case MEANING -> prose(meaning, block);
        case ESCALATION -> prose(escalation, block);
        case CAUSES -> entries(causes, block);
        case REMEDIATION -> entries(remediation, block);
        case OTHER -> { }
      }
    }

    private void heading(Heading heading) {
      Part named = partOf(text(heading));
      boolean title = !sawHeading && meaning.isEmpty();
      sawHeading = true;
      if (title) {
        part = Part.MEANING;
        partLevel = 0;
      } else if (named == Part.OTHER && partLevel > 0 && heading.getLevel() > partLevel) {
        return;
      } else {
        part = named;
        partLevel = named == Part.OTHER ? 0 : heading.getLevel();
      }
    }
  }

  private static Part partOf(String heading) {
    String h = heading.toLowerCase(Locale.ROOT);
    if (h.contains("cause") || h.contains("why")) {
      return Part.CAUSES;
    }
    if (h.contains("remediat") || h.contains("resolution") || h.contains("fix") || h.contains("mitigat")
        || h.contains("steps") || h.contains("action") || h.contains("what to do")) {
      return Part.REMEDIATION;
    }
    if (h.contains("escalat")) {
      return Part.ESCALATION;
    }
    if (h.contains("mean") || h.contains("summary") || h.contains("overview") || h.contains("description")) {
      return Part.MEANING;
    }
    return Part.OTHER;
  }

  /** Running text: paragraphs, list items and table rows, one after the other; code is left out. */
  private static void prose(StringBuilder out, Node block) {
    if (block instanceof Paragraph) {
      append(out, text(block));
    } else if (block instanceof ListBlock list) {
      for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
        append(out, itemText(item));
      }
    } else if (block instanceof TableBlock table) {
      rows(table).forEach(row -> append(out, row));
    } else if (block instanceof BlockQuote quote) {
      for (Node child = quote.getFirstChild(); child != null; child = child.getNext()) {
        prose(out, child);
      }
    }
  }

  /** Entries of a list part. Code that follows an entry at the top level completes it ("Run: `cmd`"). */
  private static void entries(List<String> out, Node block) {
    if (block instanceof ListBlock list) {
      for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
        add(out, itemText(item));
      }
    } else if (block instanceof Paragraph) {
      add(out, text(block));
    } else if (block instanceof TableBlock table) {
      rows(table).forEach(row -> add(out, row));
    } else if (isCode(block)) {
      String code = code(block);
      if (out.isEmpty()) {
        add(out, code);
      } else if (!code.isEmpty()) {
        out.set(out.size() - 1, out.get(out.size() - 1) + " " + code);
      }
    } else if (block instanceof BlockQuote quote) {
      for (Node child = quote.getFirstChild(); child != null; child = child.getNext()) {
        entries(out, child);
      }
    }
  }

  /** A list item as one entry: its paragraphs and code, then its nested items separated by "; ". */
  private static String itemText(Node item) {
    List<String> parts = new ArrayList<>();
    for (Node child = item.getFirstChild(); child != null; child = child.getNext()) {
      if (child instanceof ListBlock nested) {
        List<String> items = new ArrayList<>();
        for (Node sub = nested.getFirstChild(); sub != null; sub = sub.getNext()) {
          add(items, itemText(sub));
        }
        parts.add(String.join("; ", items));
      } else if (isCode(child)) {
        parts.add(code(child));
      } else if (child instanceof TableBlock table) {
        parts.add(String.join("; ", rows(table)));
      } else if (child instanceof ListItem || child instanceof BlockQuote) {
        parts.add(itemText(child));
      } else {
        parts.add(text(child));
      }
    }
    return String.join(" ", parts.stream().filter(p -> !p.isEmpty()).toList());
  }

  /** The body rows of a table, each as its cells joined by " — " (the header row names columns, not facts). */
  private static List<String> rows(TableBlock table) {
    List<String> rows = new ArrayList<>();
    for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
      if (section instanceof TableHead) {
        continue;
      }
      for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
        if (row instanceof TableRow) {
          List<String> cells = new ArrayList<>();
          for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
            if (cell instanceof TableCell) {
              String text = text(cell);
              if (!text.isEmpty()) {
                cells.add(text);
              }
            }
          }
          add(rows, String.join(" — ", cells));
        }
      }
    }
    return rows;
  }

  private static boolean isCode(Node block) {
    return block instanceof FencedCodeBlock || block instanceof IndentedCodeBlock;
  }

  /** Each non-blank line of a code block as inline code, comments included: they say what a command is for. */
  private static String code(Node block) {
    String literal = block instanceof FencedCodeBlock f ? f.getLiteral() : ((IndentedCodeBlock) block).getLiteral();
    return String.join(" ", literal.lines().map(String::strip).filter(l -> !l.isEmpty()).map(RunbookSections::inlineCode).toList());
  }

  private static String inlineCode(String code) {
    return code.contains("`") ? "`` " + code + " ``" : "`" + code + "`";
  }

  /** Inline content as text: code in backticks, a link's target after its text, emphasis marks dropped. */
  private static String text(Node node) {
    StringBuilder out = new StringBuilder();
    appendInline(out, node);
    return out.toString().replaceAll("\\s+", " ").strip();
  }

  private static void appendInline(StringBuilder out, Node node) {
    for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
      if (child instanceof Text t) {
        out.append(t.getLiteral());
      } else if (child instanceof Code c) {
        out.append(inlineCode(c.getLiteral()));
      } else if (child instanceof SoftLineBreak || child instanceof HardLineBreak) {
        out.append(' ');
      } else if (child instanceof HtmlInline) {
        continue;
      } else if (child instanceof Link link) {
        int start = out.length();
        appendInline(out, link);
        String label = out.substring(start).strip();
        String target = link.getDestination();
        if (target != null && !target.isEmpty() && !target.equals(label)) {
          out.append(" (").append(target).append(')');
        }
      } else {
        appendInline(out, child);
      }
    }
  }

  private static void add(List<String> items, String text) {
    if (!text.isEmpty()) {
      items.add(text);
    }
  }

  private static void append(StringBuilder out, String text) {
    if (text.isEmpty()) {
      return;
    }
    if (!out.isEmpty()) {
      out.append(' ');
    }
    out.append(text);
  }
}
