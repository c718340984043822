package iris.enroll;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code cap} bytes a remote command writes, so a runaway script cannot fill the heap. */
final class CappedOutput extends OutputStream {
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final int cap;
  private long dropped;

  CappedOutput(int cap) {
    this.cap = cap;
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    int room = Math.max(0, cap - kept.size());
    int keep = Math.min(room, length);
    kept.write(bytes, offset, keep);
    dropped += length - keep;
  }

  synchronized String text() {
    String text = kept.toString(StandardCharsets.UTF_8);
    return dropped == 0 ? text : text + "\n[" + dropped + " more bytes not kept]\n";
  }
}
