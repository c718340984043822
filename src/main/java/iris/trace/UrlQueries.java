package iris.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;

/**
 * Takes the query string off every URL a span records, before anything is exported. Vert.x puts
 * the whole request URL into its HTTP spans, and a Teams Workflows URL carries its signature
 * (the secret that lets anyone post to the channel) in the query; so may other outbound URLs.
 * The tracing backend sees scheme, host and path only.
 */
final class UrlQueries implements SpanProcessor {
  private static final List<AttributeKey<String>> URLS = List.of(AttributeKey.stringKey("url.full"),
      AttributeKey.stringKey("http.url"), AttributeKey.stringKey("url.query"));

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    for (AttributeKey<String> key : URLS) {
      String value = span.getAttribute(key);
      if (value != null) {
        span.setAttribute(key, withoutQuery(key, value));
      }
    }
  }

  static String withoutQuery(AttributeKey<String> key, String url) {
    if (key.getKey().equals("url.query")) {
      return "";
    }
    int cut = url.indexOf('?');
    int fragment = url.indexOf('#');
    if (cut < 0 || (fragment >= 0 && fragment < cut)) {
      cut = fragment;
    }
    return cut < 0 ? url : url.substring(0, cut);
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
  }

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
