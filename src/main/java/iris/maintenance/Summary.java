package iris.maintenance;

import io.vertx.core.json.JsonObject;
import iris.maintenance.MaintenanceStore.Occurrence;
import iris.maintenance.MaintenanceStore.Window;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-of-window summary, from a template: what fired and was muted, what resolved during it,
 * what still fires (and was just sent to its owners), whether it overran.
 */
record Summary(String title, String text, List<JsonObject> stillFiring) {

  static Summary of(Window w, Occurrence o, List<JsonObject> muted) {
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
    String title = "Maintenance " + how + ": " + w.title() + (firing.isEmpty() ? "" : " (" + firing.size() + " still firing)");
    return new Summary(title, String.join(" ", parts), firing);
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
