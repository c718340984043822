package iris;

/**
 * Every event-bus address Iris uses, with what its body holds. Bodies are small JSON objects
 * with ids (the database row is the truth), so they can cross the cluster.
 */
public enum EventAddress {
  PIPELINE_WAKE("iris.pipeline.wake",
      "{stage}: work is ready for a pipeline stage (enrich, notify); published, so every node's stage claims what it can"),
  INCIDENT_ANNOTATED("iris.incident.annotated",
      "{id}: an operator changed an incident's resolution notes or root cause; point-to-point"),
  KNOWLEDGE_CHANGED("iris.knowledge.changed",
      "{document_id, origin}: a knowledge document's vectors changed; published to every node so in-memory indexes reload it"),
  ENROLL_JOB("iris.enroll.job",
      "{job_ids}: enrollment jobs were queued; published so every enrolling node claims what it can at once"),
  ENROLL_FINISHED("iris.enroll.finished",
      "{job_id, kind, state, host_id, hostname, target, error}: an enrollment or unenrollment job ended; point-to-point to the notifier"),
  LIVE_ENROLLMENT("iris.live.enrollment",
      "{job_id, batch_id, target, step, state, percent, error}: progress of an enrollment step, for the dashboard; published");

  private final String address;
  private final String body;
  EventAddress(String address, String body) {
    this.address = address;
    this.body = body;
  }

  public String address() {
    return address;
  }

  public String body() {
    return body;
  }
}
