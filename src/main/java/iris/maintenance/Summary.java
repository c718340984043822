package iris.maintenance;

import io.vertx.core.json.JsonObject;
import iris.maintenance.MaintenanceStore.Occurrence;
import iris.maintenance.MaintenanceStore.Window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-of-window summary, from a template: what fired and was muted, what resolved during it,
 * what still fires (and was just sent to its owners), whether it overran, what was deployed in it.
 * With an LLM configured, {@link MaintenanceNotices} has it rewrite the text from the same facts.
 */
record Summary(String title, String text, List<JsonObject> stillFiring) {

  static Summary of(Window w, Occurrence o, List<JsonObject> muted) {
    return of(w, o, muted, List.of());
  }

  static Summary of(Window w, Occurrence o, List<JsonObject> muted, List<JsonObject> deployments) {
    List<JsonObject> firing = muted.stream().filter(m -> "firing".equals(m.getString("status"))).toList();
    List<JsonObject> resolved = muted.stream().filter(m -> !"firing".equals(m.getString("status"))).toList();
    String how = o.state().equals("cancelled") ? "was cancelled" : "ended";
    List<String> parts = new ArrayList<>();
    if (o.endedAt() != null && o.plannedEndsAt() != null && o.endedAt().isAfter(o.plannedEndsAt())) {
      parts.add("It overran its planned end by " + Summary.human(Duration.between(o.plannedEndsAt(), o.endedAt())) + ".");
    } else if (o.endedAt() != null && o.endedAt().isBefore(o.plannedEndsAt())) {
      parts.add("It ended " + Summary.human(Duration.between(o.endedAt(), o.plannedEndsAt())) + " before its planned end.");
    }
    if (muted.isEmpty()) {
      parts.add("No alert fired in its scope while it ran.");
    } else {
      parts.add(muted.size() + " alert" + (muted.size() == 1 ? "" : "s") + " fired and " + (muted.size() == 1 ? "was" : "were")
          + " muted.");
      if (!resolved.isEmpty()) {
        parts.add("Resolved during the window: " + MaintenanceNotices.lines(resolved) + ".");
      }
      if (!firing.isEmpty()) {
        parts.add("Still firing, sent to their owners now: " + MaintenanceNotices.lines(firing) + ".");
      } else {
        parts.add("Nothing it muted is still firing.");
      }
    }
    if (!deployments.isEmpty()) {
      parts.add("Deployed during the window: " + deployments(deployments) + ".");
    }
    String title = "Maintenance " + how + ": " + w.title() + (firing.isEmpty() ? "" : " (" + firing.size() + " still firing)");
    return new Summary(title, String.join(" ", parts), firing);
  }

  /** "api 2.4.0 to prod by ci (minor upgrade from 2.3.0)", joined; at most ten. */
  static String deployments(List<JsonObject> deployments) {
    List<String> out = new ArrayList<>();
    for (JsonObject d : deployments.subList(0, Math.min(10, deployments.size()))) {
      String change = d.getString("change");
      String what = "first".equals(change) ? "first deployment" : "redeploy".equals(change) ? "redeploy"
          : (d.getString("bump") == null ? "" : d.getString("bump") + " ") + change
              + (d.getString("previous_version") == null ? "" : " from " + d.getString("previous_version"));
      String status = d.getString("status");
      out.add(d.getString("service") + " " + d.getString("version") + " to " + d.getString("environment")
          + (d.getString("deployed_by") == null ? "" : " by " + d.getString("deployed_by")) + " (" + what
          + ("succeeded".equals(status) || "started".equals(status) ? "" : ", " + status.replace('_', ' ')) + ")");
    }
    return String.join(", ", out) + (deployments.size() > 10 ? " and " + (deployments.size() - 10) + " more" : "");
  }

  /** "2 h 5 min", "45 min", "3 d 4 h": short, rounded to the minute. */
  static String human(Duration d) {
    long minutes = Math.max(0, (d.toSeconds() + 30) / 60);
    long days = minutes / 1440;
    long hours = minutes % 1440 / 60;
    long mins = minutes % 60;
    if (days > 0) {
      return days + " d" + (hours > 0 ? " " + hours + " h" : "");
    }
    if (hours > 0) {
      return hours + " h" + (mins > 0 ? " " + mins + " min" : "");
    }
    return mins + " min";
  }
}
