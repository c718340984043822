package iris.knowledge;

/** A piece of a document: the heading it sits under and its text. */
public record Chunk(int ordinal, String heading, String body) {

  /** What gets embedded: the chunk with its document title and heading for context. */
  public String embeddingText(String title) {
    return heading.isEmpty() || heading.equals(title) ? title + "\n" + body : title + "\n" + heading + "\n" + body;
  }
}
