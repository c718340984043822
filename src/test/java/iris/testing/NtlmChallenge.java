package iris.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An NTLM CHALLENGE (MS-NLMP type 2) message, as a Windows host answers an NTLM NEGOTIATE: a
 * fixed server challenge, the negotiate flags winrm4j asks for (sealing and signing included),
 * and the target name IRIS.
 */
final class NtlmChallenge {
  /** "NTLMSSP\0" and message type 1, base64: how an NTLM NEGOTIATE token starts. */
  static final String NEGOTIATE_PREFIX = "TlRMTVNTUAAB";

  private NtlmChallenge() {}

  static String encoded() {
    byte[] target = "IRIS".getBytes(StandardCharsets.UTF_16LE);
    ByteBuffer info = ByteBuffer.allocate(4 + target.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    info.putShort((short) 2).putShort((short) target.length).put(target).putShort((short) 0).putShort((short) 0);
    int payload = 56;
    ByteBuffer message = ByteBuffer.allocate(payload + target.length + info.capacity()).order(ByteOrder.LITTLE_ENDIAN);
    message.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(2)
        .putShort((short) target.length).putShort((short) target.length).putInt(payload)
        .putInt(0xe2898215)
        .put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).put(new byte[8])
        .putShort((short) info.capacity()).putShort((short) info.capacity()).putInt(payload + target.length)
        .put(new byte[] {6, 1, (byte) 0xb1, 0x1d, 0, 0, 0, 0xf})
        .put(target).put(info.array());
    return Base64.getEncoder().encodeToString(message.array());
  }
}
