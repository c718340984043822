package iris.notify;

/** Where a maintainer (or the default channel) receives messages; either address may be null. */
public record Recipient(String name, String email, String teamsWebhookUrl) {}
