package iris.incident;

/** An incident that became firing (new) or resolved: what {@code iris.incident.changed} carries. */
public record IncidentChange(long id, String status, Long groupId) {}
