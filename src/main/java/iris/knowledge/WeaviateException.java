package iris.knowledge;

import io.weaviate.client.base.WeaviateError;
import io.weaviate.client.base.WeaviateErrorMessage;
import java.util.Objects;
import java.util.stream.Collectors;

/** Weaviate refused or failed a request; the message carries what Weaviate said. */
public final class WeaviateException extends RuntimeException {

  WeaviateException(String message) {
    super("weaviate: " + message);
  }

  WeaviateException(String message, WeaviateError error) {
    super("weaviate: " + message + describe(error), cause(error));
  }

  private static String describe(WeaviateError error) {
    if (error == null) {
      return "";
    }
    String messages = error.getMessages().stream()
        .map(WeaviateErrorMessage::getMessage)
        .filter(Objects::nonNull)
        .collect(Collectors.joining("; "));
    // Status 0 means the request never got an HTTP answer (connection refused, timeout).
    String status = error.getStatusCode() == 0 ? "no response" : "HTTP " + error.getStatusCode();
    return " (" + status + (messages.isEmpty() ? "" : ": " + messages) + ")";
  }

  private static Throwable cause(WeaviateError error) {
    if (error == null) {
      return null;
    }
    return error.getMessages().stream()
        .map(WeaviateErrorMessage::getThrowable)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }
}
