package iris.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts Markdown along its headings. Neighbouring short sections are kept together up to
 * {@code maxWords}, so a runbook's causes and remediation stay in one chunk; a section
 * longer than that is cut into windows that overlap by {@code overlapWords}, so a sentence
 * on a boundary is whole in at least one chunk.
 */
public final class MarkdownChunker {
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

  /** Sections in order; the heading line itself is part of the section's words. */
  private static List<Section> sections(String markdown) {
    List<Section> sections = new ArrayList<>();
    String heading = "";
    List<String> words = new ArrayList<>();
    boolean inFence = false;
    for (String line : markdown.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("```")) {
        inFence = !inFence;
      }
      if (!inFence && trimmed.matches("#{1,6}\\s+.*")) {
        if (!words.isEmpty()) {
          sections.add(new Section(heading, words));
        }
        heading = trimmed.replaceFirst("^#+\\s+", "").strip();
        words = new ArrayList<>();
      }
      for (String word : trimmed.split("\\s+")) {
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
    }
    if (!words.isEmpty()) {
      sections.add(new Section(heading, words));
    }
    return sections;
  }

  /** The first Markdown heading's text, or the first non-empty line: a bulk import's title. */
  public static String title(String markdown, String fallback) {
    String firstLine = null;
    for (String line : markdown.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.matches("#{1,6}\\s+.*")) {
        return trimmed.replaceFirst("^#+\\s+", "").strip();
      }
      if (firstLine == null && !trimmed.isEmpty()) {
        firstLine = trimmed;
      }
    }
    return firstLine != null && firstLine.length() <= 200 ? firstLine : fallback;
  }
}
