package iris.ingest;

import java.nio.charset.StandardCharsets;

/**
 * Text as PostgreSQL can store it. A {@code text} column refuses NUL, and so does {@code jsonb}
 * (even escaped); a lone UTF-16 surrogate is no character at all (JSON allows its escape, UTF-8
 * cannot carry it). Each becomes U+FFFD, the replacement character, so one odd label stores
 * instead of failing its request and every request batched with it.
 */
final class StorableText {
  static final char REPLACEMENT = '\uFFFD';

  private StorableText() {}

  /** NUL and lone surrogates replaced by U+FFFD; the same instance when there is nothing to replace. */
  static String clean(String s) {
    return replace(s, true);
  }

  /**
   * The UTF-8 bytes Alertmanager hashes for this string: Go decodes a lone surrogate escape to
   * U+FFFD but keeps NUL, so only surrogates are replaced here.
   */
  static byte[] alertmanagerUtf8(String s) {
    return replace(s, false).getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes of a string without lone surrogates, as PostgreSQL will store it. */
  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4; // with its low surrogate, one code point
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static String replace(String s, boolean nul) {
    int first = firstToReplace(s, nul);
    if (first < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, first);
    for (int i = first; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c) || (nul && c == '\u0000')) {
        out.append(REPLACEMENT);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static int firstToReplace(String s, boolean nul) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (nul && c == '\u0000') {
        return i;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }
}
