package iris.incident;

import java.time.OffsetDateTime;

/** Filters and page of {@code GET /api/v1/incidents}; null means "any". */
public record IncidentQuery(
    String status,
    String severity,
    String alertname,
    String instance,
    String service,
    OffsetDateTime since,
    OffsetDateTime until,
    Long beforeId,
    int limit) {}
