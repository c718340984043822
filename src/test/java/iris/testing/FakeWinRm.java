package iris.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import iris.enroll.CommandResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A Windows host's WinRM listener on a loopback port: the WS-Management shell operations winrm4j
 * sends to {@code /wsman} (Create a shell, Command, Receive, Signal, Delete), answered with the
 * envelopes Windows Server answers, as recorded in winrm4j's own test recordings.
 *
 * <p>It plays PowerShell: the {@code powershell -encodedcommand <base64 UTF-16LE>} command line is
 * decoded, recorded in order, and answered by the first scripted reply whose predicate matches
 * (otherwise exit 0 with no output). A reply can take time: like Windows, a Receive then waits up
 * to the request's OperationTimeout and answers the WSManFault 2150858793 ("operation timeout
 * expired") while the command is still running, and the client polls again.
 *
 * <p>Authentication: HTTP Basic is checked (401 otherwise), so tests that need a working shell use
 * Basic. Like Windows, the 401 also offers Negotiate, and an NTLM NEGOTIATE gets a CHALLENGE; but
 * every NTLM AUTHENTICATE is refused: verifying it, and then the NTLM sealing winrm4j applies to
 * messages over HTTP, would mean writing an NTLM server, which nothing on the classpath provides.
 * That is enough to exercise winrm4j's NTLM handshake up to a refusal.
 */
public final class FakeWinRm implements AutoCloseable {

  public record Reply(CommandResult result, Duration runningFor) {}

  private record Rule(Predicate<String> script, Reply reply) {}

  private record Fault(int status, String code, String message) {}

  /** A started command: its output is handed out chunk by chunk over Receive calls. */
  private static final class Running {
    final Reply reply;
    final long doneAtNanos;
    final byte[] stdout;
    final byte[] stderr;
    int stdoutSent;
    int stderrSent;

    Running(Reply reply) {
      this.reply = reply;
      this.doneAtNanos = System.nanoTime() + reply.runningFor().toNanos();
      this.stdout = reply.result().stdout().getBytes(StandardCharsets.UTF_8);
      this.stderr = reply.result().stderr().getBytes(StandardCharsets.UTF_8);
    }
  }

  static final String SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell";
  static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  private static final String TIMEOUT_EXPIRED = "2150858793";
  private static final Pattern ENCODED_COMMAND =
      Pattern.compile("(?i)^\\s*powershell(?:\\.exe)?\\b.*?-e(?:nc|ncodedcommand)?\\s+([A-Za-z0-9+/=]+)\\s*$");

  private final String username;
  private final String password;
  private final HttpServer server;
  private final ExecutorService executor = Replies.threads("fake-winrm");
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<String> scripts = new CopyOnWriteArrayList<>();
  private final List<String> actions = new CopyOnWriteArrayList<>();
  private final Queue<Fault> commandFaults = new ConcurrentLinkedQueue<>();
  private final Map<String, Running> commands = new ConcurrentHashMap<>();
  private final Map<String, Boolean> shells = new ConcurrentHashMap<>();
  private volatile Reply fallback = new Reply(new CommandResult(0, "", ""), Duration.ZERO);
  private volatile long delayMillis;
  private volatile int chunkBytes = 1024;
  private volatile int streamsPerReceive = 4;
  private volatile boolean logBodies;

