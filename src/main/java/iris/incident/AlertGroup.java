package iris.incident;

/** The Alertmanager notification group an alert arrived in. Label maps are JSON text. */
public record AlertGroup(
    String receiver,
    String groupKey,
    String externalUrl,
    String status,
    String groupLabelsJson,
    String commonLabelsJson,
    String commonAnnotationsJson,
    int truncatedAlerts) {

  public String identity() {
    return receiver + '\u0000' + groupKey;
  }
}
