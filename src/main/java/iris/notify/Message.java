package iris.notify;

/**
 * Anything Iris sends through the outbox: a channel renders each kind its own way (an
 * Adaptive Card, an email) and sends it; the outbox stores it as {@link MessageJson}.
 */
public sealed interface Message permits Notification, Notice, Report {}