  public FakeWinRm(String username, String password) throws IOException {
    this.username = username;
    this.password = password;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/wsman", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Scripts matching {@code script} end with {@code result} (first matching rule wins). */
  public FakeWinRm respond(Predicate<String> script, CommandResult result) {
    return respond(script, result, Duration.ZERO);
  }

  /** Scripts matching {@code script} run for {@code runningFor}, then end with {@code result}. */
  public FakeWinRm respond(Predicate<String> script, CommandResult result, Duration runningFor) {
    rules.add(new Rule(script, new Reply(result, runningFor)));
    return this;
  }

  /** What a script no rule matches ends with; exit 0 and no output unless set. */
  public FakeWinRm respondByDefault(CommandResult result) {
    fallback = new Reply(result, Duration.ZERO);
    return this;
  }

  /** Every HTTP answer waits this long first (a slow network or an overloaded host). */
  public FakeWinRm delay(Duration delay) {
    this.delayMillis = delay.toMillis();
    return this;
  }

  /** Output is cut into Stream elements of at most {@code bytes}, at most {@code perReceive} per Receive answer. */
  public FakeWinRm chunkOutput(int bytes, int perReceive) {
    this.chunkBytes = bytes;
    this.streamsPerReceive = perReceive;
    return this;
  }

  /**
   * The next Command is refused with HTTP {@code status} and a SOAP fault whose WSManFault carries
   * {@code code} and {@code message}, as Windows refuses a command (e.g. 5, "Access is denied.").
   */
  public FakeWinRm faultNextCommand(int status, String code, String message) {
    commandFaults.add(new Fault(status, code, message));
    return this;
  }

  /** Prints every request and answer body to stdout: for reading what a client sends. */
  public FakeWinRm logBodies(boolean log) {
    this.logBodies = log;
    return this;
  }

  /** Every PowerShell script received, decoded, in arrival order. */
  public List<String> scripts() {
    return List.copyOf(scripts);
  }

  /** The WS-Management actions received, by last path segment (Create, Command, Receive, Signal, Delete). */
  public List<String> actions() {
    return List.copyOf(actions);
  }

  /** Shells created and not yet deleted. */
  public int openShells() {
    return shells.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] raw = exchange.getRequestBody().readAllBytes();
    if (logBodies) {
      System.out.println("FakeWinRm <<< " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().entrySet() + "\n" + new String(raw, StandardCharsets.UTF_8));
    }
    pause(delayMillis);
    if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
      // Windows lists the schemes it accepts: Negotiate always, Basic when enabled.
      String offered = exchange.getRequestHeaders().getFirst("Authorization");
      boolean ntlmNegotiate = offered != null && offered.startsWith("Negotiate " + NtlmChallenge.NEGOTIATE_PREFIX);
      exchange.getResponseHeaders().add("WWW-Authenticate", ntlmNegotiate ? "Negotiate " + NtlmChallenge.encoded() : "Negotiate");
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"WSMAN\"");
      send(exchange, 401, Map.of(), null);
      return;
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 405, Map.of(), null);
      return;
    }
    Request request;
    try {
      request = Request.parse(raw);
    } catch (Exception e) {
      send(exchange, 400, Map.of(), null);
      return;
    }
    String action = request.action().substring(request.action().lastIndexOf('/') + 1);
    actions.add(action);
    String answer = switch (action) {
      case "Create" -> create(request);
      case "Command" -> command(exchange, request);
      case "Receive" -> receive(request);
      case "Signal" -> signal(request);
      case "Delete" -> delete(request);
      default -> fault(request, "w:ActionNotSupported", "2150858774", "The action is not supported by the service.");
    };
    if (answer == null) {
      return; // already answered
    }
    send(exchange, answer.contains("<s:Fault>") ? 500 : 200, Map.of(), answer);
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    return pair.equals(username + ":" + password);
  }

  private String create(Request request) {
    String shellId = UUID.randomUUID().toString().toUpperCase();
    shells.put(shellId, true);
    return envelope(request, "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse",
        "<x:ResourceCreated><a:Address>http://127.0.0.1:" + port() + "/wsman</a:Address><a:ReferenceParameters>"
            + "<w:ResourceURI>" + SHELL + "/cmd</w:ResourceURI><w:SelectorSet><w:Selector Name=\"ShellId\">" + shellId
            + "</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>"
            + "<rsp:Shell><rsp:ShellId>" + shellId + "</rsp:ShellId><rsp:ResourceUri>" + SHELL + "/cmd</rsp:ResourceUri>"
            + "<rsp:Owner>IRIS-TEST\\" + username + "</rsp:Owner><rsp:ClientIP>127.0.0.1</rsp:ClientIP>"
            + "<rsp:IdleTimeOut>PT7200.000S</rsp:IdleTimeOut><rsp:InputStreams>stdin</rsp:InputStreams>"
            + "<rsp:OutputStreams>stdout stderr</rsp:OutputStreams><rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime>"
            + "<rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell>");
  }

  private String command(HttpExchange exchange, Request request) {
    if (!shells.containsKey(request.shellId())) {
      return shellNotFound(request);
    }
    String commandLine = request.bodyText("Command") + argumentsOf(request);
    Matcher encoded = ENCODED_COMMAND.matcher(commandLine);
    String script = encoded.matches()
        ? new String(Base64.getDecoder().decode(encoded.group(1)), StandardCharsets.UTF_16LE)
        : commandLine;
    scripts.add(script);
    Fault fault = commandFaults.poll();
    if (fault != null) {
      send(exchange, fault.status(), Map.of(), fault(request, "w:InternalError", fault.code(), fault.message()));
      return null;
    }
    String commandId = UUID.randomUUID().toString().toUpperCase();
    commands.put(commandId, new Running(replyFor(script)));
    return envelope(request, SHELL + "/CommandResponse",
        "<rsp:CommandResponse><rsp:CommandId>" + commandId + "</rsp:CommandId></rsp:CommandResponse>");
  }

  private static String argumentsOf(Request request) {
    StringBuilder arguments = new StringBuilder();
    for (String argument : request.bodyTexts("Arguments")) {
      arguments.append(' ').append(argument);
    }
    return arguments.toString();
  }

  private Reply replyFor(String script) {
    for (Rule rule : rules) {
      if (rule.script().test(script)) {
        return rule.reply();
      }
    }
    return fallback;
  }

  private String receive(Request request) {
    String commandId = request.bodyAttribute("DesiredStream", "CommandId");
    Running running = commandId == null ? null : commands.get(commandId);
    if (running == null) {
      return shellNotFound(request);
    }
    long waitNanos = running.doneAtNanos - System.nanoTime();
    if (waitNanos > 0) {
      long budget = request.operationTimeout().toNanos();
      pause(Math.min(waitNanos, budget) / 1_000_000);
      if (waitNanos > budget) {
        return fault(request, "w:TimedOut", TIMEOUT_EXPIRED,
            "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.");
      }
    }
    StringBuilder streams = new StringBuilder();
    int budget = streamsPerReceive;
    synchronized (running) {
      while (budget > 0 && running.stdoutSent < running.stdout.length) {
        running.stdoutSent += appendChunk(streams, "stdout", commandId, running.stdout, running.stdoutSent);
        budget--;
      }
      while (budget > 0 && running.stderrSent < running.stderr.length) {
        running.stderrSent += appendChunk(streams, "stderr", commandId, running.stderr, running.stderrSent);
        budget--;
      }
      boolean drained = running.stdoutSent == running.stdout.length && running.stderrSent == running.stderr.length;
      if (drained) {
        streams.append("<rsp:Stream Name=\"stdout\" CommandId=\"").append(commandId).append("\" End=\"true\"></rsp:Stream>")
            .append("<rsp:Stream Name=\"stderr\" CommandId=\"").append(commandId).append("\" End=\"true\"></rsp:Stream>")
            .append("<rsp:CommandState CommandId=\"").append(commandId).append("\" State=\"").append(SHELL)
            .append("/CommandState/Done\"><rsp:ExitCode>").append(running.reply.result().exitCode())
            .append("</rsp:ExitCode></rsp:CommandState>");
      } else {
        streams.append("<rsp:CommandState CommandId=\"").append(commandId).append("\" State=\"").append(SHELL)
            .append("/CommandState/Running\"></rsp:CommandState>");
      }
    }
    return envelope(request, SHELL + "/ReceiveResponse", "<rsp:ReceiveResponse>" + streams + "</rsp:ReceiveResponse>");
  }

  private int appendChunk(StringBuilder streams, String name, String commandId, byte[] all, int from) {
    int length = Math.min(chunkBytes, all.length - from);
    byte[] chunk = new byte[length];
    System.arraycopy(all, from, chunk, 0, length);
    streams.append("<rsp:Stream Name=\"").append(name).append("\" CommandId=\"").append(commandId).append("\">")
        .append(Base64.getEncoder().encodeToString(chunk)).append("</rsp:Stream>");
    return length;
  }

  private String signal(Request request) {
    String commandId = request.bodyAttribute("Signal", "CommandId");
    if (commandId == null || commands.remove(commandId) == null) {
      return shellNotFound(request);
    }
    return envelope(request, SHELL + "/SignalResponse", "<rsp:SignalResponse></rsp:SignalResponse>");
  }

  private String delete(Request request) {
    if (shells.remove(request.shellId()) == null) {
      return shellNotFound(request);
    }
    return envelope(request, "http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse", "");
  }

  private String shellNotFound(Request request) {
    return fault(request, "w:InvalidSelectors", "2150858843",
        "The request for the Windows Remote Shell with ShellId " + request.shellId()
            + " failed because the shell was not found on the server.");
  }

  private static String envelope(Request request, String action, String body) {
    return "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""
        + " xmlns:a=\"" + ADDRESSING + "\" xmlns:x=\"http://schemas.xmlsoap.org/ws/2004/09/transfer\""
        + " xmlns:w=\"" + WSMAN + "\" xmlns:rsp=\"" + SHELL + "\" xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd\">"
        + "<s:Header><a:Action>" + action + "</a:Action><a:MessageID>uuid:" + UUID.randomUUID().toString().toUpperCase()
        + "</a:MessageID><a:To>" + ADDRESSING + "/role/anonymous</a:To><a:RelatesTo>" + request.messageId()
        + "</a:RelatesTo></s:Header><s:Body>" + body + "</s:Body></s:Envelope>";
  }

  /**
   * A SOAP 1.2 fault with the WSManFault detail Windows sends. The detail holds no whitespace:
   * winrm4j reads its child nodes by local name and fails on a text node.
   */
  private static String fault(Request request, String subcode, String code, String message) {
    return envelope(request, "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
        "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>" + subcode + "</s:Value></s:Subcode></s:Code>"
            + "<s:Reason><s:Text xml:lang=\"en-US\">" + message + "</s:Text></s:Reason>"
            + "<s:Detail><f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"" + code
            + "\" Machine=\"iris-test\"><f:Message>" + message + "</f:Message></f:WSManFault></s:Detail></s:Fault>");
  }

  private void send(HttpExchange exchange, int status, Map<String, String> headers, String body) {
    if (logBodies) {
      System.out.println("FakeWinRm >>> " + status + "\n" + (body == null ? "" : body));
    }
    Replies.send(exchange, status, headers, body == null ? null : "application/soap+xml;charset=UTF-8", body);
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** The parts of a WS-Management request the fake needs. */
  private record Request(Document document) {

    static Request parse(byte[] raw) throws Exception {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return new Request(factory.newDocumentBuilder().parse(new ByteArrayInputStream(raw)));
    }

    String action() {
      return text(ADDRESSING, "Action");
    }

    String messageId() {
      return text(ADDRESSING, "MessageID");
    }

    String shellId() {
      NodeList selectors = document.getElementsByTagNameNS(WSMAN, "Selector");
      for (int i = 0; i < selectors.getLength(); i++) {
        Element selector = (Element) selectors.item(i);
        if ("ShellId".equals(selector.getAttribute("Name"))) {
          return selector.getTextContent().trim();
        }
      }
      return null;
    }

    /** The wait the client allows per call; Windows answers a timeout fault when it passes. */
    Duration operationTimeout() {
      String value = text(WSMAN, "OperationTimeout");
      return value == null ? Duration.ofSeconds(60) : Duration.parse(value);
    }

    String bodyText(String localName) {
      List<String> texts = bodyTexts(localName);
      return texts.isEmpty() ? "" : texts.get(0);
    }

    List<String> bodyTexts(String localName) {
      NodeList nodes = document.getElementsByTagNameNS(SHELL, localName);
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < nodes.getLength(); i++) {
        texts.add(nodes.item(i).getTextContent().trim());
      }
      return texts;
    }

    /** An attribute that winrm4j may or may not namespace-qualify (DesiredStream's CommandId is qualified). */
    String bodyAttribute(String localName, String attribute) {
      NodeList nodes = document.getElementsByTagNameNS(SHELL, localName);
      if (nodes.getLength() == 0) {
        return null;
      }
      Element element = (Element) nodes.item(0);
      String value = element.hasAttribute(attribute) ? element.getAttribute(attribute) : element.getAttributeNS(SHELL, attribute);
      return value == null || value.isEmpty() ? null : value;
    }

    private String text(String namespace, String localName) {
      NodeList nodes = document.getElementsByTagNameNS(namespace, localName);
      Node node = nodes.getLength() == 0 ? null : nodes.item(0);
      return node == null ? null : node.getTextContent().trim();
    }
  }
}
