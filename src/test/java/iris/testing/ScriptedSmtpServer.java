package iris.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server on a loopback port that speaks just enough of RFC 5321 to accept a message,
 * except for one step answered with the reply a test chooses: the greeting ("421 4.3.2 ...")
 * or a command (MAIL, RCPT, or DATA for the reply after the message). GreenMail accepts
 * everything; real servers say "not now" (4xx) and "never" (5xx), and this plays them.
 * {@link #silent()} accepts connections and never says a word.
 */
public final class ScriptedSmtpServer implements AutoCloseable {
  private final ServerSocket socket;
  private final String step;
  private final String reply;
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<Socket> clients = new CopyOnWriteArrayList<>();

  private ScriptedSmtpServer(String step, String reply) throws IOException {
    this.step = step;
    this.reply = reply;
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "scripted-smtp");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers {@code step} (GREETING, MAIL, RCPT or DATA) with {@code reply}, e.g. "550 5.1.1 No such user". */
  public static ScriptedSmtpServer refusing(String step, String reply) throws IOException {
    return new ScriptedSmtpServer(step.toUpperCase(Locale.ROOT), reply);
  }

  /** Accepts every message (and keeps only the commands). */
  public static ScriptedSmtpServer accepting() throws IOException {
    return new ScriptedSmtpServer("NONE", null);
  }

  public static ScriptedSmtpServer silent() throws IOException {
    return new ScriptedSmtpServer("SILENT", null);
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** The commands received, verbs only ("EHLO", "MAIL", ...). */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        clients.add(client);
        Thread t = new Thread(() -> converse(client), "scripted-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;  // closed
      }
    }
  }

  private void converse(Socket client) {
    try (client) {
      if (step.equals("SILENT")) {
        client.getInputStream().read();  // until the client gives up
        return;
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = client.getOutputStream();
      if (step.equals("GREETING")) {
        send(out, reply);
        return;
      }
      send(out, "220 scripted.test ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        commands.add(verb);
        switch (verb) {
          case "EHLO", "HELO" -> send(out, "250 scripted.test");
          case "MAIL", "RCPT" -> send(out, verb.equals(step) ? reply : "250 2.1.0 OK");
          case "DATA" -> {
            send(out, "354 End data with <CR><LF>.<CR><LF>");
            while ((line = in.readLine()) != null && !line.equals(".")) {
              // the message itself: not needed
            }
            send(out, step.equals("DATA") ? reply : "250 2.0.0 queued");
          }
          case "QUIT" -> {
            send(out, "221 2.0.0 bye");
            return;
          }
          default -> send(out, "250 2.0.0 OK");  // RSET, NOOP
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket client : clients) {
      client.close();
    }
  }
}
