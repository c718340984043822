package iris.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iris.testing.TestIris;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The HTTP edge: key before body, bounded uploads, a deadline for slow requests, HTTPS from PEM files. */
class HttpEdgeIT {
  private static final String IMPORT = "/api/v1/knowledge/runbooks/import";

  /** A raw HTTP/1.1 exchange, so a test can send half a request. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** Everything the server sends until it closes the connection (fails on the read timeout). */
    String readUntilClosed() throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      for (int n; (n = in.read(buffer)) != -1; ) {
        all.write(buffer, 0, n);
      }
      return all.toString(StandardCharsets.UTF_8);
    }

    /** The first line the server sends. */
    String statusLine() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != -1 && c != '\n'; ) {
        line.append((char) c);
      }
      return line.toString().strip();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static String partialUpload(String path, String key, boolean expectContinue) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (key == null ? "" : "X-API-Key: " + key + "\r\n")
        + (expectContinue ? "Expect: 100-continue\r\n" : "")
        + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 10000000\r\n\r\n"
        + (expectContinue ? "" : "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.md\"\r\n\r\n# half a runbook");
  }

  @Test
  void aSlowUploadWithoutAKeyIsRefusedAtOnceAndNothingIsBuffered() throws Exception {
    try (TestIris iris = TestIris.start(Map.of("IRIS_ROLES", "ingest"))) {
      long started = System.nanoTime();
      try (Raw raw = new Raw(iris.port)) {
        raw.send(partialUpload(IMPORT, null, false));
        String answer = raw.readUntilClosed();
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        assertTrue(answer.toLowerCase().contains("connection: close"), answer);
      }
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 5000, "answered without waiting for the body");
      Path uploads = Path.of(iris.env.get("IRIS_DATA_DIR"), "uploads");
      assertTrue(!Files.exists(uploads) || Files.list(uploads).findAny().isEmpty(), "no upload file was written");

      // The same on a JSON API route: the key is checked before the body is read.
      try (Raw raw = new Raw(iris.port)) {
        raw.send("POST /api/v1/maintainers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100000\r\n\r\n{\"name\":");
        String answer = raw.readUntilClosed();
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
      }
      // A wrong key is looked up (not cached): still answered before the body.
      try (Raw raw = new Raw(iris.port)) {
        raw.send(partialUpload(IMPORT, "not-a-key", false));
        assertTrue(raw.readUntilClosed().startsWith("HTTP/1.1 401"));
      }
    }
  }

  @Test
  void uploadsAreBoundedAndARequestThatDoesNotArriveInTimeGets408() throws Exception {
    try (TestIris iris = TestIris.start(Map.of("IRIS_ROLES", "ingest", "IRIS_HTTP_MAX_UPLOADS", "1",
        "IRIS_HTTP_REQUEST_TIMEOUT_SECONDS", "2"))) {
      try (Raw first = new Raw(iris.port)) {
        first.send(partialUpload(IMPORT, TestIris.ADMIN_KEY, true));
        assertEquals("HTTP/1.1 100 Continue", first.statusLine(), "the first upload is admitted and its body asked for");
        try (Raw second = new Raw(iris.port)) {
          second.send(partialUpload(IMPORT, TestIris.ADMIN_KEY, true));
          String refused = second.readUntilClosed();
          assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
          assertTrue(refused.contains("Retry-After: 5") || refused.toLowerCase().contains("retry-after: 5"), refused);
        }
        // The first never sends its body: past the request deadline it gets 408 and is closed.
        long started = System.nanoTime();
        first.statusLine(); // the blank line after 100 Continue
        String late = first.readUntilClosed();
        assertTrue(late.startsWith("HTTP/1.1 408"), late);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waited < 8000, "closed at the deadline, after " + waited + " ms");
      }
      // Its slot is free again.
      try (Raw third = new Raw(iris.port)) {
        third.send(partialUpload(IMPORT, TestIris.ADMIN_KEY, true));
        assertEquals("HTTP/1.1 100 Continue", third.statusLine());
      }
      // A whole request is unaffected.
      assertEquals(200, iris.api("GET", "/api/v1/jobs", null).status());
    }
  }

  @Test
  void httpsFromPemFiles() throws Exception {
    Path dir = Files.createTempDirectory("iris-tls");
    Path keystore = dir.resolve("tls.p12");
    Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "iris", "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, keytool.waitFor(), output);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    Certificate cert = store.getCertificate("iris");
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", store.getKey("iris", "changeit".toCharArray()).getEncoded()));

    try (TestIris iris = TestIris.start(Map.of("IRIS_ROLES", "ingest", "IRIS_HTTP_TLS_CERT", certPem.toString(),
        "IRIS_HTTP_TLS_KEY", keyPem.toString()))) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("iris", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
      HttpResponse<String> live = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + iris.port + "/health/live")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, live.statusCode());
      assertEquals("TLSv1.3", live.sslSession().orElseThrow().getProtocol());
      HttpResponse<String> jobs = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + iris.port + "/api/v1/jobs"))
          .header("X-API-Key", TestIris.ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, jobs.statusCode(), jobs.body());

      // The console under TLS: a Secure session cookie, and pages that read the API over the node's own HTTPS.
      HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + iris.port + "/console/sign-in"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("api_key=" + TestIris.ADMIN_KEY)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(303, signIn.statusCode(), signIn.body());
      String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("; Secure"), cookie);
      HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + iris.port + "/console/incidents"))
          .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), page.body());
      assertTrue(page.body().contains("id=\"incidents\""), page.body());

      // Plain HTTP on the same port gets no answer.
      try (Raw raw = new Raw(iris.port)) {
        raw.socket.setSoTimeout(5000);
        raw.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        String answer;
        try {
          answer = raw.readUntilClosed();
        } catch (SocketTimeoutException e) {
          answer = "";
        }
        assertTrue(!answer.contains("UP"), answer);
      }
    }
    assertThrows(iris.ConfigException.class, () -> iris.IrisConfig.from(iris.ConfigSource.load(null,
        Map.of("IRIS_HTTP_TLS_CERT", certPem.toString()))));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
