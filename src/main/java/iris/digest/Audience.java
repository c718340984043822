package iris.digest;

import java.util.List;

/**
 * Who a digest is for and what it covers. {@code person} is null for the default channel.
 *
 * @param kind {@code digest} (a scope's full digest) or {@code overview} (the estate, in short, for general recipients)
 * @param segments why: maintainer (their hosts and services), service (the services they are escalation manager of),
 *                 infrastructure (everything), general (the overview)
 * @param everything the whole estate rather than the person's scope
 */
record Audience(String recipient, String kind, List<String> segments, boolean everything, Estate.Person person) {
  static final String DIGEST = "digest";
  static final String OVERVIEW = "overview";
  static final String DEFAULT = "default";
}
