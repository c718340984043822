package iris.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec request to a {@link FakeLinuxHost}. For {@code sh -s} (how Iris runs scripts) the
 * script is read from stdin until EOF; any other command line is itself taken as the script.
 * The answer is written on a thread of its own, as a real process would, so a slow host
 * does not block the server's I/O threads.
 */
final class FakeHostScript implements Command {
  private static final Pattern READS_STDIN = Pattern.compile("^(sudo( -\\S+)* )?(/usr)?(/bin/)?(ba|da)?sh -s\\b.*");
  private static final Pattern TAG = Pattern.compile("^#\\s*iris:(\\S+)");

  interface Answerer {
    StepReply answer(String step, String script, String user, String command) throws InterruptedException;
  }

  private final String command;
  private final Answerer answerer;
  private InputStream in;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private Thread worker;

  FakeHostScript(String command, Answerer answerer) {
    this.command = command;
    this.answerer = answerer;
  }

  static String stepOf(String script) {
    for (String line : script.split("\n", 3)) {
      if (line.startsWith("#!")) {
        continue;
      }
      Matcher tag = TAG.matcher(line.strip());
      return tag.find() ? tag.group(1) : "untagged";
    }
    return "untagged";
  }

  @Override
  public void start(ChannelSession channel, Environment env) {
    String user = channel.getSession().getUsername();
    worker = new Thread(() -> run(user), "fake-host-script");
    worker.setDaemon(true);
    worker.start();
  }

  private void run(String user) {
    int code;
    try {
      String script = READS_STDIN.matcher(command).matches() ? readStdin() : command;
      StepReply reply = answerer.answer(stepOf(script), script, user, command);
      out.write(reply.stdout().getBytes(StandardCharsets.UTF_8));
      out.flush();
      err.write(reply.stderr().getBytes(StandardCharsets.UTF_8));
      err.flush();
      code = reply.exitCode();
    } catch (InterruptedException e) {
      return; // the client closed the channel: nothing left to answer
    } catch (IOException e) {
      code = 255;
    }
    exit.onExit(code);
  }

  private String readStdin() throws IOException {
    ByteArrayOutputStream script = new ByteArrayOutputStream();
    in.transferTo(script);
    return script.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void destroy(ChannelSession channel) {
    if (worker != null) {
      worker.interrupt();
    }
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }
}
