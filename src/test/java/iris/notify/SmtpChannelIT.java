package iris.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.smtp.auth.UsernameAuthentication;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import iris.testing.Ports;
import iris.testing.ScriptedSmtpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SMTP channel against GreenMail (a real SMTP server on a loopback port, with one SMTP AUTH
 * user) for what arrives, and against a scripted server for the replies GreenMail never gives.
 */
class SmtpChannelIT {
  private static final String USER = "iris";
  private static final String PASSWORD = "pw-7f3a9c1e-never-logged";
  private static final String FROM = "Iris <iris@example.com>";
  private static final Recipient ALICE = new Recipient("Alice", "alice@example.com", null);

  @RegisterExtension
  static final GreenMailExtension GREENMAIL = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("iris@example.com", USER, PASSWORD));

  private static Vertx vertx;
  private final List<SmtpChannel> channels = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void closeChannels() throws Exception {
    for (SmtpChannel channel : channels) {
      channel.close().await(10, TimeUnit.SECONDS);
    }
  }

  private SmtpChannel channel(int port, String username, String password) {
    SmtpSettings settings = new SmtpSettings("127.0.0.1", port, SmtpSettings.StartTls.NONE, false, username, password,
        FROM, Duration.ofSeconds(2), Duration.ofSeconds(3));
    SmtpChannel channel = new SmtpChannel(vertx, settings, EmailSamples.renderer());
    channels.add(channel);
    return channel;
  }

  private SmtpChannel greenMail(String username, String password) {
    return channel(GREENMAIL.getSmtp().getPort(), username, password);
  }

  private static DeliveryFailure failureOf(Future<Void> sent) {
    try {
      sent.await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      return assertInstanceOf(DeliveryFailure.class, e, "a failed send carries a DeliveryFailure");
    }
    throw new AssertionError("the send succeeded");
  }

  @Test
  void reachesOnlyRecipientsWithAnAddress() {
    SmtpChannel channel = greenMail("", "");
    assertEquals("email", channel.name());
    assertTrue(channel.reaches(ALICE));
    assertFalse(channel.reaches(new Recipient("Bob", " ", "https://teams.example.com/hook")));
    assertFalse(channel.reaches(new Recipient("Bob", null, null)));
  }

  @Test
  void theMessageArrivesAsTextAndHtmlAlternatives() throws Exception {
    Notification notification = EmailSamples.firing();
    greenMail("", "").send(notification, ALICE).await(15, TimeUnit.SECONDS);

    MimeMessage[] received = GREENMAIL.getReceivedMessages();
    assertEquals(1, received.length);
    MimeMessage message = received[0];
    assertEquals(List.of(new InternetAddress("alice@example.com")), List.of(message.getRecipients(RecipientType.TO)));
    assertEquals(new InternetAddress("iris@example.com", "Iris"), message.getFrom()[0]);
    assertEquals("[FIRING critical] HostOutOfMemory on node-1:9100 (3 alerts)", message.getSubject());
    assertTrue(message.getContentType().startsWith("multipart/alternative"), message.getContentType());

    MimeMultipart parts = (MimeMultipart) message.getContent();
    assertEquals(2, parts.getCount());
    BodyPart text = parts.getBodyPart(0);
    BodyPart html = parts.getBodyPart(1);
    assertTrue(text.isMimeType("text/plain"), text.getContentType());
    assertTrue(html.isMimeType("text/html"), html.getContentType());
    String textBody = ((String) text.getContent()).replace("\r\n", "\n");
    String htmlBody = ((String) html.getContent()).replace("\r\n", "\n");
    EmailRenderer.Email expected = EmailSamples.renderer().render(notification);
    assertEquals(expected.text().strip(), textBody.strip(), "the text part arrives as rendered");
    assertEquals(expected.html().strip(), htmlBody.strip(), "the HTML part arrives as rendered");
    assertTrue(textBody.contains("3. Open a ticket for the leak"), textBody);
  }

  @Test
  void alertDataArrivesEscapedInTheHtmlPart() throws Exception {
    greenMail("", "").send(EmailSamples.firing("<script>alert(1)</script>", 1), ALICE).await(15, TimeUnit.SECONDS);

    MimeMessage message = GREENMAIL.getReceivedMessages()[0];
    assertEquals("[FIRING critical] <script>alert(1)</script> on node-1:9100", message.getSubject());
    String html = (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent();
    assertFalse(html.contains("<script>"), html);
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
  }

  @Test
  void theConfiguredUserAuthenticates() throws Exception {
    List<String> authenticatedAs = new CopyOnWriteArrayList<>();
    GREENMAIL.setUser("alice@example.com", "alice", "alice-password");
    UserManager users = GREENMAIL.getUserManager();
    users.setMessageDeliveryHandler((message, to) -> {
      authenticatedAs.add(message.getAuthenticationState() instanceof UsernameAuthentication auth
          ? message.getAuthenticationState().getType() + " " + auth.getUsername() : "anonymous");
      return users.getUserByEmail(to.getEmail());
    });

    greenMail(USER, PASSWORD).send(EmailSamples.firing(), ALICE).await(15, TimeUnit.SECONDS);

    assertEquals(1, GREENMAIL.getReceivedMessages().length);
    assertEquals(1, authenticatedAs.size());
    assertTrue(authenticatedAs.get(0).matches("(PLAIN|LOGIN) iris"), "sent after SMTP AUTH as iris: " + authenticatedAs);
  }

  /**
   * GreenMail answers a wrong password with 535 5.7.8, as real servers do. Permanent: the same
   * credentials fail the same way on every retry, and retrying them gets accounts locked.
   */
  @Test
  void aWrongPasswordIsPermanentAndTheMessageNeverShowsIt() {
    String wrong = "wrong-" + PASSWORD;
    DeliveryFailure failure = failureOf(greenMail(USER, wrong).send(EmailSamples.firing(), ALICE));
    assertFalse(failure.retryable(), failure.getMessage());
    assertTrue(failure.getMessage().contains("535"), failure.getMessage());
    assertFalse(failure.getMessage().contains(wrong), failure.getMessage());
    assertEquals(0, GREENMAIL.getReceivedMessages().length);
  }

  @Test
  void theSettingsNeverShowThePassword() {
    SmtpSettings settings = new SmtpSettings("smtp.example.com", 587, SmtpSettings.StartTls.REQUIRED, false, USER, PASSWORD,
        FROM, Duration.ofSeconds(5), Duration.ofSeconds(30));
    assertFalse(settings.toString().contains(PASSWORD), settings.toString());
    assertTrue(settings.toString().contains("password=***"), settings.toString());
  }

  @Test
  void aServerThatIsDownIsRetryable() {
    DeliveryFailure failure = failureOf(channel(Ports.free(), "", "").send(EmailSamples.firing(), ALICE));
    assertTrue(failure.retryable(), failure.getMessage());
    assertNull(failure.retryAfter());
  }

  @Test
  void aServerThatNeverAnswersTimesOutRetryably() throws Exception {
    try (ScriptedSmtpServer silent = ScriptedSmtpServer.silent()) {
      long start = System.nanoTime();
      DeliveryFailure failure = failureOf(channel(silent.port(), "", "").send(EmailSamples.firing(), ALICE));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(failure.retryable(), failure.getMessage());
      assertTrue(millis >= 2500 && millis < 10_000, "gave up after the send timeout (3 s), not " + millis + " ms");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"not an address", "alice@", "alice@example.com\r\nBcc: mallory@example.com"})
  void aMalformedAddressIsPermanentAndNothingIsSent(String address) throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.accepting()) {
      DeliveryFailure failure = failureOf(channel(server.port(), "", "").send(EmailSamples.firing(), new Recipient("Alice", address, null)));
      assertFalse(failure.retryable(), failure.getMessage());
      assertFalse(server.commands().contains("DATA"), "sent: " + server.commands());
    }
  }

  /** What real servers answer, and whether trying again later can help. */
  @ParameterizedTest(name = "{0} {1} -> retryable={2}")
  @CsvSource(delimiter = '|', value = {
      "GREETING | 421 4.3.2 Service not available, closing transmission channel | true",
      "MAIL     | 451 4.3.0 Local error in processing                           | true",
      "RCPT     | 450 4.2.1 Mailbox busy, try again later                       | true",
      "RCPT     | 452 4.2.2 Insufficient system storage                         | true",
      "DATA     | 451 4.7.1 Greylisted, please try again in 300 seconds         | true",
      "GREETING | 554 5.7.1 No SMTP service here                                | false",
      "MAIL     | 553 5.1.8 Sender address rejected: domain not found           | false",
      "RCPT     | 550 5.1.1 Mailbox unavailable                                 | false",
      "DATA     | 554 5.6.0 Message rejected as spam                            | false"})
  void theReplyCodeDecidesWhetherToRetry(String step, String reply, boolean retryable) throws Exception {
    try (ScriptedSmtpServer server = ScriptedSmtpServer.refusing(step, reply)) {
      DeliveryFailure failure = failureOf(channel(server.port(), "", "").send(EmailSamples.firing(), ALICE));
      assertEquals(retryable, failure.retryable(), failure.getMessage());
      assertTrue(failure.getMessage().contains(reply.substring(0, 3)), failure.getMessage());
    }
  }
}
