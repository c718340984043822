package iris.notify;

import java.util.Map;

/**
 * A short message that is not about an alert group: an enrollment that succeeded or failed.
 * Channels render it as a small card or email; it goes through the outbox like any message.
 *
 * @param good true for success (green), false for a failure that needs a look
 * @param facts label to value, shown in order
 */
public record Notice(String title, String text, boolean good, Map<String, String> facts, Notification.Link link) implements Message {}
