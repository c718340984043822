package iris;

/**
 * Every event-bus address Iris uses, with what its body holds. Bodies are small JSON objects
 * with ids (the database row is the truth), so they can cross the cluster. The dashboard
 * bridge may forward only the addresses marked {@code bridged}.
 */
public enum EventAddress {
  INCIDENT_CHANGED("iris.incident.changed",
      "{group_id, incidents: [{id, status}]}: incidents of one alert group became firing (new) or resolved; point-to-point, load-balanced",
      false);

  private final String address;
  private final String body;
  private final boolean bridged;

  EventAddress(String address, String body, boolean bridged) {
    this.address = address;
    this.body = body;
    this.bridged = bridged;
  }

  public String address() {
    return address;
  }

  public String body() {
    return body;
  }

  public boolean bridged() {
    return bridged;
  }
}
