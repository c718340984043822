package iris.incident;

/**
 * One node's hold on one alert group for one stage. The token fences every write the stage
 * makes for the group: once another node has claimed it, the old token writes nothing.
 *
 * @param attempts how many times the group was claimed for this stage without finishing
 */
public record Claim(Stage stage, long groupId, long token, int attempts) {}
