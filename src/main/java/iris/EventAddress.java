package iris;

/**
 * Every event-bus address Iris uses, with what its body holds. Bodies are small JSON objects
 * with ids (the database row is the truth), so they can cross the cluster.
 */
public enum EventAddress {
  INCIDENT_CHANGED("iris.incident.changed",
      "{group_id, incidents: [{id, status}]}: incidents of one alert group became firing (new) or resolved; point-to-point, load-balanced");

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
