package iris.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A multipart/form-data body, built by hand for the JDK client. */
public final class Multipart {
  private final String boundary = "iris-" + UUID.randomUUID();
  private final StringBuilder body = new StringBuilder();

  public Multipart field(String name, String value) {
    body.append("--").append(boundary).append("\r\n")
        .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
        .append(value).append("\r\n");
    return this;
  }

  public Multipart file(String field, String fileName, String content) {
    body.append("--").append(boundary).append("\r\n")
        .append("Content-Disposition: form-data; name=\"").append(field).append("\"; filename=\"").append(fileName).append("\"\r\n")
        .append("Content-Type: text/markdown\r\n\r\n")
        .append(content).append("\r\n");
    return this;
  }

  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  public String body() {
    return body + "--" + boundary + "--\r\n";
  }

  public Map<String, String> headers(String apiKey) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType());
    headers.put("X-API-Key", apiKey);
    return headers;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
