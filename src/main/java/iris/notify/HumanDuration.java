package iris.notify;

import java.time.Duration;

/** How long something lasted, the way an operator says it: "45 s", "12 min", "1 h 12 min", "2 d 3 h". */
public final class HumanDuration {
  private HumanDuration() {}

  public static String of(Duration duration) {
    long seconds = Math.max(0, duration.getSeconds());
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3_600;
    long minutes = seconds % 3_600 / 60;
    if (days > 0) {
      return hours == 0 ? days + " d" : days + " d " + hours + " h";
    }
    if (hours > 0) {
      return minutes == 0 ? hours + " h" : hours + " h " + minutes + " min";
    }
    return minutes > 0 ? minutes + " min" : seconds + " s";
  }
}
